"""Ratings as a report prints them, written through ratings.services."""

from django.core.exceptions import ValidationError

from projects.models import Project
from projects.numbers import normalise_project_number
from ratings.services import transcribe_rating

from .context import describe
from .fields import FixtureError
from .findings import CRITERION, FINDING
from .portfolio import PROGRAMME


def load_ratings(load, records):
    for record in records:
        where = record.where
        scale = load.find("rating scale code", record["scale"], where)
        kind, subject = _subject(load, record)
        lookup = {"evaluation": load.evaluation, "criterion": load.find(CRITERION, record["criterion"], where),
                  kind: subject}
        values = {
            "subject_kind": kind, "scale": scale, "value": record["value"],
            "not_assessed": record["not_assessed"] or scale.is_not_assessed_code(record["value"]),
            "label": record["label"], "justification": record["justification"], **load.cited(record),
        }
        try:
            _, state = transcribe_rating(lookup=lookup, values=values,
                                         findings=load.find_all(FINDING, record["supported_by"], where))
        except ValidationError as error:
            raise FixtureError(f"{where}: {describe(error)}") from None
        load.count(state)


def _subject(load, record):
    """(kind, object) of what the rating is about: a project, a country or a programme."""
    subject = record["subject"]
    if subject["project"]:
        number = normalise_project_number(subject["project"])
        project = Project.objects.filter(number=number).first()
        if project is None:
            raise FixtureError(f"{record.where}: unknown project {subject['project']!r}")
        return "project", project
    if subject["country"]:
        return "country", load.country(subject["country"], record.where)
    return "programme", load.find(PROGRAMME, subject["programme"], record.where)
