"""Where to see the line items behind a published figure: a portfolio or summary address, filtered
to the figure's evaluation (and slice), that shows the recomputed number, and what to look at there.

The portfolio and its summary select an evaluation's lines as the reconciliation does (the lines of
the projects of the programmes it evaluates), and count, sum and group them the same way.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from evalbase.lib.listing import query_string
from evaluations.models import Measure
from projects.selectors import DIMENSIONS

CENT = Decimal("0.01")
# Figures about a group of lines, and the summary grouping that prints one row per group.
SUMMARY_BY = {"status": "status", "region": "region", "approach": "approach", "type": "type",
              "country": "country", "year": "year"}
WHOLE = {
    Measure.PROJECTS: "column Projects of the Total row",
    Measure.ALLOTMENTS: "column Allotment lines of the Total row",
    Measure.ALLOTMENT: "column Total allotment of the Total row",
    Measure.EXPENDITURE: "column Total expenditure of the Total row",
    Measure.AVERAGE_PROJECT: "column Average project size of the Total row",
}
GROUP = {
    Measure.PROJECTS: "Projects", Measure.ALLOTMENTS: "Allotment lines", Measure.ALLOTMENT: "Total allotment",
    Measure.EXPENDITURE: "Total expenditure", Measure.ALLOTMENT_SHARE: "Share of allotment (%)",
    Measure.EXPENDITURE_SHARE: "Total expenditure, as a share of the Total row's",
    Measure.AVERAGE_PROJECT: "Average project size", Measure.COUNTRIES: "Projects, one row per country",
}

# Project-level groups the portfolio filters on (several values: any of them), and its totals.
PORTFOLIO_FILTERS = ("region", "approach", "country")
PORTFOLIO_TOTALS = {Measure.PROJECTS: "the number of projects at the top",
                    Measure.ALLOTMENT: "the amount allotted at the top",
                    Measure.EXPENDITURE: "the amount spent at the top"}


@dataclass(frozen=True)
class Drilldown:
    url: str
    look_for: str  # where on that page the recomputed number is


def _summary(evaluation, by):
    return reverse("projects:summary") + query_string(evaluation=evaluation, by=by)


def _sized(figure, bound):
    """The evaluation's projects above (or below) `bound`: amounts are in cents, so above is a cent more or more."""
    over = figure.measure in (Measure.PROJECTS_OVER, Measure.PROJECTS_OVER_AVERAGE)
    limit = {"allotment_min": bound + CENT} if over else {"allotment_max": bound - CENT}
    url = reverse("projects:portfolio") + query_string(evaluation=figure.evaluation.slug, **limit)
    return Drilldown(url, f"the number of projects (allotment {'above' if over else 'below'} {bound:,.2f})")


def drilldown(figure, bound=None):
    """The Drilldown of `figure`; `bound` is the amount a figure about project sizes compares with."""
    slug = figure.evaluation.slug
    if figure.measure in (Measure.RATING_AVERAGE, Measure.RATING):
        url = reverse("ratings:list") + query_string(evaluation=slug, criterion=figure.criterion.code)
        return Drilldown(url, f"the ratings of {figure.criterion.name} and their averages")
    if bound is not None:
        return _sized(figure, bound)
    if figure.measure not in GROUP:
        return Drilldown(reverse("projects:portfolio") + query_string(evaluation=slug), "the evaluation's projects")
    if not figure.dimension or not figure.group:
        if figure.measure == Measure.COUNTRIES:
            return Drilldown(_summary(slug, "country"), "one row per country (None: regional and global projects)")
        return Drilldown(_summary(slug, "status"), WHOLE.get(figure.measure, "the Total row"))
    groups = [value.strip() for value in figure.group.split(",")]
    if figure.dimension == "status" and sorted(groups) == ["not_stated", "ongoing"]:
        # UNIDO's Table 1 counts lines printed without a status as ongoing: that grouping exists.
        return Drilldown(_summary(slug, "status_table_1"), f"row Ongoing, column {GROUP[figure.measure]}")
    if len(groups) > 1 and figure.dimension in PORTFOLIO_FILTERS and figure.measure in PORTFOLIO_TOTALS:
        # Groups of projects: the portfolio filtered to all of them totals them at the top.
        url = reverse("projects:portfolio") + query_string(evaluation=slug, **{figure.dimension: groups})
        return Drilldown(url, PORTFOLIO_TOTALS[figure.measure])
    choices = DIMENSIONS[figure.dimension].choices
    rows = " + ".join(str(choices.get(group, group)) for group in groups)
    return Drilldown(_summary(slug, SUMMARY_BY[figure.dimension]),
                     f"row{'s' if len(groups) > 1 else ''} {rows}, column {GROUP[figure.measure]}")
