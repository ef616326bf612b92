"""Queries behind the overview pages: the evidence map."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F
from django.urls import reverse

from evaluations.models import Evaluation
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
        return rounded(sum(self.normalised) / len(self.normalised), ONE_DECIMAL)


@dataclass
class Column:
    key: int
    slug: str
    name: str


def _columns(by):
    """The columns, and how a finding's or rating's raw key (theme, evaluation, commissioner) maps to one."""
    if by == "theme":
        columns = [Column(t.pk, t.slug, t.name) for t in Theme.objects.all()]
        return columns, "themes", "supporting_findings__themes", {c.key: c.key for c in columns}
    if by == "evaluation":
        evaluations = Evaluation.objects.select_related("commissioner__parent").order_by("year", "title")
        columns = [Column(e.pk, e.slug, evaluation_label(e)) for e in evaluations]
        return columns, "evaluation", "evaluation", {c.key: c.key for c in columns}
    agency_of = Organisation.objects.agencies()
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
