"""Writes to recommendations' follow-up, shared by the follow-up form and the Django admin."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.roles import ROLE_GROUPS
from evalbase.lib.versioning import lock_version
from findings.models import REOPENINGS, Recommendation

FOLLOW_UP_FIELDS = ["status", "due_date", "implementation_note"]


def may_reopen(user):
    return user.is_superuser or user.groups.filter(name=ROLE_GROUPS["admin"]).exists()


def check_reopening(*, stored_status, status, user):
    """Only an Admin may reopen an implemented or not accepted recommendation."""
    if status in REOPENINGS[stored_status] and not may_reopen(user):
        raise ValidationError({"status": (
            f"Only an Admin may reopen a recommendation marked “{Recommendation.Status(stored_status).label}”."
        )})


@transaction.atomic
def update_follow_up(*, recommendation, data, version, user, reason=""):
    """Save the follow-up `data` (status, due date, implementation note) the user loaded at `version`.

    Refused with EditConflict if anyone saved the recommendation since, and with ValidationError
    if the status change is not allowed (Recommendation.clean(), check_reopening()); in both cases
    nothing is written. A save raises the version by one and is kept in the history with `user`
    and `reason`. Returns the recommendation as stored.
    """
    current = lock_version(record=recommendation, version=version, submitted=data)
    changed = [name for name in FOLLOW_UP_FIELDS if getattr(current, name) != data[name]]
    if not changed:
        return current
    check_reopening(stored_status=current.status, status=data["status"], user=user)
    for name in changed:
        setattr(current, name, data[name])
    current._change_reason = reason or None
    current.full_clean()
    current.version += 1
    current._history_user = user
    current.save(update_fields=[*changed, "version"])
    return current
