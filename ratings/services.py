"""Writes of ratings: all-or-nothing grids and edits that refuse to overwrite someone else's."""

from django.core.exceptions import ValidationError
from django.db import transaction

from evalbase.lib.versioning import lock_version

from .models import Rating


def existing_ratings(subject_form, criteria):
    """{criterion id: rating} already recorded for this evaluation and subject."""
    data = subject_form.cleaned_data
    return {
        rating.criterion_id: rating
        for rating in Rating.objects.filter(evaluation=data["evaluation"], criterion__in=criteria,
                                            **{data["subject_kind"]: data["subject_object"]})
    }


def validate_grid(*, subject_form, grid):
    """Check every rated row against the model's rules; attach errors to the rows. Returns ratings."""
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
        rating.finding = form.cleaned_data["finding"]
        try:
            rating.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            continue
        ratings.append(rating)
    return ratings


@transaction.atomic
def save_grid(ratings):
    """Save the validated ratings of one grid together, or none of them."""
    for rating in ratings:
        rating.save()
        if rating.finding is not None:
            rating.supporting_findings.add(rating.finding)
    return ratings


@transaction.atomic
def update_rating(*, form, version):
    """Save `form` (a RatingEditForm) unless the rating changed since `version` (EditConflict then)."""
    current = lock_version(record=form.instance, version=version, submitted=form.cleaned_data)
    rating = form.save(commit=False)
    rating.version = current.version + 1
    rating.save()
    form.save_m2m()
    return rating
