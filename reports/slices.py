"""The sums behind the portfolio's published figures, from the transcribed line items.

A slice is an evaluation's lines, maybe narrowed to a group, with money in one currency; figures
over the same slice (a table's row: projects, allotment, share...) share its sums.

Whole-evaluation slices (most figures, and every figure of a large portfolio) come from the
projects' stored totals, grouped by programme and country in ONE query over the projects of the
evaluated programmes (indexed on programme), plus one over the lines of the few projects whose
lines are in several currencies (they have no stored totals). Only figures about a group of lines
(by status, type, year...) or about line sizes read lines, in one query per evaluation that has
them, restricted to that evaluation's lines. So a figure never scans another evaluation's lines and
the number of queries does not grow with the number of projects.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, Q, Sum

from evaluations.models import Measure, PublishedFigure
from projects.models import TOTAL_EXPENDITURE, Allotment, Programme, Project
from projects.selectors import DIMENSIONS, line_sums, lines_sized, projects_sized

CENT = Decimal("0.01")
MONEY_UNITS = (PublishedFigure.Unit.USD, PublishedFigure.Unit.CHF)
SIZED = (Measure.PROJECTS_OVER, Measure.PROJECTS_UNDER)
RELATIVE = (Measure.PROJECTS_OVER_AVERAGE, Measure.PROJECTS_UNDER_AVERAGE)
# The sums of a group of lines each measure reads (Django compiles each aggregate: only those needed).
NEEDS = {Measure.PROJECTS: ("projects", "allotments"), Measure.ALLOTMENTS: ("allotments",),
         Measure.ALLOTMENT: ("allotment",), Measure.EXPENDITURE: ("expenditure",),
         Measure.ALLOTMENT_SHARE: ("allotment",), Measure.EXPENDITURE_SHARE: ("expenditure",),
         Measure.AVERAGE_PROJECT: ("allotment", "projects"), Measure.COUNTRIES: ("countries",)}


def threshold_of(group):
    """The amount a projects_over/projects_under figure compares with, written in its group; None if none."""
    try:
        threshold = Decimal(group.replace(",", "").strip())
    except InvalidOperation:
        return None
    return threshold if threshold.is_finite() else None


def rounded(value):
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def share(part, whole):
    return (Decimal(part or 0) * 100 / whole).quantize(CENT, ROUND_HALF_UP) if whole else None


def average(total, count):
    return (Decimal(total) / count).quantize(CENT, ROUND_HALF_UP) if count and total is not None else None


def currency_of(figure):
    return figure.unit if figure.unit in MONEY_UNITS else "USD"


def _whole_sums(programmes, counting_countries):
    """{programme id: {"projects", "allotments", "countries": set, "money": {currency: [allotment, expenditure]}}}
    for the programmes' projects with lines: two grouped queries, and one listing the countries of the
    programmes in `counting_countries` if any."""
    sums = {}
    with_lines = Project.objects.filter(programme__in=programmes, allotment_count__gt=0).order_by()
    rows = (with_lines.values("programme_id", "currency")
            .annotate(projects=Count("pk"), allotments=Sum("allotment_count"), allotment=Sum("allotment_total"),
                      expenditure=Sum("expenditure_total")))
    mixed = (Allotment.objects.filter(project__programme__in=programmes, project__currency="",
                                      project__allotment_count__gt=0).order_by()
             .values("project__programme_id", "currency")
             .annotate(allotment=Sum("amount"), expenditure=Sum(TOTAL_EXPENDITURE)))
    for row in rows:
        into = sums.setdefault(row["programme_id"], {"projects": 0, "allotments": 0, "countries": set(), "money": {}})
        into["projects"] += row["projects"]
        into["allotments"] += row["allotments"]
        if row["currency"]:
            money = into["money"].setdefault(row["currency"], [Decimal(0), Decimal(0)])
            money[0] += row["allotment"] or 0
            money[1] += row["expenditure"] or 0
    for row in mixed:  # few projects (indexed on currency), their lines by project
        into = sums[row["project__programme_id"]]["money"].setdefault(row["currency"], [Decimal(0), Decimal(0)])
        into[0] += row["allotment"] or 0
        into[1] += row["expenditure"] or 0
    countries = with_lines.filter(programme__in=counting_countries, country__isnull=False)
    pairs = countries.values_list("programme_id", "country_id").distinct() if counting_countries else []
    for programme_id, country_id in pairs:
        sums[programme_id]["countries"].add(country_id)
    return sums


class PortfolioSlices:
    """The sums of every slice the figures need (see the module's docstring)."""

    def __init__(self, figures):
        self.programmes = {}
        links = Programme.evaluations.through.objects.filter(evaluation__in={f.evaluation_id for f in figures})
        for evaluation_id, programme_id in links.values_list("evaluation_id", "programme_id"):
            self.programmes.setdefault(evaluation_id, []).append(programme_id)
        self.aliases, self.sums = {}, {}
        counting = {programme for figure in figures if figure.measure == Measure.COUNTRIES
                    for programme in self.programmes.get(figure.evaluation_id, [])}
        evaluated = [programme for programmes in self.programmes.values() for programme in programmes]
        by_programme = _whole_sums(evaluated, counting) if evaluated else {}
        by_evaluation = {}
        for figure in figures:
            by_evaluation.setdefault(figure.evaluation_id, []).append(figure)
            self._store_whole(figure, by_programme)
        for evaluation_id, own in by_evaluation.items():
            self._line_sums(evaluation_id, own)

    def _store_whole(self, figure, by_programme):
        key = self._key(figure, whole=True)
        if key in self.aliases:
            return
        alias = self.aliases.setdefault(key, f"s{len(self.aliases)}")
        parts = [by_programme[p] for p in self.programmes.get(figure.evaluation_id, []) if p in by_programme]
        money = [part["money"][currency_of(figure)] for part in parts if currency_of(figure) in part["money"]]
        self.sums.update({
            f"{alias}_projects": sum(part["projects"] for part in parts),
            f"{alias}_allotments": sum(part["allotments"] for part in parts),
            f"{alias}_countries": len(set().union(*(part["countries"] for part in parts))),
            f"{alias}_allotment": sum(m[0] for m in money) if money else None,
            f"{alias}_expenditure": sum(m[1] for m in money) if money else None,
        })

    def _lines(self, evaluation_id):
        return Allotment.objects.filter(project__programme__in=self.programmes.get(evaluation_id, []))

    def _line_sums(self, evaluation_id, figures):
        """The sums of the evaluation's groups of lines and line sizes, if its figures need any: one query
        over its own lines (one more for sizes relative to its average project)."""
        expressions = {}
        for figure in figures:
            key = self._key(figure)
            if key != self._key(figure, whole=True):  # a group of lines (whole slices are stored already)
                alias = self.aliases.setdefault(key, f"s{len(self.aliases)}")  # SQL-safe names for the slices
                sums = line_sums(*self._slice(key))
                expressions.update({f"{alias}_{name}": sums[name] for name in NEEDS.get(figure.measure, ())})
            threshold = threshold_of(figure.group)  # without an amount in the group nothing can be counted
            if figure.measure in SIZED and threshold is not None:
                expressions.update(self._sized(figure, threshold))
        self.sums |= self._lines(evaluation_id).aggregate(**expressions) if expressions else {}
        relative = {}
        for figure in figures:
            if figure.measure in RELATIVE and (bound := self.average(figure)) is not None:
                relative.update(self._sized(figure, bound))
        self.sums |= self._lines(evaluation_id).aggregate(**relative) if relative else {}

    @staticmethod
    def _key(figure, whole=False):
        currency = currency_of(figure)
        if whole or not figure.dimension or not figure.group:
            return f"{figure.evaluation_id}|||{currency}"
        return f"{figure.evaluation_id}|{figure.dimension}|{figure.group}|{currency}"

    def _slice(self, key):
        """(the Q selecting the slice's lines, its currency)."""
        _, dimension, group, currency = key.split("|")
        # Within the evaluation's lines (the query reads only those of its programmes' projects).
        condition = Q()
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

    def bound(self, figure):
        """The amount a figure about project sizes compares with (its threshold, or the average project); else None."""
        if figure.measure in SIZED:
            return threshold_of(figure.group)
        return self.average(figure) if figure.measure in RELATIVE else None

    def average(self, figure):
        return average(self.get(figure, "allotment", whole=True), self.get(figure, "projects", whole=True))

    def value(self, figure):
        """The recomputed value and, where a second reading helps, (label, alternative)."""
        measure, get = figure.measure, self.get
        if not get(figure, "allotments", whole=True):
            return None, "", None  # the evaluation holds no line items
        simple = {
            Measure.ALLOTMENTS: lambda: Decimal(get(figure, "allotments")),
            Measure.ALLOTMENT: lambda: rounded(get(figure, "allotment") or 0),
            Measure.EXPENDITURE: lambda: rounded(get(figure, "expenditure") or 0),
            Measure.ALLOTMENT_SHARE: lambda: share(get(figure, "allotment"), get(figure, "allotment", whole=True)),
            Measure.EXPENDITURE_SHARE: lambda: share(get(figure, "expenditure"),
                                                      get(figure, "expenditure", whole=True)),
            Measure.AVERAGE_PROJECT: lambda: average(get(figure, "allotment"), get(figure, "projects")),
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
