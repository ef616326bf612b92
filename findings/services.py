"""Every write to a finding (with its criterion tags and quantitative evidence) and to a lesson,
whichever staff page or admin form makes it.

One function per kind of change:
- `create_finding`, `update_finding`, `delete_finding`: a finding with its criterion tags, themes,
  countries and quantitative evidence, written as one change (the finding pages; the admin, whose
  inlines hold the tags and the evidence);
- `create_lesson`, `update_lesson`, `delete_lesson`: a lesson with its criteria and themes.

Each save raises the record's version by one (django-concurrency's version field, for every save);
a change from a form loaded at an older version is refused with EditConflict, naming what changed.
A change of links or evidence alone saves the record too, so that its version goes up and a form
opened before cannot undo it. The history (django-simple-history) keeps who made each change and why.

A transcribed record (one citing its source document) is changed only by the report loader:
corrections go through the report's YAML file, or the next load would put the old text back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from evalbase.lib.versioning import lock_version

from .models import FindingCriterion, QuantitativeEvidence

# The columns of a piece of evidence that a change may touch (not its id or its finding).
EVIDENCE_FIELDS = [field.attname for field in QuantitativeEvidence._meta.concrete_fields
                   if not field.primary_key and field.name != "finding"]


def transcribed_refusal(record):
    """Why `record` (a finding or a lesson) may not be changed by hand, or "" when it may."""
    if not record.source_id:
        return ""
    where = ", ".join(part for part in (record.source.file_name, record.source_section) if part)
    return (f"This {record._meta.verbose_name} was transcribed from {where}; it cannot be changed here. "
            "Corrections go through the report's YAML file, and then the reports are loaded again.")


def deletion_refusal(finding):
    """Why `finding` may not be deleted, or "" when it may: deleting would break an evidence chain."""
    links = [(finding.ratings.count(), "rating"), (finding.recommendations.count(), "recommendation"),
             (finding.conclusions.count(), "conclusion")]
    named = [f"{n} {noun}{'s' if n > 1 else ''}" for n, noun in links if n]
    if not named:
        return ""
    return (f"This finding is linked to {' and '.join(named)}; deleting it would break their evidence chain. "
            "Remove those links first.")


# -- findings ---------------------------------------------------------------------------------------

@transaction.atomic
def create_finding(finding, *, criteria=None, themes=(), countries=(), evidence=(), user=None, reason=""):
    """Save a new `finding` (unsaved) with its tags and evidence, or nothing.

    `criteria` maps each tagged criterion to whether it is inferred; `evidence` is a list of unsaved
    QuantitativeEvidence. Raises ValidationError if the model's rules refuse any of it.
    """
    finding.full_clean()
    _check_evidence(evidence)
    _save(finding, user, reason)
    _set_tags(finding, criteria or {})
    finding.themes.set(themes)
    finding.countries.set(countries)
    _write_evidence(finding, evidence, [])
    return finding


@transaction.atomic
def update_finding(finding, *, version, changes, criteria=None, themes=None, countries=None, evidence=None,
                   user=None, reason=""):
    """Apply `changes` (field -> value) and the given links to `finding` as loaded at `version`.

    `criteria`, `themes`, `countries` and `evidence` are what the finding should hold afterwards
    (None leaves them as they are); `evidence` lists QuantitativeEvidence, the existing ones with
    their ids, and the finding's other evidence is deleted. Refused with EditConflict if anyone saved
    the finding since, with ValidationError if it is transcribed or a rule refuses the values.
    Changing nothing saves nothing. Returns the finding as stored.
    """
    current = lock_version(record=finding, version=version, submitted=changes)
    changed = {name: value for name, value in changes.items() if getattr(current, name) != value}
    links = _link_changes(current, {"themes": themes, "countries": countries})
    tags = _tag_changes(current, criteria)
    saved, deleted = _evidence_changes(current, evidence)
    if not (changed or links or tags is not None or saved or deleted):
        return current
    if refusal := transcribed_refusal(current):
        raise ValidationError(refusal)
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    _check_evidence(saved)
    if tags is not None:
        _set_tags(current, tags)
    for name, related in links.items():
        getattr(current, name).set(related)
    _write_evidence(current, saved, deleted)
    also = [*links, *(["criteria"] if tags is not None else []), *(["evidence"] if saved or deleted else [])]
    _save(current, user, reason or _summary(also))
    return current


@transaction.atomic
def delete_finding(finding, *, user=None):
    """Delete `finding` with its tags and evidence, keeping its history.

    Refused (ValidationError) if it is transcribed, or if a rating, recommendation or conclusion
    cites it.
    """
    if refusal := transcribed_refusal(finding) or deletion_refusal(finding):
        raise ValidationError(refusal)
    finding._history_user = user
    finding.delete()


def _tag_changes(finding, criteria):
    """`criteria` ({criterion: inferred}) if it differs from the finding's tags, else None."""
    if criteria is None:
        return None
    stored = {tag.criterion_id: tag.inferred for tag in finding.criterion_tags.all()}
    return criteria if stored != {criterion.pk: inferred for criterion, inferred in criteria.items()} else None


def _set_tags(finding, criteria):
    finding.criterion_tags.exclude(criterion__in=list(criteria)).delete()
    for criterion, inferred in criteria.items():
        FindingCriterion.objects.update_or_create(finding=finding, criterion=criterion,
                                                  defaults={"inferred": bool(inferred)})


def _evidence_changes(finding, evidence):
    """(to save, to delete) so that the finding's evidence becomes `evidence`; ([], []) for None."""
    if evidence is None:
        return [], []
    stored = {item.pk: item for item in finding.evidence.all()}
    listed = {item.pk for item in evidence if item.pk}
    if listed - set(stored):
        raise ValidationError("The form lists evidence that does not belong to this finding (it may have been "
                              "deleted in the meantime): reload the page.")
    saved = [item for item in evidence if not item.pk or _values(item) != _values(stored[item.pk])]
    return saved, [item for pk, item in stored.items() if pk not in listed]


def _values(evidence):
    return [getattr(evidence, name) for name in EVIDENCE_FIELDS]


def _check_evidence(evidence):
    for item in evidence:
        item.full_clean(exclude=["finding"])


def _write_evidence(finding, saved, deleted):
    for item in deleted:
        item.delete()
    for item in saved:
        item.finding = finding
        item.save()


# -- lessons ----------------------------------------------------------------------------------------

@transaction.atomic
def create_lesson(lesson, *, criteria=(), themes=(), user=None, reason=""):
    """Save a new `lesson` (unsaved) with its criteria and themes; ValidationError if a rule refuses it."""
    lesson.full_clean()
    _save(lesson, user, reason)
    lesson.criteria.set(criteria)
    lesson.themes.set(themes)
    return lesson


@transaction.atomic
def update_lesson(lesson, *, version, changes, criteria=None, themes=None, user=None, reason=""):
    """Apply `changes` and the given `criteria` and `themes` to `lesson` as loaded at `version`.

    Refused as `update_finding` refuses. Changing nothing saves nothing. Returns the stored lesson.
    """
    current = lock_version(record=lesson, version=version, submitted=changes)
    changed = {name: value for name, value in changes.items() if getattr(current, name) != value}
    links = _link_changes(current, {"criteria": criteria, "themes": themes})
    if not changed and not links:
        return current
    if refusal := transcribed_refusal(current):
        raise ValidationError(refusal)
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    for name, related in links.items():
        getattr(current, name).set(related)
    _save(current, user, reason or _summary(list(links)))
    return current


@transaction.atomic
def delete_lesson(lesson, *, user=None):
    """Delete `lesson`, keeping its history; a transcribed lesson is refused."""
    if refusal := transcribed_refusal(lesson):
        raise ValidationError(refusal)
    lesson._history_user = user
    lesson.delete()


# -- shared -----------------------------------------------------------------------------------------

def _link_changes(record, links):
    """The links (name -> records; None to leave as is) that differ from what `record` holds."""
    return {name: list(related) for name, related in links.items() if related is not None
            and {item.pk for item in getattr(record, name).all()} != {item.pk for item in related}}


def _summary(links):
    """The history's reason when the user gave none: which links changed (its field-by-field
    comparison shows the record's own fields only)."""
    return f"Changed {', '.join(links)}" if links else ""


def _save(record, user, reason):
    """Save with who and why in its history; the version goes up by one (django-concurrency)."""
    record._history_user = user
    record._change_reason = reason or None
    record.save()
