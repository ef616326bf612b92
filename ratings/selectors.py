"""Queries behind the ratings pages: the list, matrices, cross-evaluation comparison, evidence map."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Case, Count, F, FloatField, Prefetch, Q, When, prefetch_related_objects
from django.db.models.functions import Cast
from django.urls import reverse

from evaluations.models import Evaluation, Organisation
from evaluations.reconciliation import reconcile
from findings.models import Action, Finding, Recommendation, Theme

from .models import Criterion, Rating, RatingScale

CENT = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")


def rating_list(*, ratings=None):
    ratings = ratings if ratings is not None else Rating.objects.all()
    return ratings.select_related(
        "evaluation", "criterion", "scale", "project", "country", "programme", "source"
    ).order_by("evaluation__title", "subject_kind", "country__name", "project__number", "programme__name",
               "criterion__order")


def normalised_value():
    """A rating's value on 0-100 (100 = best end of its scale), in SQL; NULL when not assessed.

    The same linear map as scales.normalise. Cast to float first, or SQLite divides integers.
    """
    value, low, high = (Cast(name, FloatField()) for name in ("value", "scale__minimum", "scale__maximum"))
    position = (value - low) * 100.0 / (high - low)
    return Case(
        When(not_assessed=True, then=None),
        When(scale__best_is_high=True, then=position),
        default=100.0 - position,
        output_field=FloatField(),
    )


def _rounded(value, places):
    # Averages come back as float (SQLite) or Decimal (PostgreSQL); round both the same way.
    return None if value is None else Decimal(str(value)).quantize(places, ROUND_HALF_UP)


def evaluation_label(evaluation):
    """Short name for charts and column heads: the commissioning agency and the year."""
    return f"{evaluation.commissioner.agency} {evaluation.year}"


# Matrices: subject x criterion for each evaluation, from the (filtered) rows of the list.

@dataclass
class MatrixRow:
    subject: object
    cells: list  # a Rating per criterion, or None where the evaluation gives none


@dataclass
class CriterionAverage:
    criterion: Criterion
    published: object  # the PublishedFigure, or None
    assessed_only: Decimal | None
    assessed: int
    rated: int


@dataclass
class RatingMatrix:
    evaluation: Evaluation
    criteria: list
    rows: list
    scales: list
    averages: list = field(default_factory=list)


def _matrix(evaluation, ratings):
    criteria = sorted({r.criterion_id: r.criterion for r in ratings}.values(), key=lambda c: (c.order, c.name))
    subjects = {}
    for rating in ratings:
        key = (rating.subject_kind, rating.project_id or rating.country_id or rating.programme_id)
        subjects.setdefault(key, (rating.subject, {}))[1][rating.criterion_id] = rating
    rows = [MatrixRow(subject, [cells.get(c.id) for c in criteria]) for subject, cells in subjects.values()]
    scales = list({r.scale_id: r.scale for r in ratings}.values())
    return RatingMatrix(evaluation, criteria, rows, scales)


def _criterion_averages(matrix, published, counts):
    """Published averages beside assessed-only ones, over all of the evaluation's ratings.

    Where the report publishes an average, the reconciliation supplies both (so the two pages
    agree); otherwise the assessed-only average comes from the database.
    """
    averages = []
    for criterion in matrix.criteria:
        key = (matrix.evaluation.pk, criterion.pk)
        count, result = counts.get(key, {}), published.get(key)
        if result is not None and result.figure.measure == "rating_average":
            assessed_only = result.alternative
        else:
            assessed_only = _rounded(count.get("average"), CENT)
        averages.append(CriterionAverage(criterion, result.figure if result else None, assessed_only,
                                         count.get("assessed", 0), count.get("rated", 0)))
    return averages


def rating_matrices(ratings):
    """One matrix per evaluation among `ratings`, in list order, with its scales' levels and averages.

    A fixed number of queries, however many ratings and evaluations.
    """
    by_evaluation = {}
    for rating in ratings:
        by_evaluation.setdefault(rating.evaluation, []).append(rating)
    if not by_evaluation:
        return []
    matrices = [_matrix(evaluation, rows) for evaluation, rows in by_evaluation.items()]
    prefetch_related_objects([scale for m in matrices for scale in m.scales], "levels")
    evaluations = list(by_evaluation)
    # One reconciliation for all evaluations shown, rather than one per evaluation.
    results = reconcile(evaluation=evaluations[0]) if len(evaluations) == 1 else reconcile()
    published = {
        (r.figure.evaluation_id, r.figure.criterion_id): r for r in results
        if r.figure.measure in ("rating_average", "rating")
    }
    counts = {
        (row["evaluation_id"], row["criterion_id"]): row
        for row in Rating.objects.filter(evaluation__in=evaluations).order_by()
        .values("evaluation_id", "criterion_id")
        .annotate(rated=Count("id"), assessed=Count("id", filter=Q(not_assessed=False)),
                  average=Avg(Cast("value", FloatField()), filter=Q(not_assessed=False)))
    }
    for matrix in matrices:
        matrix.averages = _criterion_averages(matrix, published, counts)
    return matrices


# Comparison across evaluations on the common 0-100 scale.

def normalised_comparison():
    """Average normalised rating per criterion (rows) and evaluation (columns); four queries.

    "Not assessed" ratings are left out. `scales` lists each scale in use with its evaluations,
    so the page can say exactly how each was mapped.
    """
    averages = {
        (row["criterion_id"], row["evaluation_id"]): row
        for row in Rating.objects.assessed().order_by().values("criterion_id", "evaluation_id")
        .annotate(average=Avg(normalised_value()), ratings=Count("id"))
    }
    evaluations = list(Evaluation.objects.filter(ratings__not_assessed=False).distinct()
                       .select_related("commissioner__parent").order_by("year", "title"))
    criteria = Criterion.objects.filter(ratings__not_assessed=False).distinct()
    rows = []
    for criterion in criteria:
        cells = [averages.get((criterion.pk, e.pk)) for e in evaluations]
        rows.append({"criterion": criterion, "cells": [
            {"average": _rounded(c["average"], ONE_DECIMAL), "ratings": c["ratings"]} if c else None for c in cells
        ]})
    columns = [{"evaluation": e, "label": evaluation_label(e)} for e in evaluations]
    used = set(Rating.objects.assessed().order_by().values_list("scale_id", "evaluation_id").distinct())
    scales = [
        {"scale": scale, "columns": [c for c in columns if (scale.pk, c["evaluation"].pk) in used]}
        for scale in RatingScale.objects.filter(pk__in={scale_id for scale_id, _ in used})
    ]
    return {"columns": columns, "rows": rows, "scales": scales}


# Evidence map: criteria x theme / organisation / evaluation.

HEAT_THRESHOLDS = (1, 2, 4, 8)  # findings + ratings from which a cell takes heat level 1, 2, 3, 4


def heat_legend():
    """(level, how many findings + ratings) for each colour, from HEAT_THRESHOLDS."""
    legend = [(0, "none: an evidence gap")]
    for level, low in enumerate(HEAT_THRESHOLDS, 1):
        high = HEAT_THRESHOLDS[level] - 1 if level < len(HEAT_THRESHOLDS) else None
        legend.append((level, f"{low} or more" if high is None else str(low) if high == low else f"{low}–{high}"))
    return legend


@dataclass
class EvidenceCell:
    findings: int = 0
    ratings: int = 0
    normalised: list = field(default_factory=list)
    findings_url: str = ""

    @property
    def evidence(self):
        return self.findings + self.ratings

    @property
    def heat(self):
        return sum(1 for threshold in HEAT_THRESHOLDS if self.evidence >= threshold)

    @property
    def assessed(self):
        return len(self.normalised)

    @property
    def average(self):
        if not self.normalised:
            return None
        return _rounded(sum(self.normalised) / len(self.normalised), ONE_DECIMAL)


@dataclass
class Column:
    key: int
    slug: str
    name: str


def _agencies():
    """Each organisation's id -> its top-level agency, from one query."""
    organisations = {o.pk: o for o in Organisation.objects.only("slug", "name", "short_name", "parent_id")}

    def agency(org):
        while org.parent_id:
            org = organisations[org.parent_id]
        return org
    return {pk: agency(org) for pk, org in organisations.items()}


def _columns(by):
    """The columns, and how a finding's or rating's raw key (theme, evaluation, commissioner) maps to one."""
    if by == "theme":
        columns = [Column(t.pk, t.slug, t.name) for t in Theme.objects.all()]
        return columns, "themes", "supporting_findings__themes", {c.key: c.key for c in columns}
    if by == "evaluation":
        evaluations = Evaluation.objects.select_related("commissioner__parent").order_by("year", "title")
        columns = [Column(e.pk, e.slug, evaluation_label(e)) for e in evaluations]
        return columns, "evaluation", "evaluation", {c.key: c.key for c in columns}
    agency_of = _agencies()
    commissioners = set(Evaluation.objects.values_list("commissioner_id", flat=True))
    agencies = sorted({agency_of[pk] for pk in commissioners}, key=str)
    columns = [Column(a.pk, a.slug, str(a)) for a in agencies]
    key_of = {pk: agency_of[pk].pk for pk in commissioners}
    return columns, "evaluation__commissioner", "evaluation__commissioner", key_of


EVIDENCE_MAP_COLUMNS = {"theme": "Theme", "organisation": "Organisation", "evaluation": "Evaluation"}


def evidence_map(*, by):
    """Per criterion and column: findings tagged with both, ratings, average normalised rating.

    A fixed number of queries whatever the data. Findings are counted by a grouped query; ratings
    are read as distinct (rating, column) pairs, because a rating reaches a theme through any of
    its supporting findings and must count once.
    """
    columns, finding_path, rating_path, key_of = _columns(by)
    criteria = list(Criterion.objects.all())
    cells = {(c.pk, col.key): EvidenceCell() for c in criteria for col in columns}
    findings = (Finding.objects.filter(criteria__isnull=False, **{f"{finding_path}__isnull": False}).order_by()
                .values(criterion=F("criteria"), key=F(finding_path)).annotate(n=Count("id", distinct=True)))
    for row in findings:
        cells[row["criterion"], key_of[row["key"]]].findings += row["n"]
    ratings = (Rating.objects.filter(**{f"{rating_path}__isnull": False}).order_by()
               .values("id", "criterion_id", key=F(rating_path), normalised=normalised_value()).distinct())
    for row in ratings:
        cell = cells[row["criterion_id"], key_of[row["key"]]]
        cell.ratings += 1
        if row["normalised"] is not None:
            cell.normalised.append(row["normalised"])
    # The findings search lists lessons and recommendations too: type=finding shows what the cell counts.
    search = reverse("findings:list")
    rows = []
    for criterion in criteria:
        row_cells = []
        for column in columns:
            cell = cells[criterion.pk, column.key]
            query = urlencode({"criterion": criterion.code, by: column.slug, "type": "finding"})
            cell.findings_url = f"{search}?{query}"
            row_cells.append(cell)
        rows.append({"criterion": criterion, "cells": row_cells})
    return {"columns": columns, "rows": rows}


# Rating detail: the chain from a rating to what was done about it.

def evidence_chain(rating):
    """Supporting findings -> recommendations answering them -> management response -> actions.

    Three queries, whatever the number of findings.
    """
    return rating.supporting_findings.select_related("source").prefetch_related(
        Prefetch("recommendations",
                 queryset=Recommendation.objects.select_related("source", "response__source").order_by("number")),
        Prefetch("recommendations__response__actions", queryset=Action.objects.select_related("source")),
    )
