"""Recompute every published figure from the transcribed line items.

A figure says what it measures (`measure`) over which slice (`dimension` = `group`, where a group
may be several values joined by commas, e.g. "ongoing,not_stated"). Portfolio figures are computed
in the database (reports.slices): whole-evaluation sums from the projects' stored totals, grouped by
programme, and groups of lines from each evaluation's own lines only; ratings in one more query.
The number of queries never grows with the number of projects or lines. Money is recomputed from
the lines in the figure's currency (its unit) only.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from evaluations.models import RATING_MEASURES, Measure, PublishedFigure
from ratings.selectors import criterion_averages

from .drilldown import Drilldown, drilldown
from .slices import MONEY_UNITS, PortfolioSlices, rounded


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
    drilldown: Drilldown | None = None

    @property
    def relative_difference(self):
        """The difference as a share of the published value (for sorting across units); None if not recomputed."""
        if self.recomputed is None:
            return None
        if not self.figure.value:
            return abs(self.recomputed) * 100
        return abs(self.difference) * 100 / abs(self.figure.value)

    @property
    def status_slug(self):
        return self.status.replace(" ", "-")

    @property
    def difference(self):
        if self.recomputed is None:
            return None
        return self.recomputed - self.figure.value

    @property
    def recomputed_display(self):
        return format_value(self.recomputed, self.figure.unit)

    @property
    def difference_display(self):
        if self.difference is None:
            return "—"
        return ("+" if self.difference > 0 else "") + format_value(self.difference, self.figure.unit)

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
    if unit in MONEY_UNITS:
        return f"{value:,.2f}"
    return f"{value:.2f}"


def tolerance(figure):
    """One unit of the last printed digit: reports round or truncate, nothing more.

    Money is compared to the unit of money, counts exactly, shares and scores to their printed decimals.
    """
    if figure.unit in MONEY_UNITS:
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


# -- rating figures ------------------------------------------------------------------------------

def _rating_value(figure, averages):
    """Rating averages as the report computed them (all printed values) and over assessed cases."""
    row = averages.get((figure.evaluation_id, figure.criterion_id))
    if row is None:
        return None, "", None
    if figure.measure == Measure.RATING:
        # A rating published without its line items (e.g. SECO's portfolio averages).
        return None, "stored rating", row["first_value"]
    return (rounded(row["printed_average"]), f"assessed cases only ({row['assessed']} of {row['rated']})",
            rounded(row["average"]))


# -- all figures ---------------------------------------------------------------------------------

def _status(figure, recomputed):
    if recomputed is None:
        return Status.NOT_RECOMPUTABLE
    if abs(recomputed - figure.value) < tolerance(figure) or recomputed == figure.value:
        return Status.MATCH
    return Status.MISMATCH


def reconcile(*, evaluation=None, figures=None):
    """One Reconciliation per published figure (of `evaluation`, or the `figures` given), in report order."""
    if figures is None:
        figures = PublishedFigure.objects.all()
        if evaluation is not None:
            figures = figures.filter(evaluation=evaluation)
        figures = figures.order_by("evaluation__year", "evaluation__title", "id")
    figures = list(figures.select_related("evaluation", "criterion", "source").prefetch_related("notes"))
    portfolio = [f for f in figures if f.measure not in RATING_MEASURES]
    slices = PortfolioSlices(portfolio) if portfolio else None
    averages = criterion_averages({f.evaluation_id for f in figures if f.measure in RATING_MEASURES})
    results = []
    for figure in figures:
        bound = None
        if figure.measure in RATING_MEASURES:
            recomputed, label, alternative = _rating_value(figure, averages)
        else:
            recomputed, label, alternative = slices.value(figure)
            bound = slices.bound(figure)
        results.append(Reconciliation(figure, recomputed, _status(figure, recomputed), label, alternative,
                                      drilldown(figure, bound)))
    return results
