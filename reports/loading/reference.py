"""Reference data every report refers to: countries, regions (with the labels reports print for
them) and the OECD-DAC criteria."""

from reference.models import Country, Criterion, Region


def load_reference_data(load, reference):
    for row in reference.countries:
        load.upsert(Country, {"iso2": row["iso2"]}, {"iso3": row["iso3"], "name": row["name"]}, row.where)
    for record in reference.sections["regions"]:
        load.upsert(Region, {"code": record["code"]},
                    {"name": record["name"], "labels": record["labels"], "order": record["order"]}, record.where)
    for record in reference.sections["criteria"]:
        load.upsert(Criterion, {"code": record["code"]}, {
            "name": record["name"], "kind": Criterion.Kind.OECD_DAC, "description": record["description"],
            "order": record["order"],
        }, record.where)
    know_reference_data(load)


def know_reference_data(load):
    load.know("country code", {country.iso2: country for country in Country.objects.all()})
    load.know("region label", {label: region for region in Region.objects.all() for label in region.labels})
