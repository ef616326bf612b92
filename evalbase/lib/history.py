"""A record's recorded versions for its page: who, when, and what changed (old -> new)."""

# Raised by every save: a change of its own, never one a reader needs to see.
NOT_SHOWN = ["version"]


def recent_changes(record, limit=20):
    """The latest `limit` versions of a django-simple-history tracked record; one query."""
    versions = list(record.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    return [
        {"record": newer, "changes": newer.diff_against(older, excluded_fields=NOT_SHOWN).changes if older else []}
        for newer, older in zip(versions, versions[1:] + [None])
    ][:limit]
