"""Aggregates a report publishes (its portfolio tables, its rating averages)."""

from evaluations.models import PublishedFigure

from .findings import CRITERION


def load_figures(load, records):
    for record in records:
        where = record.where
        load.upsert(PublishedFigure, {"evaluation": load.evaluation, "key": record["key"]}, {
            "label": record["label"], "measure": record["measure"], "dimension": record["dimension"],
            "group": record["group"], "criterion": load.find_optional(CRITERION, record["criterion"], where),
            "value": record["value"], "printed_value": record["printed"], "unit": record["unit"],
            "explanation": record["explanation"], **load.cited(record),
        }, where, m2m={"notes": load.find_all("data-quality note code", record["notes"], where)})
