"""Queries behind the recommendation tracker, a recommendation's page and the overdue list."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, F, Min, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from evalbase.lib.history import NOT_SHOWN
from findings.models import Recommendation, ResponsibilityOwner

NO_RESPONSE = "none"
OPEN_STATUSES = [Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS]


def recommendation_list():
    """Recommendations with their owners and `slips`, the times their due date was moved later."""
    return (
        Recommendation.objects.select_related("evaluation", "conclusion", "response", "source")
        .prefetch_related(Prefetch("owners", queryset=ResponsibilityOwner.objects.order_by("name")))
        .annotate(slips=due_date_slips())
        .order_by("evaluation__slug", "number", "pk")
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
HIDDEN_IN_HISTORY = ["owners", *NOT_SHOWN]


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


NO_OWNER = "No owner named"


def with_keys(recommendations, *, today=None):
    """`recommendations` with the values the tracker's facets group by and its filters test:
    `stance_key` (the management response's stance, "none" without one) and `overdue_key` ("yes"
    when open or in progress after its due date, else "no")."""
    today = today or timezone.localdate()
    return recommendations.annotate(
        stance_key=Coalesce("response__stance", Value(NO_RESPONSE)),
        overdue_key=Case(When(overdue_condition(today), then=Value("yes")), default=Value("no")),
    )


def overdue_condition(today):
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


def recommendation_counts(recommendations, *, today=None):
    """How many of `recommendations` each owner holds (and how many of those are overdue), and how
    many are in each status, with the total.

    Counted by the database (two grouped queries, whatever the number of rows); a recommendation
    naming two owners counts once for each of them, and once in the total.
    """
    today = today or timezone.localdate()
    chosen = recommendations.order_by()
    by_owner = (
        chosen.values("owners__name")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=overdue_condition(today)))
        .order_by(F("owners__name").asc(nulls_last=True))
    )
    by_status = dict(chosen.values_list("status").annotate(count=Count("pk")).order_by())
    return {
        "owners": [{"name": row["owners__name"] or NO_OWNER, "owner": row["owners__name"] or "", "count": row["count"],
                    "overdue": row["overdue"]} for row in by_owner],
        "statuses": [{"name": label, "count": by_status[status]}
                     for status, label in Recommendation.Status.choices if status in by_status],
        "total": sum(by_status.values()),
    }


def overdue_rows(recommendations, *, owners=(), today=None):
    """The overdue ones of `recommendations` once per owner they name (`owner_name`, None for no
    owner), by owner, then most overdue first: what the overdue list pages through. With `owners`
    (names), only the rows of those owners."""
    today = today or timezone.localdate()
    rows = (recommendations.filter(overdue_condition(today)).prefetch_related(None)
            .annotate(owner_name=F("owners__name")))
    if owners:
        rows = rows.filter(owner_name__in=owners)
    return rows.order_by(F("owner_name").asc(nulls_last=True), "due_date", "evaluation__slug", "number", "pk")


def overdue_by_owner(recommendations, *, owners=(), today=None):
    """Per owner (alphabetical, no owner last): how many of `recommendations` are overdue, and the
    oldest due date among them. One grouped query."""
    today = today or timezone.localdate()
    rows = (recommendations.order_by().filter(overdue_condition(today)).values("owners__name")
            .annotate(count=Count("pk"), oldest=Min("due_date")).order_by(F("owners__name").asc(nulls_last=True)))
    return [{"name": row["owners__name"] or NO_OWNER, "owner": row["owners__name"] or "", "count": row["count"],
             "days": (today - row["oldest"]).days} for row in rows
            if not owners or row["owners__name"] in owners]


@dataclass(frozen=True)
class OwnerOverdue:
    owner: str
    rows: list


def grouped_by_owner(rows, *, today=None):
    """A page of `overdue_rows` as groups of consecutive rows of one owner, each row given its
    `days_overdue`."""
    today = today or timezone.localdate()
    groups = []
    for row in rows:
        row.days_overdue = (today - row.due_date).days
        name = row.owner_name or NO_OWNER
        if not groups or groups[-1].owner != name:
            groups.append(OwnerOverdue(name, []))
        groups[-1].rows.append(row)
    return groups
