"""The evaluation a report describes, who took part in it, and its data-quality notes."""

from evaluations.models import DataQualityNote, Evaluation, Participation

from .organisations import ORGANISATION


def load_evaluation(load, report):
    record = report.evaluation
    where = record.where
    period = record["period"] or {}
    cost = record["cost"] or {}
    values = {
        "code": record["code"], "title": record["title"], "kind": record["kind"],
        "commissioner": load.find(ORGANISATION, record["commissioner"], where),
        "year": record["year"], "date": record["date"], "date_note": record["date_note"],
        "period_start": period.get("start"), "period_end": period.get("end"),
        "team": record["team"], "methodology": record["methodology"], "summary": record["summary"],
        "scope_note": record["scope_note"], "cost": cost.get("amount"), "cost_currency": cost.get("currency", ""),
        **load.cited(record),
    }
    countries = [load.country(code, where) for code in record["countries"]]
    evaluation = load.upsert(Evaluation, {"slug": record["slug"]}, values, where, m2m={"countries": countries})
    for participant in record["participants"]:
        organisation = load.find(ORGANISATION, participant["organisation"], participant.where)
        lookup = {"evaluation": evaluation, "organisation": organisation, "role": participant["role"]}
        load.upsert(Participation, lookup, load.cited(participant), participant.where)
    return evaluation


def load_notes(load, records):
    for record in records:
        load.upsert(DataQualityNote, {"evaluation": load.evaluation, "code": record["code"]}, {
            "title": record["title"], "text": record["text"], **load.cited(record),
        }, record.where)
    load.know("data-quality note code", {note.code: note for note in load.evaluation.quality_notes.all()})
