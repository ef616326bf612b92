"""Queries behind the findings search: findings, lessons and recommendations, ranked."""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When

from evalbase.lib.scales import plain

from .filters import RESULT_TYPES
from .models import Finding, Lesson, Recommendation

# Searched fields and their weight: a word in a title counts more than one in the text.
SEARCH_FIELDS = {
    Finding: {"title": "A", "text": "B"},
    Lesson: {"title": "A", "text": "B"},
    Recommendation: {"text": "B"},
}
SQLITE_WEIGHTS = {"A": 2.0, "B": 1.0}


def search_evidence(*, query, filters):
    """Findings, lessons and recommendations matching `query` and `filters`, best match first.

    `filters` is a bound, valid EvidenceFilter. Returns one union queryset of hits
    ({"kind", "id", "rank", "evaluation_title"}), so the database counts, orders and pages them;
    `evidence_results()` loads the records behind a page of hits. PostgreSQL ranks by full-text
    relevance; SQLite matches every word of the query and puts title matches first.
    """
    hits = [
        _matching(filters.filter_queryset(model.objects.all()), query, SEARCH_FIELDS[model])
        .annotate(kind=Value(kind), evaluation_title=F("evaluation__title"))
        .order_by()
        .values("kind", "id", "rank", "evaluation_title")
        for kind, model in RESULT_TYPES.items()
    ]
    first, *others = hits
    return first.union(*others, all=True).order_by("-rank", "evaluation_title", "kind", "id")


def _matching(queryset, query, fields):
    if not query:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        vector = reduce(operator.add, (
            SearchVector(name, weight=weight, config="english") for name, weight in fields.items()
        ))
        search = SearchQuery(query, config="english", search_type="websearch")
        return queryset.alias(document=vector).filter(document=search).annotate(
            rank=SearchRank(F("document"), search)
        )
    every_word = reduce(operator.and_, (
        reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in query.split()
    ))
    rank = reduce(operator.add, (
        Case(When(**{f"{name}__icontains": query}, then=Value(SQLITE_WEIGHTS[weight])), default=Value(0.0),
             output_field=FloatField())
        for name, weight in fields.items()
    ))
    return queryset.filter(every_word).annotate(rank=rank)


@dataclass
class SearchResult:
    """A finding, lesson or recommendation as the search page and its export show it."""

    kind: str
    record: object
    code: str
    title: str
    category: str
    url: str
    criteria: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    evidence_kinds: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    snippet: str = ""

    @property
    def evaluation(self):
        return self.record.evaluation


RESULT_RECORDS = {
    "finding": lambda: Finding.objects.select_related("evaluation", "source").prefetch_related(
        "criteria", "themes", "countries", "evidence"
    ),
    "lesson": lambda: Lesson.objects.select_related("evaluation", "source").prefetch_related("criteria", "themes"),
    "recommendation": lambda: Recommendation.objects.select_related("evaluation", "source").prefetch_related(
        "themes", "findings__criteria", "findings__countries"
    ),
}


def evidence_results(hits, *, query=""):
    """The records behind `hits` (a page of `search_evidence()`), in the same order.

    A fixed number of queries for each kind of record on the page, however many hits.
    """
    hits = list(hits)
    results = {}
    for kind, records in RESULT_RECORDS.items():
        ids = [hit["id"] for hit in hits if hit["kind"] == kind]
        if ids:
            for record in records().filter(pk__in=ids):
                results[kind, record.pk] = _result(kind, record, query)
    return [results[hit["kind"], hit["id"]] for hit in hits]


def all_evidence_results(hits, *, query="", chunk_size=500):
    """Every result behind `hits`, loaded a chunk at a time so that exports keep memory flat."""
    hits = list(hits)
    for start in range(0, len(hits), chunk_size):
        yield from evidence_results(hits[start:start + chunk_size], query=query)


def evidence_text(evidence):
    """One piece of quantitative evidence with its unit and base: "Sales up: 43 % (base: 55 firms)"."""
    text = f"{evidence.indicator}: {plain(evidence.value)} {evidence.unit}"
    return f"{text} (base: {evidence.base})" if evidence.base else text


def _result(kind, record, query):
    snippet = _snippet(record.text, query)
    if kind == "finding":
        return SearchResult(
            kind, record, record.code, record.title, record.get_category_display(), record.get_absolute_url(),
            criteria=list(record.criteria.all()), themes=list(record.themes.all()),
            countries=list(record.countries.all()), evidence_kinds=[record.get_evidence_kind_display()],
            evidence=[evidence_text(e) for e in record.evidence.all()], snippet=snippet,
        )
    if kind == "lesson":
        return SearchResult(
            kind, record, str(record.number), record.title, "Lesson", record.evaluation.get_absolute_url(),
            criteria=list(record.criteria.all()), themes=list(record.themes.all()), snippet=snippet,
        )
    # A recommendation's criteria, countries and evidence kinds are those of the findings it answers.
    findings = list(record.findings.all())
    return SearchResult(
        kind, record, str(record.number), f"Recommendation {record.number}", "Recommendation",
        record.get_absolute_url(),
        criteria=_distinct(c for f in findings for c in f.criteria.all()), themes=list(record.themes.all()),
        countries=_distinct(c for f in findings for c in f.countries.all()),
        evidence_kinds=_distinct(f.get_evidence_kind_display() for f in findings), snippet=snippet,
    )


def _distinct(items):
    return list(dict.fromkeys(items))


def _snippet(text, query, words=40):
    """About `words` words of `text`, starting shortly before the first word of `query` it holds."""
    tokens = text.split()
    terms = [term.lower() for term in query.split()]
    first = next((i for i, token in enumerate(tokens) if any(term in token.lower() for term in terms)), 0)
    start = max(0, first - words // 4)
    end = start + words
    return ("… " if start else "") + " ".join(tokens[start:end]) + (" …" if end < len(tokens) else "")
