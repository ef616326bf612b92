"""Plotly figures built on the server from aggregated rows, sent to pages as JSON.

Templates include `_chart.html`: the chart's title as a caption (never drawn inside the plot, where
it collided with axis labels on phones), a link to the data drawn, `{{ chart.data|json_script }}`
and a `<div data-chart="...">` that static/js/charts.js draws with the locally served plotly.js.
No inline script.
"""

import json

import plotly.graph_objects as go

LAYOUT = dict(
    margin=dict(l=10, r=10, t=10, b=10), height=340, font=dict(family="system-ui, sans-serif", size=13),
    paper_bgcolor="white", plot_bgcolor="white",
    # Above the plot, so it never covers the axis labels; axes make room for their labels.
    legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
    xaxis=dict(automargin=True), yaxis=dict(automargin=True),
)
COLOURS = ["#1f4e79", "#2e75b6", "#9cc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e", "#7f6000"]


def chart(chart_id, title, figure, *, data_url=""):
    """A chart for a template: its element id, title (its caption), the address of its data as a
    table or CSV, and plotly JSON."""
    figure.update_layout(colorway=COLOURS, **LAYOUT)
    return {"id": chart_id, "title": title, "data_url": data_url, "data": json.loads(figure.to_json())}


def whole_years(figure, years):
    """An x axis of years labelled as whole years, a label every few years as the span needs."""
    span = (max(years) - min(years)) if years else 0
    figure.update_xaxes(tickformat="d", dtick=max(1, -(-span // 8)), title="Year")


def bar(chart_id, title, labels, values, *, value_label, data_url=""):
    figure = go.Figure(go.Bar(x=labels, y=values, hovertemplate=f"%{{x}}<br>{value_label}: %{{y:,.0f}}<extra></extra>"))
    figure.update_yaxes(title=value_label)
    return chart(chart_id, title, figure, data_url=data_url)
