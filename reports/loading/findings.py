"""Findings with their quantitative evidence and criterion tags, conclusions, lessons, and the
comparison of organisations' approaches."""

from findings.models import ApproachComparison, Conclusion, Finding, FindingCriterion, Lesson, QuantitativeEvidence

from .fields import FixtureError
from .organisations import ORGANISATION

CRITERION = "criterion code"
FINDING = "finding code"


def tags(load, record):
    """The criteria and themes a finding, lesson or recommendation is tagged with."""
    return {
        "criteria": load.find_all(CRITERION, record["criteria"], record.where),
        "themes": load.find_all("theme slug", record["themes"], record.where),
    }


def load_findings(load, records):
    for record in records:
        where = record.where
        links = tags(load, record)
        named = links.pop("criteria")
        inferred = load.find_all(CRITERION, record["inferred_criteria"], where)
        if set(named) & set(inferred):
            raise FixtureError(f"{where}: a criterion is both in `criteria` and in `inferred_criteria`")
        links["countries"] = [load.country(code, where) for code in record["countries"]]
        finding = load.upsert(Finding, {"evaluation": load.evaluation, "code": record["code"]}, {
            "category": record["category"], "title": record["title"], "text": record["text"],
            "evidence_kind": record["evidence_kind"], **load.cited(record),
        }, where, m2m=links)
        if _tag_criteria(finding, {criterion: False for criterion in named} | {c: True for c in inferred}):
            load.recount_as_updated()
        for item in record["evidence"]:
            load.upsert(QuantitativeEvidence, {"finding": finding, "indicator": item["indicator"]}, {
                "value": item["value"], "unit": item["unit"], "base": item["base"], "base_value": item["base_value"],
                **load.cited(item, fallback=record),
            }, item.where)
    load.know(FINDING, {finding.code: finding for finding in load.evaluation.findings.all()})


def _tag_criteria(finding, wanted):
    """Set `finding`'s criterion tags to `wanted` ({criterion: inferred}); whether they changed."""
    stored = {tag.criterion: tag.inferred for tag in finding.criterion_tags.select_related("criterion")}
    if stored == wanted:
        return False
    finding.criterion_tags.exclude(criterion__in=list(wanted)).delete()
    for criterion, inferred in wanted.items():
        FindingCriterion.objects.update_or_create(finding=finding, criterion=criterion, defaults={"inferred": inferred})
    return True


def load_conclusions(load, records):
    for record in records:
        load.upsert(Conclusion, {"evaluation": load.evaluation, "number": record["number"]}, {
            "text": record["text"], **load.cited(record),
        }, record.where, m2m={"findings": load.find_all(FINDING, record["findings"], record.where)})
    load.know("conclusion number", {conclusion.number: conclusion for conclusion in load.evaluation.conclusions.all()})


def load_lessons(load, records):
    for record in records:
        load.upsert(Lesson, {"evaluation": load.evaluation, "number": record["number"]}, {
            "title": record["title"], "text": record["text"], **load.cited(record),
        }, record.where, m2m=tags(load, record))


def load_comparisons(load, records):
    for record in records:
        organisation = load.find(ORGANISATION, record["organisation"], record.where)
        load.upsert(ApproachComparison, {
            "evaluation": load.evaluation, "organisation": organisation, "aspect": record["aspect"],
        }, {"text": record["text"], **load.cited(record)}, record.where)
