// Draws the country map (templates/overview/map.html) from its JSON, with the world outlines served
// by EvalBase itself (never plotly's CDN); a click on a country opens the list behind its figure.
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("country-map");
    var source = element && document.getElementById(element.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    if (element.clientWidth < 600) {  // a phone: the colour bar goes under the map, which takes the width
      var bar = figure.data[0].colorbar;
      bar.orientation = "h"; bar.x = 0.5; bar.xanchor = "center"; bar.y = 0; bar.yanchor = "top";
      bar.len = 0.9; bar.thickness = 10; bar.title.side = "top";
      figure.layout.margin.b = 60;
    }
    var config = {responsive: true, displaylogo: false, displayModeBar: false, scrollZoom: false,
                  topojsonURL: element.dataset.topojsonUrl};
    Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (point && point.customdata) { window.location.assign(point.customdata); }
      });
    });
  }
  function start() {
    // The form's selects redraw at once; the Show button stays for those without scripts.
    document.querySelectorAll("#map-controls select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    draw();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
