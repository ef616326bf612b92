"""Queries behind the ratings pages: the list, matrices, cross-evaluation comparison, evidence map."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Case, Count, FloatField, Min, Prefetch, Q, When, prefetch_related_objects
from django.db.models.functions import Cast

from evaluations.models import Evaluation, PublishedFigure
from findings.models import Action, Recommendation
from reference.models import Criterion, RatingScale

from .models import Rating

CENT = Decimal("0.01")
RATING_MEASURES = ("rating_average", "rating")  # the published figures that are a rating or an average of them
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
            {"average": rounded(c["average"], ONE_DECIMAL), "ratings": c["ratings"]} if c else None for c in cells
        ]})
    columns = [{"evaluation": e, "label": evaluation_label(e)} for e in evaluations]
    used = set(Rating.objects.assessed().order_by().values_list("scale_id", "evaluation_id").distinct())
    scales = [
        {"scale": scale, "columns": [c for c in columns if (scale.pk, c["evaluation"].pk) in used]}
        for scale in RatingScale.objects.filter(pk__in={scale_id for scale_id, _ in used})
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
