"""Every write to a recommendation, whichever page, admin form, admin action or loader makes it.

One function per kind of change:
- `create_recommendation`: a recommendation entered in the admin;
- `update_recommendation`: any change of an existing one, under the follow-up workflow (the
  follow-up page, the admin's change form, the admin's bulk status actions);
- `restore_recommendation`: back to a version from its history (the admin's revert);
- `transcribe_recommendation`: a recommendation as a report prints it (the report loader).

Each save raises the version by one (django-concurrency's version field does it, for every save);
a change made from a form loaded at an older version is refused with EditConflict, naming what
changed since. Nothing is written when a rule refuses the change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from evalbase.lib.versioning import lock_version
from findings.models import Recommendation

from .workflow import FINAL_STATUSES, REOPENINGS, STATUS_TRANSITIONS, transition_refusal

FOLLOW_UP_FIELDS = ["status", "due_date", "implementation_note"]
# What a transcribed recommendation holds from its report; only the loader changes it (corrections go
# through the report's YAML file). Its follow-up is EvalBase's own and stays editable.
TRANSCRIBED_FIELDS = ["evaluation", "number", "text", "conclusion", "source", "source_section", "source_locator",
                      "findings", "owners", "themes"]
REOPEN_PERMISSION = "findings.reopen_recommendation"


def check_status_change(*, stored, status, user, reason="", restoring=False):
    """Raise ValidationError unless `user` may move a recommendation from status `stored` to `status`.

    Forward moves follow STATUS_TRANSITIONS. Reopening a final status needs the reopen permission
    (held by Admins) and a reason kept in the history. Restoring an earlier version may bring back
    any status the record held, but reopening that way needs the permission too.
    """
    if status == stored:
        return
    reopening = stored in FINAL_STATUSES and status not in FINAL_STATUSES
    if reopening and not user.has_perm(REOPEN_PERMISSION):
        raise ValidationError({"status": (
            f"Only an Admin may reopen a recommendation marked “{Recommendation.Status(stored).label}”.")})
    if restoring:
        return
    if status in REOPENINGS[stored]:
        if not reason.strip():
            label = Recommendation.Status(stored).label
            raise ValidationError({"status": (f"Reopening a recommendation marked “{label}” "
                                              "needs a reason, which is kept in its history.")})
    elif status not in STATUS_TRANSITIONS[stored]:
        raise ValidationError({"status": transition_refusal(stored, status)})


def check_update(*, current, changes, user, reason="", restoring=False):
    """The rules `update_recommendation` and `restore_recommendation` apply, for forms to show early."""
    if current.source_id and (fixed := [name for name in changes if name in TRANSCRIBED_FIELDS]):
        raise ValidationError(f"This recommendation was transcribed from {current.source}: its "
                              f"{', '.join(fixed)} change only through the report's YAML file.")
    if "status" in changes:
        check_status_change(stored=current.status, status=changes["status"], user=user, reason=reason,
                            restoring=restoring)


@transaction.atomic
def create_recommendation(recommendation, *, m2m=None, user=None, reason=""):
    """Save a new `recommendation` (unsaved) and its links `m2m` (owners, findings, themes)."""
    recommendation.full_clean()
    _save(recommendation, user, reason)
    for name, related in (m2m or {}).items():
        getattr(recommendation, name).set(related)
    return recommendation


@transaction.atomic
def update_recommendation(recommendation, *, version, changes, m2m=None, user, reason=""):
    """Apply `changes` (field -> value) and `m2m` to `recommendation` as loaded at `version`.

    Refused with EditConflict if anyone saved it since, with ValidationError if the workflow or the
    model's rules forbid the change. A change that changes nothing is not saved (the version stays).
    Returns the recommendation as stored.
    """
    current = lock_version(record=recommendation, version=version, submitted=changes)
    _apply(current, changes, m2m, user=user, reason=reason)
    return current


@transaction.atomic
def restore_recommendation(recommendation, *, version, changes, m2m=None, user, restored_version):
    """Bring back the values of an earlier version (`changes`), as the admin's revert page sends them."""
    current = lock_version(record=recommendation, version=version, submitted=changes)
    _apply(current, changes, m2m, user=user, reason=f"Reverted to version {restored_version}", restoring=True)
    return current


@transaction.atomic
def transcribe_recommendation(*, evaluation, number, values, follow_up, m2m):
    """The report loader's write: the text and links as the report prints them.

    `follow_up` (status, due date) is written only when the recommendation is new: afterwards it is
    kept in EvalBase, and reloading a report must not reset it. Returns (recommendation, state), the
    state being "created", "updated" or "unchanged".
    """
    current = Recommendation.objects.select_for_update().filter(evaluation=evaluation, number=number).first()
    if current is None:
        recommendation = Recommendation(evaluation=evaluation, number=number, **values, **follow_up)
        return create_recommendation(recommendation, m2m=m2m, reason="Loaded from the report"), "created"
    written = _apply(current, values, m2m, user=None, reason="Loaded from the report", transcribing=True)
    return current, "updated" if written else "unchanged"


def _apply(current, changes, m2m, *, user, reason, restoring=False, transcribing=False):
    """Write what differs from `current` under the rules; return whether anything was written.

    The report loader (`transcribing`) writes the transcribed fields the other paths may not.
    """
    changed = {name: value for name, value in changes.items() if getattr(current, name) != value}
    related = {name: list(values) for name, values in (m2m or {}).items()
               if {r.pk for r in getattr(current, name).all()} != {r.pk for r in values}}
    if not changed and not related:
        return False
    check_update(current=current, changes={**changed, **related} if not transcribing else {}, user=user,
                 reason=reason, restoring=restoring)
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    # Links first, quietly, so that the one history record of the save holds them; the save raises
    # the version for a change of links too, so a form loaded before cannot put the old ones back.
    current.skip_history_when_saving = True
    for name, values in related.items():
        getattr(current, name).set(values)
    del current.skip_history_when_saving
    _save(current, user, reason)
    return True


def _save(recommendation, user, reason):
    """Save with who and why in its history; the version goes up by one (django-concurrency)."""
    recommendation._history_user = user
    recommendation._change_reason = reason or None
    recommendation.save()
