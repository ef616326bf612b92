"""Queries behind the findings search and the recommendations tracker."""

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, FloatField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ratings.scales import plain

from .filters import RESULT_TYPES
from .models import Finding, Lesson, Recommendation, ResponsibilityOwner

# Searched fields and their weight: a word in a title counts more than one in the text.
SEARCH_FIELDS = {
    Finding: {"title": "A", "text": "B"},
    Lesson: {"title": "A", "text": "B"},
    Recommendation: {"text": "B"},
}
SQLITE_WEIGHTS = {"A": 2.0, "B": 1.0}


def recommendation_list():
    """Recommendations with their owners and `slips`, the times their due date was moved later."""
    return (
        Recommendation.objects.select_related("evaluation", "conclusion", "response", "source")
        .prefetch_related(Prefetch("owners", queryset=ResponsibilityOwner.objects.order_by("name")))
        .annotate(slips=due_date_slips())
        .order_by("evaluation__title", "number")
    )


def due_date_slips():
    """How many times a recommendation's due date was moved later, counted over its history.

    An expression to annotate recommendations with: one subquery in the same SQL statement, so a
    page's query count does not grow with its rows. Each version is compared with the version
    before it (by history date, then id, as django-simple-history orders them).
    """
    History = Recommendation.history.model
    before = History.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    ).order_by("-history_date", "-history_id")
    moved_later = (
        History.objects.filter(id=OuterRef("pk"))
        .annotate(due_before=Subquery(before.values("due_date")[:1]))
        .filter(due_date__gt=F("due_before"))
        .order_by().values("id").annotate(count=Count("history_id")).values("count")
    )
    return Coalesce(Subquery(moved_later), 0)


@dataclass(frozen=True)
class DueDateChange:
    changed_at: datetime
    changed_by: object  # a user, or None when no signed-in user made the change (the report loader)
    old: date | None
    new: date | None

    @property
    def slipped(self):
        """Moved later; setting a first due date or bringing it forward is not a slip."""
        return self.old is not None and self.new is not None and self.new > self.old


def due_date_changes(recommendation):
    """Every change of `recommendation`'s due date, oldest first, from its history (one query)."""
    versions = (recommendation.history.select_related("history_user").order_by("history_date", "history_id")
                .only("history_date", "history_user", "due_date"))
    changes = []
    previous = None
    for version in versions:
        if previous is not None and version.due_date != previous.due_date:
            changes.append(DueDateChange(version.history_date, version.history_user, previous.due_date,
                                         version.due_date))
        previous = version
    return changes


def slip_count(changes):
    return sum(change.slipped for change in changes)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    """One saved version of a recommendation as its page shows it: who, when, why, what changed."""

    record: object  # the HistoricalRecommendation
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def created(self):
        return self.record.history_type == "+"


# Owners are compared from one query (_owners_by_version), not by diff_against(), which would
# query twice per version.
HIDDEN_IN_HISTORY = ["owners"]


def recommendation_history(recommendation, *, limit=20):
    """The latest `limit` versions of `recommendation`, newest first, each with its changes.

    Two queries however long the history: the versions (with the user and the records their
    foreign keys name) and the owners each version named; diffs are computed in memory.
    """
    versions = list(
        recommendation.history.select_related("history_user", "evaluation", "conclusion", "source")
        .order_by("-history_date", "-history_id")[:limit + 1]
    )
    owners = _owners_by_version(versions)
    shown = []
    for newer, older in zip(versions, [*versions[1:], None]):
        if len(shown) == limit:
            break
        version = Version(newer)
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=HIDDEN_IN_HISTORY, foreign_keys_are_objs=True)
            version.changes = [
                FieldChange(_label(change.field), _shown(change.field, change.old), _shown(change.field, change.new))
                for change in delta.changes
            ]
            if owners[newer.history_id] != owners[older.history_id]:
                version.changes.append(FieldChange("Owners", "; ".join(owners[older.history_id]) or "—",
                                                   "; ".join(owners[newer.history_id]) or "—"))
        shown.append(version)
    return shown


def _owners_by_version(versions):
    """Owner names each historical version named, in one query over django-simple-history's owner rows."""
    Through = Recommendation.history.model.owners.model
    names = defaultdict(list)
    rows = (Through.objects.filter(history__in=[v.history_id for v in versions])
            .select_related("responsibilityowner").order_by("responsibilityowner__name"))
    for row in rows:
        owner = row.responsibilityowner
        names[row.history_id].append(owner.name if owner else f"deleted owner {row.responsibilityowner_id}")
    return names


def _label(name):
    return Recommendation._meta.get_field(name).verbose_name.capitalize()


def _shown(name, value):
    if value in (None, ""):
        return "—"
    choices = dict(Recommendation._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


@dataclass(frozen=True)
class OverdueRecommendation:
    recommendation: Recommendation
    days_overdue: int

    @property
    def slips(self):
        return self.recommendation.slips


@dataclass(frozen=True)
class OwnerOverdue:
    owner: str
    recommendations: list[OverdueRecommendation]


def overdue_by_owner(*, today=None):
    """Open or in-progress recommendations past their due date, grouped by responsibility owner.

    Owners in alphabetical order, recommendations without an owner last; in each group the most
    overdue first. A recommendation addressed to two owners is listed under each. Two queries
    (the recommendations with their slip counts, their owners) whatever the number of rows.
    """
    today = today or timezone.localdate()
    groups = defaultdict(list)
    for recommendation in recommendation_list().overdue(today):
        row = OverdueRecommendation(recommendation, (today - recommendation.due_date).days)
        for owner in recommendation.owners.all() or [None]:
            groups[owner.name if owner else None].append(row)
    return [
        OwnerOverdue(name or "No owner named",
                     sorted(rows, key=lambda row: (-row.days_overdue, row.recommendation.evaluation.title,
                                                   row.recommendation.number)))
        for name, rows in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
    ]


def recommendation_counts(recommendations):
    """How many of `recommendations` each owner holds and how many are in each status.

    Counted by the database (two grouped queries); a recommendation naming two owners counts
    once for each of them.
    """
    chosen = Recommendation.objects.filter(pk__in=recommendations.order_by().values("pk"))
    by_owner = (
        chosen.values("owners__name").annotate(count=Count("pk"))
        .order_by(F("owners__name").asc(nulls_last=True))
    )
    by_status = dict(chosen.values_list("status").annotate(count=Count("pk")).order_by())
    return {
        "owners": [{"name": row["owners__name"] or "No owner named", "count": row["count"]} for row in by_owner],
        "statuses": [{"name": label, "count": by_status[status]}
                     for status, label in Recommendation.Status.choices if status in by_status],
    }


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
