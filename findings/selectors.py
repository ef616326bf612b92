"""Queries behind the findings search: findings, lessons and recommendations, ranked."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL

from evalbase.lib.scales import plain

from . import fulltext
from .filters import RESULT_TYPES
from .models import Finding, Lesson, Recommendation
from .tags import Search

ORDERS = {
    "relevance": ("-rank", "evaluation_title", "kind", "id"),
    "evaluation": ("evaluation_title", "kind", "id"),
}


def search_evidence(*, query, filters, sort=None):
    """Findings, lessons and recommendations matching `query` and `filters`, best match first.

    `query` is a string or a parsed `tags.Search`; `filters` a bound, valid EvidenceFilter. Returns
    one union queryset of hits ({"kind", "id", "rank", "evaluation_title"}), so the database counts,
    orders and pages them; `evidence_results()` loads the records behind a page of hits. Both
    databases rank by full-text relevance over a stored index (findings/fulltext.py).
    """
    search = query if isinstance(query, Search) else Search.read(query)
    hits = [
        matching(filters.filter_queryset(model.objects.all()), search)
        .annotate(kind=Value(kind), evaluation_title=F("evaluation__title"))
        .order_by()
        .values("kind", "id", "rank", "evaluation_title")
        for kind, model in RESULT_TYPES.items()
    ]
    first, *others = hits
    order = ORDERS[sort or ("relevance" if search else "evaluation")]
    return first.union(*others, all=True).order_by(*order)


def _text_match(model, terms):
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(f"{table}.search_vector @@ to_tsquery('english', %s)", [fulltext.tsquery(terms)],
                      output_field=BooleanField())
    return RawSQL(f"{table}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s)",
                  [fulltext.fts5(terms)], output_field=BooleanField())


def _rank(model, terms):
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(f"ts_rank({table}.search_vector, to_tsquery('english', %s))",
                      [fulltext.tsquery(terms, "|")], output_field=FloatField())
    return RawSQL(f"coalesce((SELECT -bm25({table}_fts, 2.0, 1.0) FROM {table}_fts "
                  f"WHERE {table}_fts MATCH %s AND rowid = {table}.id), 0.0)",
                  [fulltext.fts5(terms, "OR")], output_field=FloatField())


def matching(queryset, search):
    """`queryset` (findings, lessons or recommendations) narrowed to those holding every term of
    `search`, in their text or, for a term naming a tag (a country, theme, criterion or
    organisation), as a tag; annotated with `rank`."""
    if not search:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    model = queryset.model
    condition = Q(_text_match(model, search.plain)) if search.plain else Q()
    for tag in search.tags:
        condition &= Q(_text_match(model, tag.terms)) | Q(pk__in=tag.tagged(model))
    return queryset.filter(condition).annotate(rank=_rank(model, search.terms))


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
    snippet = fulltext.snippet(record.text, query.terms if isinstance(query, Search) else fulltext.parse(query))
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

