"""What one load keeps while it writes: the summary, the report being loaded, and the records later
sections refer to by key (organisations by slug, criteria by code, findings by code...).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .fields import FixtureError


@dataclass
class LoadSummary:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"{self.files} files: {self.created} records created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


# What "unknown ..." messages add for some kinds of reference.
HINTS = {"country code": " (use ISO 3166 alpha-2)"}


class Load:
    def __init__(self):
        self.summary = LoadSummary()
        self.document = None  # the SourceDocument of the report being loaded
        self.evaluation = None
        self.last_state = None
        self._known = {}

    # -- writing ------------------------------------------------------------------------------

    def upsert(self, model, lookup, values, where, m2m=None):
        """Create or update the record matched by `lookup`, validated by the model's rules."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = {name: value for name, value in values.items() if created or getattr(obj, name) != value}
        for name, value in changed.items():
            setattr(obj, name, value)
        if created or changed:
            validate(obj, where)
            obj.save()
        links_changed = self.set_links(obj, m2m or {})
        self.count("created" if created else "updated" if changed or links_changed else "unchanged")
        return obj

    @staticmethod
    def set_links(obj, m2m):
        """Set many-to-many links that differ; whether any did."""
        changed = False
        for name, related in m2m.items():
            manager = getattr(obj, name)
            if {o.pk for o in manager.all()} != {o.pk for o in related}:
                manager.set(related)
                changed = True
        return changed

    def count(self, state):
        self.last_state = state
        setattr(self.summary, state, getattr(self.summary, state) + 1)

    def recount_as_updated(self):
        """The last record was unchanged, but something that belongs to it was not."""
        if self.last_state == "unchanged":
            self.summary.unchanged -= 1
            self.summary.updated += 1
            self.last_state = "updated"

    def cited(self, record, fallback=None):
        """The citation fields of a checked record: this report's document, the section and the locator.

        A record without `source` (where the schema allows it) takes `fallback`'s.
        """
        source = record["source"] or fallback["source"]
        return {"source": self.document, "source_section": source["section"], "source_locator": source["locator"]}

    # -- records referred to by key -------------------------------------------------------------

    def know(self, kind, objects):
        """Remember `objects` ({key: object}) as the records of `kind` that records may name."""
        self._known[kind] = objects

    def find(self, kind, key, where):
        """The `kind` record named `key`; FixtureError naming `where` if there is none."""
        try:
            return self._known[kind][key]
        except KeyError:
            raise FixtureError(f"{where}: unknown {kind} {key!r}{HINTS.get(kind, '')}") from None

    def knows(self, kind, key):
        return key in self._known.get(kind, {})

    def remember(self, kind, key, obj):
        self._known.setdefault(kind, {})[key] = obj

    def country(self, code, where):
        return self.find("country code", code.upper(), where)

    def find_all(self, kind, keys, where):
        return [self.find(kind, key, where) for key in keys]

    def find_optional(self, kind, key, where):
        return None if key in (None, "") else self.find(kind, key, where)


def validate(obj, where):
    """The model's own checks (fields, clean(), constraints), as a FixtureError naming `where`."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise FixtureError(f"{where}: {describe(error)}") from None


def describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
