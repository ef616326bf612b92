"""Recompute every published figure from the transcribed line items.

A figure says what it measures (`measure`) over which slice (`dimension` = `group`, where a
group may be several values joined by commas, e.g. "ongoing,not_stated"). The line items of an
evaluation are loaded once into a DataFrame, so the page runs a fixed number of queries.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd
from django.db.models import F

from evaluations.models import PublishedFigure
from projects.models import Allotment
from ratings.models import Rating

# The DataFrame column each summary dimension groups by (see projects.selectors.DIMENSIONS).
COLUMNS = {
    "status": "status", "region": "region", "approach": "approach", "type": "project_type",
    "country": "country", "year": "year",
}
PORTFOLIO_MEASURES = {
    "projects", "allotments", "allotment_usd", "expenditure_usd", "allotment_pct", "expenditure_pct",
    "average_project_usd", "countries", "projects_over", "projects_under", "projects_over_average",
    "projects_under_average",
}


class Status:
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_RECOMPUTABLE = "not recomputable"


@dataclass
class Reconciliation:
    figure: PublishedFigure
    recomputed: Decimal | None
    status: str
    alternative_label: str = ""
    alternative: Decimal | None = None

    @property
    def difference(self):
        if self.recomputed is None:
            return None
        return self.recomputed - self.figure.value

    @property
    def recomputed_display(self):
        return format_value(self.recomputed, self.figure.unit)

    @property
    def alternative_display(self):
        return format_value(self.alternative, self.figure.unit)

    @property
    def explanation(self):
        parts = [self.figure.explanation] + [note.text for note in self.figure.notes.all()]
        return "\n\n".join(part for part in parts if part)


def format_value(value, unit):
    """Counts as whole numbers, money with thousands separators, shares and scores to 2 decimals."""
    if value is None:
        return "—"
    if unit == PublishedFigure.Unit.COUNT:
        return f"{value:,.0f}"
    if unit in (PublishedFigure.Unit.USD, PublishedFigure.Unit.CHF):
        return f"{value:,.2f}"
    return f"{value:.2f}"


def tolerance(figure):
    """One unit of the last printed digit: reports round or truncate, nothing more.

    Money is compared to the dollar, counts exactly, shares and scores to their printed decimals.
    """
    if figure.unit in (PublishedFigure.Unit.USD, PublishedFigure.Unit.CHF):
        if "million" in figure.printed_value:  # "$31.4 million": one unit of the last digit shown
            return Decimal(1_000_000).scaleb(-_decimals(figure.printed_value))
        return Decimal(1)
    if figure.unit == PublishedFigure.Unit.COUNT:
        return Decimal(0)
    return Decimal(1).scaleb(-_decimals(figure.printed_value.replace(",", ".")))


def _decimals(printed):
    """How many digits a printed figure shows after its decimal point: "$31.4 million" -> 1, "50." -> 0."""
    match = re.search(r"\.(\d*)", printed)
    return len(match.group(1)) if match else 0


def _line_items(evaluation_ids):
    rows = (
        Allotment.objects.filter(project__programme__evaluations__in=evaluation_ids)
        .annotate(
            evaluation_id=F("project__programme__evaluations"),
            region=F("project__region__code"), approach=F("project__approach"),
            country=F("project__country__iso2"),
            total_expenditure=F("expenditure") + F("other_expenditure"),
        )
        .values("evaluation_id", "project_id", "status", "project_type", "year", "region", "approach",
                "country", "amount", "total_expenditure")
    )
    return pd.DataFrame.from_records(
        list(rows),
        columns=["evaluation_id", "project_id", "status", "project_type", "year", "region", "approach",
                 "country", "amount", "total_expenditure"],
    )


def _in_group(lines, figure):
    if not figure.dimension or not figure.group:
        return lines
    column = COLUMNS[figure.dimension]
    values = [v.strip() for v in figure.group.split(",")]
    if column == "year":  # a group that is no year names no line
        values = [int(v) for v in values if v.isdigit()]
    return lines[lines[column].isin(values)]


def _sum(series):
    return sum(series, Decimal(0))


def _share(part, lines, column):
    """`part`'s share of `lines`' total in `column`, in percent; None when the total is nothing."""
    total = _sum(lines[column])
    if not total:
        return None
    return (_sum(part[column]) * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _threshold(group):
    """The amount a projects_over/projects_under figure compares with, written in its group."""
    try:
        threshold = Decimal(group.replace(",", "").strip())
    except InvalidOperation:
        return None
    return threshold if threshold.is_finite() else None


def _portfolio_value(figure, lines):
    """The recomputed value and, where a second reading helps, an alternative."""
    part = _in_group(lines, figure)
    measure = figure.measure
    projects = part["project_id"].nunique()
    if measure == "projects":
        return Decimal(projects), "allotment lines", Decimal(len(part))
    if measure == "allotments":
        return Decimal(len(part)), "", None
    if measure == "allotment_usd":
        return _sum(part["amount"]), "", None
    if measure == "expenditure_usd":
        return _sum(part["total_expenditure"]), "", None
    if measure == "allotment_pct":
        return _share(part, lines, "amount"), "", None
    if measure == "expenditure_pct":
        return _share(part, lines, "total_expenditure"), "", None
    if measure == "average_project_usd":
        average = _sum(part["amount"]) / projects if projects else None
        return (average.quantize(Decimal("0.01"), ROUND_HALF_UP) if average is not None else None), "", None
    if measure == "countries":
        return Decimal(part["country"].dropna().nunique()), "", None
    return _projects_by_size(figure, part, lines)


def _projects_by_size(figure, part, lines):
    """Projects larger or smaller than an amount (the figure's group) or than the average project."""
    measure = figure.measure
    per_project = part.groupby("project_id")["amount"].apply(_sum)
    if measure in ("projects_over", "projects_under"):
        threshold = _threshold(figure.group)
        if threshold is None:  # the group should hold the amount; without one nothing can be counted
            return None, "", None
        if measure == "projects_over":
            return (Decimal(int((per_project > threshold).sum())), "allotment lines above",
                    Decimal(int((part["amount"] > threshold).sum())))
        return (Decimal(int((per_project < threshold).sum())), "allotment lines below",
                Decimal(int((part["amount"] < threshold).sum())))
    average = _sum(lines["amount"]) / lines["project_id"].nunique()
    if measure == "projects_over_average":
        return (Decimal(int((per_project > average).sum())), "allotment lines above the average project",
                Decimal(int((lines["amount"] > average).sum())))
    if measure == "projects_under_average":
        return (Decimal(int((per_project < average).sum())), "allotment lines below the average project",
                Decimal(int((lines["amount"] < average).sum())))
    raise ValueError(f"unknown measure {measure}")


def _rating_values(evaluation_ids):
    values = {}
    for rating in Rating.objects.filter(evaluation__in=evaluation_ids).values(
        "evaluation_id", "criterion_id", "programme__slug", "value", "not_assessed"
    ):
        values.setdefault((rating["evaluation_id"], rating["criterion_id"]), []).append(rating)
    return values


def _rating_value(figure, ratings):
    """Rating averages: as the report computed them (all printed values) and over assessed cases."""
    cases = ratings.get((figure.evaluation_id, figure.criterion_id), [])
    if figure.measure == "rating":
        # A rating published without its line items (e.g. SECO's portfolio averages).
        return None, "stored rating", next((r["value"] for r in cases if r["value"] is not None), None)
    printed = [r["value"] for r in cases if r["value"] is not None]
    assessed = [r["value"] for r in cases if not r["not_assessed"]]
    as_published = _sum(printed) / len(printed) if printed else None
    assessed_only = _sum(assessed) / len(assessed) if assessed else None
    return (
        as_published.quantize(Decimal("0.01"), ROUND_HALF_UP) if as_published is not None else None,
        f"assessed cases only ({len(assessed)} of {len(cases)})",
        assessed_only.quantize(Decimal("0.01"), ROUND_HALF_UP) if assessed_only is not None else None,
    )


def reconcile(*, evaluation=None):
    """One Reconciliation per published figure, in report order."""
    figures = PublishedFigure.objects.select_related("evaluation", "criterion", "source").prefetch_related("notes")
    if evaluation is not None:
        figures = figures.filter(evaluation=evaluation)
    figures = list(figures.order_by("evaluation__year", "evaluation__title", "id"))
    evaluation_ids = {f.evaluation_id for f in figures}
    lines = _line_items(evaluation_ids) if any(f.measure in PORTFOLIO_MEASURES for f in figures) else None
    ratings = _rating_values(evaluation_ids)
    results = []
    for figure in figures:
        if figure.measure in PORTFOLIO_MEASURES:
            own = lines[lines["evaluation_id"] == figure.evaluation_id]
            recomputed, alt_label, alternative = _portfolio_value(figure, own) if len(own) else (None, "", None)
        else:
            recomputed, alt_label, alternative = _rating_value(figure, ratings)
        if recomputed is None:
            status = Status.NOT_RECOMPUTABLE
        elif abs(recomputed - figure.value) < tolerance(figure) or recomputed == figure.value:
            status = Status.MATCH
        else:
            status = Status.MISMATCH
        results.append(Reconciliation(figure, recomputed, status, alt_label, alternative))
    return results
