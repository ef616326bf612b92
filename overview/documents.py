"""A source document as EvalBase holds it: every record transcribed from it, in document order.

Records of every kind cite their document (reference.models.Cited); one UNION query lists them all
(kind, id, section, locator) and they are ordered by section, sections in the order their first
line appears in the report, then by the first line number of the locator. A page of them is then
read kind by kind (one query per kind on the page): a bounded number of queries whatever the size.
"""

import re
from dataclasses import dataclass

from django.db.models import CharField, Value
from django.urls import reverse

from evaluations.models import DataQualityNote, Evaluation, Participation, PublishedFigure
from findings.models import (
    Action,
    ApproachComparison,
    Conclusion,
    Finding,
    Lesson,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
)
from projects.models import Allotment, Programme, Project
from ratings.models import Rating
from reference.models import Criterion, Organisation, RatingScale


def _evaluation(record):
    return record.evaluation.get_absolute_url()


@dataclass(frozen=True)
class Kind:
    label: str
    model: type
    related: tuple = ()
    url: object = None  # record -> address; None: the record's own get_absolute_url (or no link)

    @property
    def slug(self):
        return self.model._meta.model_name


KINDS = [
    Kind("Evaluation", Evaluation),
    Kind("Organisation's role", Participation, ("evaluation", "organisation"), _evaluation),
    Kind("Programme", Programme, (),
         lambda r: reverse("projects:portfolio") + f"?programme={r.slug}"),
    Kind("Project", Project),
    Kind("Allotment line", Allotment, ("project",), lambda r: r.project.get_absolute_url()),
    Kind("Rating", Rating, ("project", "country", "programme", "criterion")),
    Kind("Finding", Finding),
    Kind("Quantitative evidence", QuantitativeEvidence, ("finding",),
         lambda r: r.finding.get_absolute_url()),
    Kind("Lesson", Lesson, ("evaluation",), lambda r: f"{_evaluation(r)}#lesson-{r.number}"),
    Kind("Conclusion", Conclusion, ("evaluation",), _evaluation),
    Kind("Recommendation", Recommendation),
    Kind("Management response", ManagementResponse, ("recommendation",),
         lambda r: r.recommendation.get_absolute_url()),
    Kind("Action", Action, ("response__recommendation",),
         lambda r: r.response.recommendation.get_absolute_url()),
    Kind("Comparison of approaches", ApproachComparison, ("evaluation", "organisation"), _evaluation),
    Kind("Data-quality note", DataQualityNote, ("evaluation",), _evaluation),
    Kind("Published figure", PublishedFigure, ("evaluation",),
         lambda r: reverse("reports:reconciliation") + f"?evaluation={r.evaluation.slug}"),
    Kind("Organisation", Organisation),
    Kind("Criterion", Criterion),
    Kind("Rating scale", RatingScale),
]
KIND_BY_SLUG = {kind.slug: kind for kind in KINDS}
LINE = re.compile(r"\blines?\s+(\d+)", re.IGNORECASE)
LINE_IN_BRACKETS = re.compile(r"\(lines?\s+(\d+)", re.IGNORECASE)  # "case study on line 1 (line 1839)"
NUMBER = re.compile(r"(\d+)")


def first_line(locator):
    """The line of the report a locator names ("paragraph 2 (line 298)" -> 298), else None: a line
    in brackets first (the report's line, where the text before counts within an item)."""
    found = LINE_IN_BRACKETS.search(locator or "") or LINE.search(locator or "")
    return int(found.group(1)) if found else None


def first_number(locator):
    """The locator's line, else its first number ("row 12" -> 12): the order within a section."""
    line = first_line(locator)
    if line is not None:
        return line
    found = NUMBER.search(locator or "")
    return int(found.group(1)) if found else None


def anchor(kind_slug, pk):
    return f"{kind_slug}-{pk}"


def document_index(document):
    """[(kind slug, pk, section, locator)] of every record citing `document`, in document order (one query):
    sections in the order of the first line they name (those naming no line last), then by line or row."""
    parts = [kind.model.objects.filter(source=document).order_by().values_list(
        Value(kind.slug, output_field=CharField()), "pk", "source_section", "source_locator")
        for kind in KINDS]
    rows = list(parts[0].union(*parts[1:], all=True)) if parts else []
    first_of_section = {}
    for _, _, section, locator in rows:
        line = first_line(locator)
        if line is not None and line < first_of_section.get(section, 10**9):
            first_of_section[section] = line
    order = {slug: n for n, slug in enumerate(KIND_BY_SLUG)}

    def key(row):
        slug, pk, section, locator = row
        number = first_number(locator)
        return (first_of_section.get(section, 10**9), section, number if number is not None else 10**9,
                locator, order[slug], pk)
    return sorted(rows, key=key)


@dataclass
class Entry:
    kind: Kind
    pk: int
    section: str
    locator: str
    record: object = None

    @property
    def anchor(self):
        return anchor(self.kind.slug, self.pk)

    @property
    def url(self):
        if self.record is None:
            return None
        if self.kind.url is not None:
            return self.kind.url(self.record)
        return self.record.get_absolute_url() if hasattr(self.record, "get_absolute_url") else None


def entries(rows):
    """The records of `rows` (a page of the index), read kind by kind: one query per kind present."""
    made = [Entry(KIND_BY_SLUG[slug], pk, section, locator) for slug, pk, section, locator in rows]
    wanted = {}
    for entry in made:
        wanted.setdefault(entry.kind.slug, []).append(entry.pk)
    records = {}
    for slug, pks in wanted.items():
        kind = KIND_BY_SLUG[slug]
        for record in kind.model.objects.select_related(*kind.related).filter(pk__in=pks):
            records[(slug, record.pk)] = record
    for entry in made:
        entry.record = records.get((entry.kind.slug, entry.pk))
    return made


def position_of(rows, kind_slug, pk):
    """The index of a record in the document's index, to open the page that holds it."""
    for n, row in enumerate(rows):
        if row[0] == kind_slug and row[1] == pk:
            return n
    return None


def record_anchor(record):
    """Where `record` sits on its document's page: "finding-12"."""
    return anchor(record._meta.model_name, record.pk)


