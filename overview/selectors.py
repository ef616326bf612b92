"""Queries behind the overview pages: the evidence map."""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Sum
from django.urls import reverse

from evaluations.models import Evaluation, Participation
from findings.models import Finding
from ratings.models import Rating
from ratings.selectors import ONE_DECIMAL, evaluation_label, normalised_value, rounded
from reference.models import Criterion, Organisation, Theme

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
    assessed: int = 0
    normalised_total: float = 0.0  # sum of the assessed ratings on the 0-100 scale
    findings_url: str = ""

    def add(self, *, findings=0, ratings=0, assessed=0, normalised_total=0.0):
        self.findings += findings
        self.ratings += ratings
        self.assessed += assessed
        self.normalised_total += normalised_total or 0.0

    @property
    def evidence(self):
        return self.findings + self.ratings

    @property
    def heat(self):
        return sum(1 for threshold in HEAT_THRESHOLDS if self.evidence >= threshold)

    @property
    def average(self):
        return rounded(self.normalised_total / self.assessed, ONE_DECIMAL) if self.assessed else None


@dataclass
class Column:
    key: int
    slug: str
    name: str


EVIDENCE_MAP_COLUMNS = {"theme": "Theme", "organisation": "Organisation", "evaluation": "Evaluation"}
UNTAGGED = None  # the row of findings no criterion is tagged on


def _involved_agencies():
    """{evaluation id: ids of the agencies involved}: its commissioner's agency and those of the
    organisations taking part, the rule Evaluation.objects.involving() applies (two queries)."""
    agency_of = Organisation.objects.agencies()
    involved = {}
    for evaluation_id, organisation_id in Evaluation.objects.values_list("pk", "commissioner_id"):
        involved.setdefault(evaluation_id, set()).add(agency_of[organisation_id].pk)
    for evaluation_id, organisation_id in Participation.objects.values_list("evaluation_id", "organisation_id"):
        involved.setdefault(evaluation_id, set()).add(agency_of[organisation_id].pk)
    return involved, agency_of


def _columns(by):
    """The columns, and how an evaluation id maps to the keys of the columns it counts in."""
    if by == "evaluation":
        evaluations = Evaluation.objects.select_related("commissioner__parent").order_by("year", "title")
        return [Column(e.pk, e.slug, evaluation_label(e)) for e in evaluations], lambda pk: {pk}
    involved, agency_of = _involved_agencies()
    commissioning = {agency_of[pk] for pk in Evaluation.objects.values_list("commissioner_id", flat=True)}
    columns = [Column(a.pk, a.slug, str(a)) for a in sorted(commissioning, key=str)]
    return columns, lambda pk: involved.get(pk, set())


def _rating_sums(**group):
    """Ratings counted per criterion and `group`, with their assessed count and 0-100 sum, in the database."""
    normalised = normalised_value()
    return (Rating.objects.order_by().values("criterion_id", **group)
            .annotate(n=Count("id"), assessed=Count(normalised), total=Sum(normalised)))


def _fill_by_evaluation(cells, keys_of):
    findings = (Finding.objects.order_by().values("evaluation_id", criterion=F("criteria"))
                .annotate(n=Count("id", distinct=True)))
    for row in findings:
        for key in keys_of(row["evaluation_id"]):
            cells[row["criterion"], key].add(findings=row["n"])
    for row in _rating_sums(key=F("evaluation_id")):
        for key in keys_of(row["key"]):
            cells[row["criterion_id"], key].add(ratings=row["n"], assessed=row["assessed"],
                                                normalised_total=row["total"])


def _fill_by_theme(cells):
    findings = (Finding.objects.filter(themes__isnull=False).order_by()
                .values(criterion=F("criteria"), key=F("themes")).annotate(n=Count("id", distinct=True)))
    for row in findings:
        cells[row["criterion"], row["key"]].add(findings=row["n"])
    # A rating reaches a theme through any of its supporting findings, and must count once: read as
    # distinct (rating, theme) pairs. Only ratings with supporting findings are read.
    pairs = (Rating.objects.filter(supporting_findings__themes__isnull=False).order_by()
             .values("id", "criterion_id", key=F("supporting_findings__themes"), normalised=normalised_value())
             .distinct())
    for row in pairs:
        assessed = row["normalised"] is not None
        cells[row["criterion_id"], row["key"]].add(ratings=1, assessed=int(assessed),
                                                   normalised_total=row["normalised"] if assessed else 0.0)


def evidence_map(*, by):
    """Per criterion and column: findings tagged with both, ratings, average normalised rating.

    A fixed number of queries whatever the data, aggregated in the database. A last row counts the
    findings tagged with no criterion ("untagged"), so an evaluation whose findings carry no
    criterion never looks like an evidence gap.
    """
    if by == "theme":
        columns = [Column(t.pk, t.slug, t.name) for t in Theme.objects.all()]
    else:
        columns, keys_of = _columns(by)
    criteria = list(Criterion.objects.all())
    cells = {(c, col.key): EvidenceCell() for c in [c.pk for c in criteria] + [UNTAGGED] for col in columns}
    cells = defaultdict(EvidenceCell, cells)  # an evaluation with no column (none) is counted nowhere
    if by == "theme":
        _fill_by_theme(cells)
    else:
        _fill_by_evaluation(cells, keys_of)
    search = reverse("findings:list")
    rows = []
    for criterion in [*criteria, UNTAGGED]:
        row_cells = []
        for column in columns:
            cell = cells[criterion.pk if criterion else UNTAGGED, column.key]
            # The findings search lists lessons and recommendations too: type=finding shows what the cell counts.
            tag = {"criterion": criterion.code} if criterion else {"untagged": "yes"}
            cell.findings_url = f"{search}?{urlencode({**tag, by: column.slug, 'type': 'finding'})}"
            row_cells.append(cell)
        rows.append({"criterion": criterion, "cells": row_cells})
    return {"columns": columns, "rows": rows}
