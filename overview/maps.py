"""The map of evaluated countries: a choropleth of one figure per country, the same figures as a table
and as CSV/XLSX/JSON, each country linked to the filtered list behind its figure."""

from decimal import ROUND_HALF_UP, Decimal

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from evalbase.lib.aggregates import cached
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.listing import wants_json

from .map_figures import COUNTS, DEFINITIONS, MEASURES, choropleth, country_figures, coverage, list_addresses

TOPOJSON = "vendor/topojson/world_110m.json"
WHOLE = Decimal(1)


def _columns(currencies):
    return ["iso2", "iso3", "country", *COUNTS, *(f"{kind}_{c}" for c in currencies for kind in ("allotment", "lines"))]


def _row(country, currencies):
    money = [value for c in currencies for value in (country.allotment.get(c, ""), country.lines.get(c, ""))]
    return [country.iso2, country.iso3, country.name, *(getattr(country, name) for name in COUNTS), *money]


def _choice(request, name, allowed, default):
    value = request.GET.get(name) or default
    if value not in allowed:
        return value, f"Unknown {name} “{value}”. Choose one of: {', '.join(allowed)}."
    return value, None


def _cells(country, currencies, addresses):
    """(column label, figure as shown, its list's address or "" if none) for each column of the table;
    formatted here, not in the template, so a table of every country renders in a few milliseconds."""
    urls = country.urls(addresses)
    cells = [("Projects", f"{country.projects:,}", country.projects and urls["projects"])]
    for currency in currencies:
        amount = country.allotment.get(currency)
        shown = "" if amount is None else f"{amount.quantize(WHOLE, ROUND_HALF_UP):,}"
        cells.append((f"Allotment ({currency})", shown, amount is not None and urls["allotment"]))
    for name in ("findings", "ratings", "recommendations"):
        n = getattr(country, name)
        cells.append((name.capitalize(), f"{n:,}", n and urls[name]))
    return cells


def _page(figures, currencies, measure, currency, error):
    """What the page shows: the table always, the map unless the choice of measure or currency is wrong."""
    covered = coverage(figures, currency if currency in currencies else "")
    addresses = list_addresses()
    context = {
        "rows": [(c, _cells(c, currencies, addresses)) for c in figures],
        "measures": [(m, label, covered[m]) for m, label in MEASURES.items()],
        "currencies": currencies, "measure": measure, "currency": currency, "error": error,
        "measure_label": MEASURES.get(measure, measure), "definition": DEFINITIONS.get(measure, ""),
        "definitions": [(MEASURES[m], DEFINITIONS[m]) for m in MEASURES],
    }
    if not error:
        context["shown"] = covered[measure]
    if context.get("shown"):  # no empty map: a measure no country has is said in words
        context.update(figure=choropleth(figures, measure, currency),
                       topojson_url=static(TOPOJSON).rpartition("/")[0] + "/")
    return context


def country_map(request):
    figures, currencies = cached("country_map", "", country_figures)
    columns = _columns(currencies)
    if wants_export(request):
        return export_response(request, "countries", columns, (_row(c, currencies) for c in figures))
    if wants_json(request):
        return JsonResponse({"count": len(figures), "currencies": currencies,
                             "rows": [dict(zip(columns, _row(c, currencies))) for c in figures]},
                            json_dumps_params={"ensure_ascii": False})
    measure, error = _choice(request, "measure", list(MEASURES), "allotment" if currencies else "findings")
    currency, currency_error = _choice(request, "currency", currencies, currencies[0] if currencies else "")
    error = error or (currency_error if measure == "allotment" else None)
    context = _page(figures, currencies, measure, currency, error)
    return render(request, "overview/map.html", context, status=400 if error else 200)
