"""Programmes, the allotment lines of a portfolio table and the projects they form, and projects
named in the text."""

from collections import defaultdict
from decimal import Decimal

from projects.models import Allotment, Programme, Project, project_status
from projects.numbers import normalise_project_number
from projects.services import refresh_totals

from .fields import FixtureError
from .organisations import ORGANISATION

PROGRAMME = "programme slug"
MIXED_STATUS_NOTE = "Lines differ in status; see data-quality note annex3-project-status."


def load_programmes(load, records):
    for record in records:
        period = record["period"] or {}
        budget = record["declared_budget"] or {}
        programme = load.upsert(Programme, {"slug": record["slug"]}, {
            "name": record["name"], "short_name": record["short_name"],
            "organisation": load.find(ORGANISATION, record["organisation"], record.where),
            "description": record["description"],
            "period_start": period.get("start"), "period_end": period.get("end"),
            "declared_projects": record["declared_projects"],
            "declared_budget": budget.get("amount"), "declared_budget_currency": budget.get("currency", ""),
            **load.cited(record),
        }, record.where)
        programme.evaluations.add(load.evaluation)
    load.know(PROGRAMME, {programme.slug: programme for programme in Programme.objects.all()})


def load_allotments(load, records):
    """Allotment lines, grouped into projects by their `project` key, in the evaluation's first programme."""
    if not records:
        return
    programme = Programme.objects.filter(evaluations=load.evaluation).order_by("id").first()
    if programme is None:
        raise FixtureError(f"{records[0].where}: allotment lines belong to the evaluation's programme; "
                           "the report defines none")
    groups = defaultdict(list)
    for record in records:
        groups[normalise_project_number(record["project"])].append(record)
    for number, lines in groups.items():
        project = _load_line_project(load, programme, number, lines)
        for line in lines:
            _load_line(load, project, line)
    refresh_totals(Project.objects.filter(number__in=list(groups)))


def _load_line_project(load, programme, number, lines):
    """The project a group of lines forms: country, region and approach of its first line."""
    first = lines[0]
    statuses = {line["status"] for line in lines}
    values = {
        "programme": programme,
        "country": load.country(first["country_iso"], first.where) if first["country_iso"] else None,
        "region": load.find("region label", first["region"], first.where),
        "approach": first["approach"],
        "start_year": min(line["year"] for line in lines),
        "status": project_status(statuses),
        "status_note": "" if len(statuses) == 1 else MIXED_STATUS_NOTE,
    }
    project = Project.objects.filter(number=number).first()
    if project is None or not project.source_id:
        values.update(load.cited(first))
    return load.upsert(Project, {"number": number}, values, first.where)


def _load_line(load, project, record):
    other = record["other_expenditure"] or {}
    load.upsert(Allotment, {"number": normalise_project_number(record["number"])}, {
        "project": project, "line": record["line"], "printed_number": record["number"],
        "year": record["year"], "country_label": record["country"],
        "region_label": record["region"], "approach_label": record["approach_label"],
        "project_type": record["type"], "type_label": record["type_label"],
        "status": record["status"], "status_label": _printed(record["status_label"], record["status"]),
        "currency": "USD", "amount": record["allotment"], "expenditure": record["expenditure"],
        "other_expenditure": other.get("amount") or Decimal(0), "other_expenditure_label": other.get("label", ""),
        **load.cited(record),
    }, record.where)


def _printed(label, value):
    """A label as printed; left out, the value itself."""
    return value if label is None else label


def load_projects(load, records):
    """Projects named in the text. A number that is an allotment line's names that line's project."""
    for record in records:
        number = normalise_project_number(record["number"])
        line = Allotment.objects.select_related("project").filter(number=number).first()
        if line is not None:
            # The project keeps its line's citation; the text only adds a missing title.
            if record["title"] and not line.project.title:
                load.upsert(Project, {"pk": line.project.pk}, {"title": record["title"]}, record.where)
            continue
        if not record["programme"] and not Project.objects.filter(number=number).exists():
            raise FixtureError(f"{record.where}: a new project needs its programme")
        values = {"title": record["title"], **load.cited(record)}
        if record["programme"]:
            values["programme"] = load.find(PROGRAMME, record["programme"], record.where)
        if record["country"]:
            values["country"] = load.country(record["country"], record.where)
        load.upsert(Project, {"number": number}, values, record.where)
