"""Recompute every published figure from the transcribed line items.

A figure says what it measures (`measure`) over which slice (`dimension` = `group`, where a
group may be several values joined by commas, e.g. "ongoing,not_stated"). The line items of an
evaluation are loaded once into a DataFrame, so the page runs a fixed number of queries.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
            decimals = len(figure.printed_value.split(".")[-1].split()[0]) if "." in figure.printed_value else 0
            return Decimal(1_000_000).scaleb(-decimals)
        return Decimal(1)
    if figure.unit == PublishedFigure.Unit.COUNT:
        return Decimal(0)
    printed = figure.printed_value.replace(",", ".")
    decimals = len(printed.split(".")[-1].split()[0]) if "." in printed else 0
    return Decimal(1).scaleb(-decimals)


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
    if column == "year":
        values = [int(v) for v in values]
    return lines[lines[column].isin(values)]


def _sum(series):
    return sum(series, Decimal(0))


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
        total = _sum(lines["amount"])
        return (_sum(part["amount"]) * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP), "", None
    if measure == "expenditure_pct":
        total = _sum(lines["total_expenditure"])
        share = _sum(part["total_expenditure"]) * 100 / total
        return share.quantize(Decimal("0.01"), ROUND_HALF_UP), "", None
    if measure == "average_project_usd":
        average = _sum(part["amount"]) / projects if projects else None
        return (average.quantize(Decimal("0.01"), ROUND_HALF_UP) if average is not None else None), "", None
    if measure == "countries":
        return Decimal(part["country"].dropna().nunique()), "", None
    per_project = part.groupby("project_id")["amount"].apply(_sum)
    if measure in ("projects_over", "projects_under"):
        threshold = Decimal(figure.group)
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
