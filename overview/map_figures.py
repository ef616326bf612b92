"""Figures per country for the country map (overview/maps.py): each counted in the database with a
GROUP BY, a constant number of queries whatever the number of projects or findings.

What each figure counts is what the list it links to shows under `?country=XX`:
- projects: projects whose country is XX (the portfolio);
- allotment: the sum of those projects' allotment lines, per currency, never added across currencies;
- findings: findings tagged with XX (the findings search);
- ratings: ratings of XX's country portfolio (the ratings list);
- recommendations: recommendations answering a finding tagged with XX (the findings search).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from findings.models import Finding, Recommendation
from projects.models import Allotment, Project
from ratings.models import Rating
from reference.models import Country

# Light to dark blue: more is darker; the darkest still shows the grey borders.
COLOURS = [[0, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]]
COUNTS = ("projects", "findings", "ratings", "recommendations")
MEASURES = {
    "allotment": "Allotment",
    "projects": "Projects",
    "findings": "Findings",
    "ratings": "Ratings of the country portfolio",
    "recommendations": "Recommendations",
}
DEFINITIONS = {
    "allotment": "the sum of the allotment lines of the projects in the country, in one currency",
    "projects": "projects whose country it is",
    "findings": "findings tagged with the country",
    "ratings": "ratings of the country's portfolio (ratings of single projects are not counted here)",
    "recommendations": "recommendations answering at least one finding tagged with the country",
}


LISTS = {  # measure: (list, its other parameters)
    "allotment": ("projects:portfolio", {}),
    "projects": ("projects:portfolio", {}),
    "findings": ("findings:list", {"type": "finding"}),
    "ratings": ("ratings:list", {}),
    "recommendations": ("findings:list", {"type": "recommendation"}),
}


def list_url(measure, iso2):
    """The filtered list behind a figure: what a click on the country opens."""
    name, params = LISTS[measure]
    return reverse(name) + "?" + urlencode({"country": iso2, **params})


@dataclass
class CountryFigures:
    iso2: str
    iso3: str
    name: str
    projects: int = 0
    findings: int = 0
    ratings: int = 0
    recommendations: int = 0
    allotment: dict = field(default_factory=dict)  # currency: Decimal
    lines: dict = field(default_factory=dict)  # currency: number of allotment lines

    def value(self, measure, currency=""):
        """The figure the map colours the country by; None where there is none (never 0 for "none")."""
        if measure == "allotment":
            return self.allotment.get(currency)
        return getattr(self, measure) or None

    def url(self, measure):
        return list_url(measure, self.iso2)

    def urls(self, addresses):
        """{measure: the list behind its figure}, from `addresses` ({measure: (path, parameters)})."""
        return {m: path + "?" + urlencode({"country": self.iso2, **params}) for m, (path, params) in addresses.items()}


def list_addresses():
    """{measure: (path, parameters)} of the lists behind the figures, reversed once for a whole table."""
    return {m: (reverse(name), params) for m, (name, params) in LISTS.items()}


def _counts():
    """{country id: {figure: count}} of findings, ratings and recommendations: one GROUP BY each."""
    grouped = {
        "findings": Finding.countries.through.objects.values_list("country_id"),
        "ratings": Rating.objects.filter(country__isnull=False).values_list("country_id"),
        "recommendations": Recommendation.objects.filter(findings__countries__isnull=False)
        .values_list("findings__countries"),
    }
    counts = {}
    for name, rows in grouped.items():
        distinct = name == "recommendations"  # one recommendation answers several findings of a country
        for country_id, n in rows.order_by().annotate(n=Count("pk", distinct=distinct)):
            counts.setdefault(country_id, {})[name] = n
    return counts


def _projects_and_money():
    """[(country id, currency, projects, lines, allotment)] in two queries: one pass over the projects
    and their stored totals (one per currency; "" for projects with no lines or with lines in several
    currencies), then the lines of those in several currencies (projects counted 0 there)."""
    located = Project.objects.filter(country__isnull=False).order_by()
    stored = located.values_list("country_id", "currency").annotate(
        n=Count("pk"), lines=Sum("allotment_count"), allotment=Sum("allotment_total"))
    mixed = (Allotment.objects.filter(project__in=located.filter(currency="", allotment_count__gt=0).values("pk"))
             .order_by().values_list("project__country_id", "currency")
             .annotate(lines=Count("pk"), total=Sum("amount")))
    return [*stored, *((country_id, currency, 0, lines, total) for country_id, currency, lines, total in mixed)]


def country_figures():
    """(figures of every country with any, by name; currencies by number of lines, most first).

    Six queries: three counts, two for projects and money, one for the countries' names and codes.
    """
    counts = _counts()
    money = _projects_and_money()
    for country_id, *_ in money:
        counts.setdefault(country_id, {})
    countries = Country.objects.filter(pk__in=list(counts)).values_list("pk", "iso2", "iso3", "name")
    figures = {pk: CountryFigures(iso2, iso3, name, **counts[pk]) for pk, iso2, iso3, name in countries}
    lines = {}
    for country_id, currency, n, n_lines, allotment in money:
        country = figures[country_id]
        country.projects += n
        if currency and n_lines:
            total = country.allotment.get(currency, Decimal(0)) + allotment
            country.allotment[currency] = total.quantize(Decimal("0.01"))
            country.lines[currency] = country.lines.get(currency, 0) + n_lines
            lines[currency] = lines.get(currency, 0) + n_lines
    currencies = sorted(lines, key=lambda currency: (-lines[currency], currency))
    return sorted(figures.values(), key=lambda c: c.name), currencies


def coverage(figures, currency):
    """{measure: how many countries have a figure} (for allotment: in `currency`)."""
    return {m: sum(1 for c in figures if c.value(m, currency) is not None) for m in MEASURES}


def choropleth(figures, measure, currency):
    """The plotly figure (a dict) colouring the countries by `measure` (in `currency` for allotment):
    only countries with a figure are coloured; each carries the address its click opens."""
    shown = [c for c in figures if c.value(measure, currency) is not None]
    path, params = list_addresses()[measure]
    unit = f" {currency}" if measure == "allotment" else ""
    title = f"{MEASURES[measure]}{' in ' + currency if measure == 'allotment' else ''}"
    return {
        "data": [{
            "type": "choropleth", "locationmode": "ISO-3",
            "locations": [c.iso3 for c in shown],
            "z": [float(c.value(measure, currency)) for c in shown],
            "text": [c.name for c in shown],
            "customdata": [path + "?" + urlencode({"country": c.iso2, **params}) for c in shown],
            "hovertemplate": f"%{{text}}: %{{z:,.0f}}{unit}<extra></extra>",
            "colorscale": COLOURS, "marker": {"line": {"color": "#555", "width": 0.5}},
            "colorbar": {"title": {"text": title}, "thickness": 12, "len": 0.8},
        }],
        "layout": {
            "geo": {"projection": {"type": "natural earth"}, "showframe": False, "showcoastlines": False,
                    "showcountries": True, "countrycolor": "#bbb", "showland": True, "landcolor": "#eee",
                    "resolution": 110, "scope": "world", "lataxis": {"range": [-58, 85]}},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "dragmode": False,
        },
    }
