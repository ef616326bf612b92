"""Queries behind the ratings pages: the list, matrices, cross-evaluation comparison, evidence map."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce

from evaluations.models import Evaluation, PublishedFigure
from findings.models import Action, Recommendation
from reference.models import Criterion, RatingScale

from .models import Rating

CENT = Decimal("0.01")
RATING_MEASURES = ("rating_average", "rating")  # the published figures that are a rating or an average of them
ONE_DECIMAL = Decimal("0.1")


# The list's order: by evaluation, subject and criterion as recorded (ids), read from the index
# `rating_list_order`, so the first page of 240,000 ratings needs no sort. Matrices, a few hundred
# ratings at most, order their subjects by name (READABLE_ORDER).
LIST_ORDER = ("evaluation_id", "subject_kind", "project_id", "country_id", "programme_id", "criterion_id", "id")
READABLE_ORDER = ("evaluation__title", "subject_kind", "country__name", "project__number", "programme__name",
                  "criterion__order", "id")


def rating_list(*, ratings=None):
    """Ratings with what a row shows. The three always-present relations are joined; the subject and
    the source (nullable) come in their own small queries: joining all seven made PostgreSQL spend
    ~80 ms planning the join order for a page that runs in 1 ms."""
    ratings = ratings if ratings is not None else Rating.objects.all()
    return ratings.select_related("evaluation", "criterion", "scale").prefetch_related(
        "project", "country", "programme", "source").order_by(*LIST_ORDER)


# The column heads' sorts (templates/_sort.html): the key in the address -> what it orders by.
SORTS = {"evaluation": "evaluation__title", "subject": "subject_name", "criterion": "criterion__order",
         "value": "raw_value", "scale": "scale__name", "normalised": "normalised"}


def sort_problem(sort):
    """Why `sort` (a key of SORTS, "-" first for descending) cannot sort the list, or ""."""
    if sort and sort.removeprefix("-") not in SORTS:
        return f"Sort by: unknown column “{sort}”; sort by {', '.join(SORTS)}."
    return ""


def sorted_ratings(ratings, sort):
    """`ratings` in the order `sort` names, ratings without a value (not assessed) last either way, then
    by id: stable pages. What a sort orders by that is not a column (the subject's name, the value
    unless not assessed, the normalised value) is added only for that sort, so counting never joins it."""
    if not sort:
        return ratings
    name = SORTS[sort.removeprefix("-")]
    if name == "subject_name":
        ratings = ratings.annotate(subject_name=Coalesce("project__number", "country__name", "programme__name"))
    elif name == "normalised":
        ratings = ratings.annotate(normalised=normalised_value())
    elif name == "raw_value":  # a "not assessed" code (UNIDO's 0) is not a value: it sorts last
        ratings = ratings.annotate(raw_value=Case(When(not_assessed=True, then=None), default=F("value")))
    order = F(name).desc(nulls_last=True) if sort.startswith("-") else F(name).asc(nulls_last=True)
    return ratings.order_by(order, "id")


def facet_base():
    """What the facets count: the ratings, with "assessed" as the yes/no the address uses."""
    return Rating.objects.annotate(assessed_code=Case(When(not_assessed=True, then=Value("no")),
                                                      default=Value("yes"), output_field=CharField()))


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


def rounded(value, places):
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


def criterion_averages(evaluations):
    """{(evaluation id, criterion id): {rated, assessed, average, printed_average, first_value}}: one query.

    `average` is over assessed ratings only; `printed_average` over every printed value, a
    "not assessed" code included, as some reports compute it.
    """
    value = Cast("value", FloatField())
    rows = (Rating.objects.filter(evaluation__in=evaluations).order_by().values("evaluation_id", "criterion_id")
            .annotate(rated=Count("id"), assessed=Count("id", filter=Q(not_assessed=False)),
                      average=Avg(value, filter=Q(not_assessed=False)),
                      printed_average=Avg(value, filter=Q(value__isnull=False)), first_value=Min("value")))
    return {(row["evaluation_id"], row["criterion_id"]): row for row in rows}


def _criterion_averages(matrix, published, counts):
    """Per criterion: the average the report publishes (if any) beside the average over assessed cases.

    Both come from the database: the published figure as transcribed, the average as recorded now.
    How the published one is recomputed is the reconciliation's business (reports.reconciliation).
    """
    averages = []
    for criterion in matrix.criteria:
        key = (matrix.evaluation.pk, criterion.pk)
        count = counts.get(key, {})
        averages.append(CriterionAverage(criterion, published.get(key), rounded(count.get("average"), CENT),
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
    published = {
        (figure.evaluation_id, figure.criterion_id): figure
        for figure in PublishedFigure.objects.filter(evaluation__in=evaluations, criterion__isnull=False,
                                                     measure__in=RATING_MEASURES)
    }
    counts = criterion_averages(evaluations)
    for matrix in matrices:
        matrix.averages = _criterion_averages(matrix, published, counts)
    return matrices


# What the list draws as matrices: by subject when the selection is small enough to read, else
# one aggregated matrix of evaluations x criteria, grouped in the database.

MATRIX_SUBJECTS = 60  # subjects of a matrix by subject, at most
MATRIX_RATINGS = MATRIX_SUBJECTS * 8  # ratings read for it, at most (about eight criteria per subject)


def matrices_by_subject(selection, count):
    """The matrices by subject of the `count` ratings of `selection`, or None when they would not read
    (more than MATRIX_RATINGS ratings or MATRIX_SUBJECTS subjects). Reads at most MATRIX_RATINGS rows."""
    if count > MATRIX_RATINGS:
        return None
    rows = list(rating_list(ratings=selection).order_by(*READABLE_ORDER)[:MATRIX_RATINGS])
    subjects = {(r.evaluation_id, r.subject_kind, r.project_id or r.country_id or r.programme_id) for r in rows}
    if len(subjects) > MATRIX_SUBJECTS:
        return None
    return rating_matrices(rows)


@dataclass
class AggregatedMatrix:
    criteria: list
    rows: list  # {"evaluation": Evaluation, "cells": [{"average", "assessed", "rated", "criterion"} or None]}


def aggregated_matrix(selection):
    """Average normalised value (0-100, "not assessed" left out, never 0) and counts per evaluation and
    criterion of `selection`: one GROUP BY, then the scales, evaluations and criteria it names. Four queries."""
    cells, _, _ = normalised_sums(selection, "evaluation_id", "criterion_id")
    criteria = list(Criterion.objects.filter(pk__in={c for _, c in cells}).order_by("order", "name"))
    rows = []
    for evaluation in Evaluation.objects.filter(pk__in={e for e, _ in cells}).select_related(
            "commissioner__parent").order_by("title"):
        row = []
        for criterion in criteria:
            cell = cells.get((evaluation.pk, criterion.pk))
            row.append(cell and {"average": _average(cell), "assessed": cell[1], "rated": cell[2],
                                 "criterion": criterion})
        rows.append({"evaluation": evaluation, "label": evaluation_label(evaluation), "cells": row})
    return AggregatedMatrix(criteria, rows)


def without_ratings(evaluations):
    """Those of `evaluations` that hold no rating at all (one query)."""
    rated = Rating.objects.filter(evaluation=OuterRef("pk"))
    return list(Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).exclude(Exists(rated))
                .order_by("title"))


# Comparison across evaluations on the common 0-100 scale.

def normalised_sums(ratings, *keys):
    """{keys: [sum of normalised values, assessed, rated]} of `ratings` grouped by `keys`, the
    (scale id, key) pairs seen and the scales by id: one GROUP BY on the ratings alone (no join, no expression per row),
    then each scale's linear map applied to its group's total in Python, with the scales read in one
    query. The map is linear, so the normalised total is that of the normalised values; "not assessed"
    ratings count as rated, never in the total nor as 0."""
    assessed = Q(not_assessed=False)
    groups = list(ratings.order_by().values(*keys, "scale_id").annotate(
        total=Sum("value", filter=assessed), assessed=Count("id", filter=assessed), rated=Count("id")))
    scales = RatingScale.objects.in_bulk({group["scale_id"] for group in groups})
    sums, used = {}, set()
    for group in groups:  # one row per key and scale: a few hundred at most
        key = tuple(group[k] for k in keys)
        cell = sums.setdefault(key, [Decimal(0), 0, 0])
        scale = scales[group["scale_id"]]
        if group["assessed"]:
            position = (Decimal(group["total"]) - scale.minimum * group["assessed"]) * 100 / (scale.maximum
                                                                                             - scale.minimum)
            cell[0] += position if scale.best_is_high else 100 * group["assessed"] - position
        cell[1] += group["assessed"]
        cell[2] += group["rated"]
        used.add((group["scale_id"], key))
    return sums, used, scales


def _average(cell):
    return rounded(cell[0] / cell[1], ONE_DECIMAL) if cell and cell[1] else None


def normalised_comparison():
    """Average normalised rating per criterion (rows) and evaluation (columns); four queries, one pass
    over the assessed ratings grouped in the database (no join multiplied, nothing made distinct).

    "Not assessed" ratings are left out. `scales` lists each scale in use with its evaluations,
    so the page can say exactly how each was mapped.
    """
    sums, pairs, scales_used = normalised_sums(Rating.objects.assessed(), "criterion_id", "evaluation_id")
    used = {(scale_id, evaluation_id) for scale_id, (_, evaluation_id) in pairs}
    evaluations = list(Evaluation.objects.filter(pk__in={e for _, e in sums})
                       .select_related("commissioner__parent").order_by("year", "title"))
    rows = []
    for criterion in Criterion.objects.filter(pk__in={c for c, _ in sums}):
        cells = [sums.get((criterion.pk, e.pk)) for e in evaluations]
        rows.append({"criterion": criterion, "cells": [
            {"average": _average(c), "ratings": c[1]} if c else None for c in cells
        ]})
    columns = [{"evaluation": e, "label": evaluation_label(e)} for e in evaluations]
    scales = [
        {"scale": scale, "columns": [c for c in columns if (scale.pk, c["evaluation"].pk) in used]}
        for scale in sorted(scales_used.values(), key=lambda scale: scale.name)
    ]
    return {"columns": columns, "rows": rows, "scales": scales}


# Evidence map: criteria x theme / organisation / evaluation.


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
