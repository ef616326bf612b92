"""What findings and ratings are tagged and measured with: themes, a report's own criteria, rating scales."""

from reference.models import Criterion, RatingScale, ScaleLevel, Theme


def load_themes(load, records):
    for record in records:
        load.upsert(Theme, {"slug": record["slug"]}, {"name": record["name"]}, record.where)
    load.know("theme slug", {theme.slug: theme for theme in Theme.objects.all()})


def load_criteria(load, records):
    for record in records:
        load.upsert(Criterion, {"code": record["code"]}, {
            "name": record["name"], "kind": Criterion.Kind.REPORT_SPECIFIC, "description": record["description"],
            **load.cited(record),
        }, record.where)
    load.know("criterion code", {criterion.code: criterion for criterion in Criterion.objects.all()})


def load_scales(load, records):
    for record in records:
        scale = load.upsert(RatingScale, {"code": record["code"]}, {
            "name": record["name"], "minimum": record["min"], "maximum": record["max"],
            "best_is_high": record["best"] == "high", "not_assessed_value": record["not_assessed_value"],
            **load.cited(record),
        }, record.where)
        for level in record["levels"]:
            load.upsert(ScaleLevel, {"scale": scale, "value": level["value"]}, {"label": level["label"]}, level.where)
    load.know("rating scale code", {scale.code: scale for scale in RatingScale.objects.all()})
