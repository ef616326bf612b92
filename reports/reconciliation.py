"""Recompute every published figure from the transcribed line items.

A figure says what it measures (`measure`) over which slice (`dimension` = `group`, where a group
may be several values joined by commas, e.g. "ongoing,not_stated"). Portfolio figures are computed
in the database with the portfolio's own sums (projects.selectors.line_sums), every figure of the
page in the same query: one query for the sums, one more for sizes relative to an average, one
for ratings, whatever the number of figures or lines. Money is recomputed from the lines in the
figure's currency (its unit) only.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Q

from evaluations.models import RATING_MEASURES, Measure, PublishedFigure
from projects.models import Allotment, Programme
from projects.selectors import DIMENSIONS, line_sums, lines_sized, projects_sized
from ratings.selectors import criterion_averages

CENT = Decimal("0.01")
MONEY_UNITS = (PublishedFigure.Unit.USD, PublishedFigure.Unit.CHF)


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


def _threshold(group):
    """The amount a projects_over/projects_under figure compares with, written in its group; None if none."""
    try:
        threshold = Decimal(group.replace(",", "").strip())
    except InvalidOperation:
        return None
    return threshold if threshold.is_finite() else None


def _rounded(value):
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _share(part, whole):
    return (Decimal(part or 0) * 100 / whole).quantize(CENT, ROUND_HALF_UP) if whole else None


def _average(total, count):
    return (Decimal(total) / count).quantize(CENT, ROUND_HALF_UP) if count and total is not None else None


# -- portfolio figures ---------------------------------------------------------------------------

class _PortfolioSlices:
    """The sums of every slice the figures need, computed together (two queries in all).

    A slice is an evaluation's lines, maybe narrowed to a group, with money in one currency;
    figures over the same slice (a table's row: projects, allotment, share...) share its sums.
    """

    def __init__(self, figures):
        self.programmes = {}
        links = Programme.evaluations.through.objects.filter(evaluation__in={f.evaluation_id for f in figures})
        for evaluation_id, programme_id in links.values_list("evaluation_id", "programme_id"):
            self.programmes.setdefault(evaluation_id, []).append(programme_id)
        expressions, self.aliases = {}, {}
        for figure in figures:
            for key in (self._key(figure), self._key(figure, whole=True)):
                alias = self.aliases.setdefault(key, f"s{len(self.aliases)}")  # SQL-safe names for the slices
                expressions.update({f"{alias}_{name}": sum_ for name, sum_ in line_sums(*self._slice(key)).items()})
            threshold = _threshold(figure.group)  # without an amount in the group nothing can be counted
            if figure.measure in (Measure.PROJECTS_OVER, Measure.PROJECTS_UNDER) and threshold is not None:
                expressions.update(self._sized(figure, threshold))
        self.sums = Allotment.objects.aggregate(**expressions)
        relative = {}
        for figure in figures:
            if figure.measure in (Measure.PROJECTS_OVER_AVERAGE, Measure.PROJECTS_UNDER_AVERAGE):
                average = self.average(figure)
                relative.update(self._sized(figure, average) if average is not None else {})
        self.sums |= Allotment.objects.aggregate(**relative) if relative else {}

    @staticmethod
    def _key(figure, whole=False):
        currency = figure.unit if figure.unit in MONEY_UNITS else "USD"
        if whole or not figure.dimension or not figure.group:
            return f"{figure.evaluation_id}|||{currency}"
        return f"{figure.evaluation_id}|{figure.dimension}|{figure.group}|{currency}"

    def _slice(self, key):
        """(the Q selecting the slice's lines, its currency)."""
        evaluation_id, dimension, group, currency = key.split("|")
        # The evaluation's lines: those of projects in the programmes it evaluates.
        condition = Q(project__programme__in=self.programmes.get(int(evaluation_id), []))
        if dimension:
            values = [value.strip() for value in group.split(",")]
            if dimension == "year":  # a group that is no year names no line
                values = [int(value) for value in values if value.isdigit()]
            condition &= Q(**{f"{DIMENSIONS[dimension].field}__in": values})
        return condition, currency

    def _sized(self, figure, bound):
        """Projects and lines of the evaluation above (or below) `bound`, named for `figure`."""
        over = figure.measure in (Measure.PROJECTS_OVER, Measure.PROJECTS_OVER_AVERAGE)
        condition, currency = self._slice(self._key(figure, whole=True))
        limit = {"over": bound} if over else {"under": bound}
        return {f"f{figure.pk}_sized": projects_sized(condition, currency, **limit),
                f"f{figure.pk}_lines_sized": lines_sized(condition, currency, **limit)}

    def get(self, figure, name, *, whole=False):
        return self.sums[f"{self.aliases[self._key(figure, whole)]}_{name}"]

    def average(self, figure):
        return _average(self.get(figure, "allotment", whole=True), self.get(figure, "projects", whole=True))

    def value(self, figure):
        """The recomputed value and, where a second reading helps, (label, alternative)."""
        measure, get = figure.measure, self.get
        if not get(figure, "allotments", whole=True):
            return None, "", None  # the evaluation holds no line items
        simple = {
            Measure.ALLOTMENTS: lambda: Decimal(get(figure, "allotments")),
            Measure.ALLOTMENT: lambda: _rounded(get(figure, "allotment") or 0),
            Measure.EXPENDITURE: lambda: _rounded(get(figure, "expenditure") or 0),
            Measure.ALLOTMENT_SHARE: lambda: _share(get(figure, "allotment"), get(figure, "allotment", whole=True)),
            Measure.EXPENDITURE_SHARE: lambda: _share(get(figure, "expenditure"),
                                                      get(figure, "expenditure", whole=True)),
            Measure.AVERAGE_PROJECT: lambda: _average(get(figure, "allotment"), get(figure, "projects")),
            Measure.COUNTRIES: lambda: Decimal(get(figure, "countries")),
        }
        if measure in simple:
            return simple[measure](), "", None
        if measure == Measure.PROJECTS:
            return Decimal(get(figure, "projects")), "allotment lines", Decimal(get(figure, "allotments"))
        if f"f{figure.pk}_sized" not in self.sums:
            return None, "", None
        labels = {Measure.PROJECTS_OVER: "allotment lines above", Measure.PROJECTS_UNDER: "allotment lines below",
                  Measure.PROJECTS_OVER_AVERAGE: "allotment lines above the average project",
                  Measure.PROJECTS_UNDER_AVERAGE: "allotment lines below the average project"}
        return (Decimal(self.sums[f"f{figure.pk}_sized"]), labels[measure],
                Decimal(self.sums[f"f{figure.pk}_lines_sized"]))


# -- rating figures ------------------------------------------------------------------------------

def _rating_value(figure, averages):
    """Rating averages as the report computed them (all printed values) and over assessed cases."""
    row = averages.get((figure.evaluation_id, figure.criterion_id))
    if row is None:
        return None, "", None
    if figure.measure == Measure.RATING:
        # A rating published without its line items (e.g. SECO's portfolio averages).
        return None, "stored rating", row["first_value"]
    return (_rounded(row["printed_average"]), f"assessed cases only ({row['assessed']} of {row['rated']})",
            _rounded(row["average"]))


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
    slices = _PortfolioSlices(portfolio) if portfolio else None
    averages = criterion_averages({f.evaluation_id for f in figures if f.measure in RATING_MEASURES})
    results = []
    for figure in figures:
        if figure.measure in RATING_MEASURES:
            recomputed, label, alternative = _rating_value(figure, averages)
        else:
            recomputed, label, alternative = slices.value(figure)
        results.append(Reconciliation(figure, recomputed, _status(figure, recomputed), label, alternative))
    return results
