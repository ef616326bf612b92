"""The follow-up workflow as data: where a recommendation's status may go next."""

from findings.models import Recommendation

OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status

# The follow-up workflow, as evaluation offices run it: a recommendation is worked on, then
# implemented or not accepted; either of those is final ...
STATUS_TRANSITIONS = {
    OPEN: {IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED},
    IN_PROGRESS: {IMPLEMENTED, NOT_ACCEPTED},
    IMPLEMENTED: set(),
    NOT_ACCEPTED: set(),
}
# ... except that an Admin may reopen it, giving the reason. follow_up.services applies both.
REOPENINGS = {OPEN: set(), IN_PROGRESS: set(), IMPLEMENTED: {IN_PROGRESS}, NOT_ACCEPTED: {IN_PROGRESS}}
FINAL_STATUSES = {status for status, moves in STATUS_TRANSITIONS.items() if not moves}


def _labels(statuses):
    labels = [f"“{status.label}”" for status in Recommendation.Status if status in statuses]
    return " or ".join(labels)


def transition_refusal(old, new):
    """Why a recommendation cannot go from status `old` to `new`, naming both and what is allowed."""
    old, new = Recommendation.Status(old), Recommendation.Status(new)
    message = f"A recommendation cannot go from “{old.label}” to “{new.label}”: "
    if STATUS_TRANSITIONS[old]:
        return message + f"from “{old.label}” it can go to {_labels(STATUS_TRANSITIONS[old])}."
    return message + (f"“{old.label}” is final; an Admin may reopen it to {_labels(REOPENINGS[old])}, "
                      "giving the reason.")
