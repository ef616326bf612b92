"""Every write to a rating, whichever page, admin form, import or loader makes it.

One function per kind of change:
- `create_ratings`: new ratings, all or none (the rating grid, the admin, the import);
- `update_rating`: a change of one rating loaded at a version (the edit page, the admin, the import);
- `delete_rating`: (the delete page, the admin);
- `transcribe_rating`: a rating as a report prints it (the report loader).

Each save raises the version by one (django-concurrency's version field, for every save); a change
from a form loaded at an older version is refused with EditConflict. A transcribed rating (one
citing its source document) is changed only by the loader: corrections go through the report's
YAML file, or the next load would put the old value back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from evalbase.lib.versioning import lock_version

from .models import Rating


def transcribed_refusal(rating):
    """Why `rating` may not be changed by hand, or "" when it may."""
    if not rating.source_id:
        return ""
    where = ", ".join(part for part in (rating.source.file_name, rating.source_section) if part)
    return (f"This rating was transcribed from {where}; it cannot be changed here. "
            "Correct the report's YAML file and load the reports again.")


def existing_ratings(subject_form, criteria):
    """{criterion id: rating} already recorded for this evaluation and subject."""
    data = subject_form.cleaned_data
    return {
        rating.criterion_id: rating
        for rating in Rating.objects.filter(evaluation=data["evaluation"], criterion__in=criteria,
                                            **{data["subject_kind"]: data["subject_object"]})
    }


def validate_grid(*, subject_form, grid):
    """Check every rated row against the model's rules; attach errors to the rows.

    Returns [(rating, supporting findings)] for `create_ratings`.
    """
    criteria = [form.cleaned_data["criterion"] for form in grid.forms]
    existing = existing_ratings(subject_form, criteria)
    ratings = []
    for form in grid.forms:
        if not form.is_rated:
            continue
        criterion = form.cleaned_data["criterion"]
        if criterion.pk in existing:
            form.existing = existing[criterion.pk]
            form.add_error(None, f"{criterion} is already rated {existing[criterion.pk].display_value} "
                                 "in this evaluation for this subject: edit that rating instead.")
            continue
        rating = subject_form.rating_for(criterion)
        rating.value = form.cleaned_data["value"]
        rating.not_assessed = form.cleaned_data["not_assessed"]
        rating.justification = form.cleaned_data["justification"]
        try:
            rating.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            continue
        finding = form.cleaned_data["finding"]
        ratings.append((rating, [finding] if finding else []))
    return ratings


@transaction.atomic
def create_ratings(ratings, *, user=None, reason=""):
    """Save new ratings together, or none: `ratings` is [(rating, supporting findings)], each unsaved and valid."""
    for rating, findings in ratings:
        _save(rating, user, reason)
        rating.supporting_findings.add(*findings)
    return [rating for rating, _ in ratings]


@transaction.atomic
def update_rating(rating, *, version, changes, findings=None, user=None, reason=""):
    """Apply `changes` (field -> value) and `findings` (supporting findings) to `rating` loaded at `version`.

    Refused with EditConflict if anyone saved it since, with ValidationError if it is transcribed
    or the model's rules refuse the values. Changing nothing saves nothing. Returns the stored rating.
    """
    current = lock_version(record=rating, version=version, submitted=changes)
    changed = {name: value for name, value in changes.items() if getattr(current, name) != value}
    links_changed = findings is not None and {f.pk for f in current.supporting_findings.all()} != {
        f.pk for f in findings}
    if not changed and not links_changed:
        return current
    if refusal := transcribed_refusal(current):
        raise ValidationError(refusal)
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    if links_changed:
        current.supporting_findings.set(findings)
    _save(current, user, reason)  # for a change of links too, so that a stale form cannot undo them
    return current


@transaction.atomic
def delete_rating(rating, *, user=None):
    """Delete `rating`, keeping its history; a transcribed rating is refused."""
    if refusal := transcribed_refusal(rating):
        raise ValidationError(refusal)
    rating._history_user = user
    rating.delete()


@transaction.atomic
def transcribe_rating(*, lookup, values, findings):
    """The report loader's write of a rating: matched on `lookup`, set to `values` and `findings`.

    Returns (rating, state), the state being "created", "updated" or "unchanged".
    """
    current = Rating.objects.select_for_update().filter(**lookup).first()
    if current is None:
        rating = Rating(**lookup, **values)
        rating.full_clean()
        create_ratings([(rating, findings)], reason="Loaded from the report")
        return rating, "created"
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    links_changed = {f.pk for f in current.supporting_findings.all()} != {f.pk for f in findings}
    if not changed and not links_changed:
        return current, "unchanged"
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    current.supporting_findings.set(findings)
    _save(current, None, "Loaded from the report")
    return current, "updated"


def _save(rating, user, reason):
    """Save with who and why in its history; the version goes up by one (django-concurrency)."""
    rating._history_user = user
    rating._change_reason = reason or None
    rating.save()
