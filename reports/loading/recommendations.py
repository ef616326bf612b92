"""Recommendations, written through follow_up.services, with their management responses and actions."""

from django.core.exceptions import ValidationError

from findings.models import Action, ManagementResponse, ResponsibilityOwner
from follow_up.services import transcribe_recommendation

from .context import describe
from .fields import FixtureError
from .findings import FINDING
from .organisations import ORGANISATION


def load_recommendations(load, records):
    for record in records:
        where = record.where
        values = {
            "text": record["text"],
            "conclusion": load.find_optional("conclusion number", record["conclusion"], where),
            **load.cited(record),
        }
        links = {
            "owners": [ResponsibilityOwner.objects.get_or_create(name=name)[0] for name in record["owners"]],
            "findings": load.find_all(FINDING, record["findings"], where),
            "themes": load.find_all("theme slug", record["themes"], where),
        }
        try:
            recommendation, state = transcribe_recommendation(
                evaluation=load.evaluation, number=record["number"], values=values,
                follow_up={"status": record["status"], "due_date": record["due_date"]}, m2m=links)
        except ValidationError as error:
            raise FixtureError(f"{where}: {describe(error)}") from None
        load.count(state)
        if record["response"]:
            _load_response(load, recommendation, record["response"])


def _load_response(load, recommendation, record):
    response = load.upsert(ManagementResponse, {"recommendation": recommendation}, {
        "stance": record["stance"], "text": record["text"],
        "responder": load.find_optional(ORGANISATION, record["by"], record.where),
        "date": record["date"], **load.cited(record),
    }, record.where)
    for action in record["actions"]:
        load.upsert(Action, {"response": response, "description": action["description"]}, {
            "status": action["status"], **load.cited(action),
        }, action.where)
