"""Optimistic locking: a save is refused when someone saved the record after the user loaded it.

Records carry a `version` that django-concurrency raises by one on every save, whatever saves it,
and a django-simple-history `history`; the refusal names each field changed since, with who changed
it and when. Services call `lock_version()`; forms that edit such records carry the version they
were loaded at (`VersionedModelForm`, or a `version` field of their own).
"""

from dataclasses import dataclass
from datetime import datetime

from concurrency.fields import VersionField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

_NOT_SENT = object()  # a field the user's form does not hold


def _shown(value):
    return "(empty)" if value in (None, "") else f"“{value}”"


@dataclass(frozen=True)
class Conflict:
    """A field someone changed after a user loaded the form: what the user sent, what is stored now."""

    label: str
    yours: object
    current: object
    changed_by: object  # a user, or None when the change was not made by a signed-in user
    changed_at: datetime

    def __str__(self):
        by = f" by {self.changed_by.get_username()}" if self.changed_by else ""
        when = timezone.localtime(self.changed_at).strftime("%Y-%m-%d %H:%M")
        if self.yours is _NOT_SENT:
            values = f"it is now {_shown(self.current)}"
        elif self.yours == self.current:
            values = f"it is now {_shown(self.current)}, as you entered"
        else:
            values = f"you entered {_shown(self.yours)}; it is now {_shown(self.current)}"
        return f"{self.label}: {values} (changed{by} on {when})."


class EditConflict(ValidationError):
    """The record was saved by someone else after the form was loaded; nothing was written.

    `conflicts` lists what changed since; `version` is the stored version, on which a form may be
    rebased so that saving again, once the user has read the conflicts, is a deliberate choice.
    """

    def __init__(self, conflicts, version, noun):
        self.conflicts = conflicts
        self.version = version
        super().__init__([
            f"Someone saved this {noun} after you opened the form, so your changes were not saved.",
            *(str(conflict) for conflict in conflicts),
            "Your values are still in the form: check them against the current ones above and save again "
            "to replace them, or reload the page to start from the current version.",
        ])


def lock_version(*, record, version, submitted):
    """The stored `record`, locked until the transaction ends, if it is still at `version`.

    Otherwise raise EditConflict naming each field changed since `version`, with what the user
    `submitted` (field name -> value), the stored value, and who changed it and when, from the
    history. Call inside transaction.atomic().
    """
    model = type(record)
    current = model.objects.select_for_update().get(pk=record.pk)
    if version is None:
        raise ValidationError(f"The form does not say which version of this {model._meta.verbose_name} it was "
                              "loaded from, so nothing was saved. Reload the page and make the change again.")
    if current.version != version:
        raise EditConflict(_changes_since(current, version, submitted), current.version, model._meta.verbose_name)
    return current


def _changes_since(current, version, submitted):
    """Fields that differ between the last version saved at `version` and `current`, with who changed them last."""
    versions = list(current.history.filter(version__gte=version).select_related("history_user")
                    .order_by("history_date", "history_id"))
    loaded = [v for v in versions if v.version == version]
    if not loaded:
        return []
    later = versions[versions.index(loaded[-1]):]
    fields = [f for f in type(current)._meta.concrete_fields if f.editable and not isinstance(f, VersionField)]
    conflicts = []
    for field in fields:
        changed = [after for before, after in zip(later, later[1:])
                   if field.value_from_object(before) != field.value_from_object(after)]
        if changed and field.value_from_object(later[0]) != field.value_from_object(current):
            yours = _readable(field, submitted[field.name]) if field.name in submitted else _NOT_SENT
            conflicts.append(Conflict(field.verbose_name.capitalize(), yours,
                                      _readable(field, getattr(current, field.name)),
                                      changed[-1].history_user, changed[-1].history_date))
    return conflicts


def _readable(field, value):
    """A value as people read it: a status by its label."""
    return dict(field.flatchoices).get(value, value) if field.choices else value


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the version it was loaded at and refuses to save over a later one.

    `clean()` locks the stored record (so call it inside a transaction, as the admin does) and sets
    `self.current` to it; a conflict becomes the form's error, and the form is rebased on the stored
    version so that saving again, after reading what changed, is a deliberate choice. `restoring` is
    for the admin's revert page, which shows an earlier version but must be checked against the
    stored one. The model's own `version` field is excluded: services save through django-concurrency.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    restoring = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = None
        if self.instance.pk:
            stored = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.initial["version"] = stored.get() if self.restoring else self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                self.current = lock_version(record=self.instance, version=cleaned.get("version"), submitted=cleaned)
            except EditConflict as conflict:
                self.data = self.data.copy()
                self.data[self.add_prefix("version")] = conflict.version
                raise
        return cleaned
