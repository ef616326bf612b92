"""Load the transcribed reports in fixtures/ into the database.

All files are read and checked, then written inside one transaction: a file that breaks a rule
stops the load with its name, the record and the reason, and nothing is written. Every record
is matched on its natural key, so loading twice changes nothing. The file format is described
in fixtures/README.md.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from evaluations.models import DataQualityNote, Evaluation, Participation, PublishedFigure
from findings.models import (
    Action,
    ApproachComparison,
    Conclusion,
    Finding,
    FindingCriterion,
    Lesson,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
    ResponsibilityOwner,
)
from follow_up.services import transcribe_recommendation
from projects.models import Allotment, Programme, Project, project_status
from projects.numbers import normalise_project_number
from projects.services import refresh_totals
from ratings.services import transcribe_rating
from reference.models import Country, Criterion, Organisation, RatingScale, Region, ScaleLevel, SourceDocument, Theme

REPORT_SECTIONS = {
    "document", "evaluation", "organisations", "programmes", "projects", "criteria", "rating_scales",
    "ratings", "themes", "findings", "lessons", "conclusions", "recommendations",
    "approach_comparisons", "allotments", "published_figures", "data_quality_notes",
}


class FixtureError(Exception):
    """A transcription breaks a rule; the message names the file, the record and the reason."""


@dataclass
class Report:
    """All files of one evaluation, merged section by section."""

    slug: str
    files: list = field(default_factory=list)
    document: dict = None
    evaluation: dict = None
    sections: dict = field(default_factory=lambda: defaultdict(list))


@dataclass
class LoadSummary:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"{self.files} files: {self.created} records created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def load_fixtures(directory):
    """Load reference data and every report under `directory`; return a LoadSummary."""
    directory = Path(directory)
    reports = read_reports(directory / "reports")
    loader = _Loader()
    with transaction.atomic():
        loader.load_reference(directory / "reference")
        for report in reports:
            loader.load_organisations(report)
        for report in reports:
            loader.load_report(report)
    loader.summary.files = 2 + sum(len(r.files) for r in reports)
    return loader.summary


def load_reference(directory):
    """Load only the reference data (countries, regions, OECD-DAC criteria) under `directory`."""
    loader = _Loader()
    with transaction.atomic():
        loader.load_reference(Path(directory) / "reference")
    return loader.summary


def read_reports(directory):
    """Parse every report file and merge the files of each evaluation."""
    paths = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*/*.yaml"))
    reports = {}
    for path in paths:
        data = _read_yaml(path)
        unknown = set(data) - REPORT_SECTIONS
        if unknown:
            raise FixtureError(f"{path.name}: unknown section(s) {', '.join(sorted(unknown))}")
        evaluation = data.get("evaluation")
        if isinstance(evaluation, dict):
            slug = evaluation.get("slug")
        elif isinstance(evaluation, str):
            slug = evaluation
        else:
            raise FixtureError(f"{path.name}: needs `evaluation:` (a mapping or an evaluation slug)")
        report = reports.setdefault(slug, Report(slug=slug))
        report.files.append(path.name)
        if isinstance(evaluation, dict):
            if report.evaluation is not None:
                raise FixtureError(f"{path.name}: evaluation {slug} is defined twice")
            if "document" not in data:
                raise FixtureError(f"{path.name}: the file that defines an evaluation needs `document:`")
            report.evaluation, report.document = evaluation, data["document"]
        for name, records in data.items():
            if name in ("document", "evaluation"):
                continue
            if not isinstance(records, list):
                raise FixtureError(f"{path.name}: `{name}` must be a list")
            report.sections[name].extend((path.name, record) for record in records)
    for report in reports.values():
        if report.evaluation is None:
            raise FixtureError(f"{', '.join(report.files)}: evaluation {report.slug} is never defined")
    return list(reports.values())


def _read_yaml(path):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FixtureError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise FixtureError(f"{path.name}: expected a mapping of sections")
    return data


def _decimal(value, where):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise FixtureError(f"{where}: {value!r} is not a number") from None


def _keys(record, allowed, required, where):
    if not isinstance(record, dict):
        raise FixtureError(f"{where}: expected a mapping, got {record!r}")
    unknown = set(record) - set(allowed) - set(required)
    if unknown:
        raise FixtureError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    missing = [key for key in required if record.get(key) in (None, "")]
    if missing:
        raise FixtureError(f"{where}: missing {', '.join(missing)}")


class _Loader:
    def __init__(self):
        self.summary = LoadSummary()

    # -- writing ------------------------------------------------------------------------------

    def upsert(self, model, lookup, values, where, m2m=None):
        """Create or update the record matched by `lookup`, validated by the model's rules."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = created
        for name, value in values.items():
            if created or getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        if changed:
            try:
                obj.full_clean()
            except ValidationError as error:
                raise FixtureError(f"{where}: {_describe(error)}") from None
            obj.save()
        for name, related in (m2m or {}).items():
            manager = getattr(obj, name)
            if {o.pk for o in manager.all()} != {o.pk for o in related}:
                manager.set(related)
                changed = True
        self.count("created" if created else "updated" if changed else "unchanged")
        return obj

    def count(self, state):
        self.last_state = state
        setattr(self.summary, state, getattr(self.summary, state) + 1)

    def cited(self, record, where):
        source = record.get("source")
        if not isinstance(source, dict) or not source.get("section"):
            raise FixtureError(f"{where}: every transcribed record needs source: {{section, locator}}")
        _keys(source, ["locator"], ["section"], f"{where} source")
        return {
            "source": self.document,
            "source_section": str(source["section"])[:200],
            "source_locator": str(source.get("locator", ""))[:300],
        }

    # -- lookups ------------------------------------------------------------------------------

    def country(self, code, where):
        country = self.countries.get(str(code).upper())
        if country is None:
            raise FixtureError(f"{where}: unknown country code {code!r} (use ISO 3166 alpha-2)")
        return country

    def organisation(self, slug, where):
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise FixtureError(f"{where}: unknown organisation {slug!r}") from None

    def one(self, mapping, key, kind, where):
        try:
            return mapping[key]
        except KeyError:
            raise FixtureError(f"{where}: unknown {kind} {key!r}") from None

    # -- reference data -----------------------------------------------------------------------

    def load_reference(self, directory):
        with open(directory / "countries.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                self.upsert(Country, {"iso2": row["iso2"]}, {"iso3": row["iso3"], "name": row["name"]},
                            f"countries.csv {row['iso2']}")
        self.countries = {c.iso2: c for c in Country.objects.all()}
        data = _read_yaml(directory / "reference.yaml")
        for record in data["regions"]:
            self.upsert(Region, {"code": record["code"]},
                        {"name": record["name"], "labels": record["labels"], "order": record["order"]},
                        f"reference.yaml region {record['code']}")
        for record in data["criteria"]:
            self.upsert(Criterion, {"code": record["code"]},
                        {"name": record["name"], "kind": Criterion.Kind.OECD_DAC,
                         "description": record["description"], "order": record["order"]},
                        f"reference.yaml criterion {record['code']}")
        self.region_labels = {
            label: region for region in Region.objects.all() for label in region.labels
        }

    def load_organisations(self, report):
        """Organisations first, across all reports, since reports refer to each other's."""
        self.document = self.source_document(report)
        pending = [(f, r) for f, r in report.sections["organisations"]]
        # Parents before units: retry records whose parent is not there yet.
        for _ in range(len(pending) + 1):
            waiting = []
            for filename, record in pending:
                where = f"{filename} organisation {record.get('slug')}"
                _keys(record, ["short_name", "parent", "description", "source"], ["slug", "name", "kind"], where)
                parent = None
                if record.get("parent"):
                    parent = Organisation.objects.filter(slug=record["parent"]).first()
                    if parent is None:
                        waiting.append((filename, record))
                        continue
                values = {"name": record["name"], "short_name": record.get("short_name", ""),
                          "kind": record["kind"], "parent": parent,
                          "description": record.get("description", "")}
                existing = Organisation.objects.filter(slug=record["slug"]).first()
                if existing is None or existing.source_id in (None, self.document.pk):
                    # Cited by the first report that names it; later reports reuse it as it is.
                    values.update(self.cited(record, where) if "source" in record else {"source": self.document})
                self.upsert(Organisation, {"slug": record["slug"]}, values, where)
            if not waiting:
                return
            pending = waiting
        filename, record = pending[0]
        raise FixtureError(f"{filename} organisation {record['slug']}: unknown parent {record['parent']!r}")

    def source_document(self, report):
        doc = report.document
        where = f"{report.files[0]} document"
        _keys(doc, ["year"], ["file", "title"], where)
        return self.upsert(SourceDocument, {"file_name": doc["file"]},
                           {"title": doc["title"], "year": doc.get("year")}, where)

    # -- one report ---------------------------------------------------------------------------

    def load_report(self, report):
        self.document = self.source_document(report)
        self.evaluation = self.load_evaluation(report)
        sections = report.sections
        for step in (
            self.load_programmes, self.load_allotments, self.load_projects, self.load_themes,
            self.load_criteria, self.load_scales, self.load_notes, self.load_findings,
            self.load_conclusions, self.load_recommendations, self.load_lessons, self.load_ratings,
            self.load_comparisons, self.load_figures,
        ):
            step(sections)

    def load_evaluation(self, report):
        record = report.evaluation
        where = f"{report.files[0]} evaluation {report.slug}"
        _keys(record, ["code", "date", "date_note", "period", "participants", "team", "methodology",
                       "summary", "countries", "scope_note", "cost"],
              ["slug", "title", "kind", "year", "commissioner", "source"], where)
        period = record.get("period") or {}
        cost = record.get("cost") or {}
        when = record.get("date")
        if isinstance(when, str):
            try:
                when = date.fromisoformat(when)
            except ValueError:
                raise FixtureError(f"{where}: date {when!r} is not YYYY-MM-DD") from None
        values = {
            "code": record.get("code", ""), "title": record["title"], "kind": record["kind"],
            "commissioner": self.organisation(record["commissioner"], where),
            "year": record["year"], "date": when, "date_note": record.get("date_note", ""),
            "period_start": period.get("start"), "period_end": period.get("end"),
            "team": record.get("team", ""), "methodology": record.get("methodology", "").strip(),
            "summary": record.get("summary", "").strip(), "scope_note": record.get("scope_note", ""),
            "cost": _decimal(cost.get("amount"), where), "cost_currency": cost.get("currency", ""),
            **self.cited(record, where),
        }
        countries = [self.country(code, where) for code in record.get("countries", [])]
        evaluation = self.upsert(Evaluation, {"slug": record["slug"]}, values, where,
                                 m2m={"countries": countries})
        for participant in record.get("participants", []):
            pwhere = f"{where} participant {participant.get('organisation')}"
            _keys(participant, [], ["organisation", "role", "source"], pwhere)
            self.upsert(Participation,
                        {"evaluation": evaluation,
                         "organisation": self.organisation(participant["organisation"], pwhere),
                         "role": participant["role"]},
                        self.cited(participant, pwhere), pwhere)
        return evaluation

    def load_programmes(self, sections):
        for filename, record in sections["programmes"]:
            where = f"{filename} programme {record.get('slug')}"
            _keys(record, ["short_name", "description", "period", "declared_projects", "declared_budget"],
                  ["slug", "name", "organisation", "source"], where)
            period = record.get("period") or {}
            budget = record.get("declared_budget") or {}
            programme = self.upsert(Programme, {"slug": record["slug"]}, {
                "name": record["name"], "short_name": record.get("short_name", ""),
                "organisation": self.organisation(record["organisation"], where),
                "description": record.get("description", "").strip(),
                "period_start": period.get("start"), "period_end": period.get("end"),
                "declared_projects": record.get("declared_projects"),
                "declared_budget": _decimal(budget.get("amount"), where),
                "declared_budget_currency": budget.get("currency", ""),
                **self.cited(record, where),
            }, where)
            programme.evaluations.add(self.evaluation)
        self.programmes = {p.slug: p for p in Programme.objects.all()}

    def load_projects(self, sections):
        """Projects named in the text. A number that is an Annex 3 line names that line's project."""
        for filename, record in sections["projects"]:
            where = f"{filename} project {record.get('number')}"
            _keys(record, ["title", "programme", "country"], ["number", "source"], where)
            number = normalise_project_number(record["number"])
            line = Allotment.objects.select_related("project").filter(number=number).first()
            if line is not None:
                # Keep the project's Annex 3 citation; the text only adds its title.
                if record.get("title") and not line.project.title:
                    self.upsert(Project, {"pk": line.project.pk}, {"title": record["title"]}, where)
                continue
            programme = record.get("programme")
            if not Project.objects.filter(number=number).exists() and not programme:
                raise FixtureError(f"{where}: a new project needs its programme")
            values = {"title": record.get("title", ""), **self.cited(record, where)}
            if programme:
                values["programme"] = self.one(self.programmes, programme, "programme", where)
            if record.get("country"):
                values["country"] = self.country(record["country"], where)
            self.upsert(Project, {"number": number}, values, where)

    def load_allotments(self, sections):
        """Annex 3 lines, grouped into projects by their `project` key."""
        lines = sections["allotments"]
        if not lines:
            return
        programme = Programme.objects.filter(evaluations=self.evaluation).order_by("id").first()
        groups = defaultdict(list)
        for filename, record in lines:
            groups[normalise_project_number(record.get("project", ""))].append((filename, record))
        for number, members in groups.items():
            first_file, first = members[0]
            where = f"{first_file} allotment row {first.get('line')}"
            statuses = {record.get("status") for _, record in members}
            iso = first.get("country_iso")
            project = Project.objects.filter(number=number).first()
            values = {
                "programme": programme,
                "country": self.country(iso, where) if iso else None,
                "region": self.one(self.region_labels, first.get("region"), "region label", where),
                "approach": first.get("approach"),
                "start_year": min(record["year"] for _, record in members),
                "status": project_status(statuses),
                "status_note": "" if len(statuses) == 1 else "Lines differ in status; see data-quality note annex3-project-status.",
            }
            if project is None or not project.source_id:
                values.update(self.cited(first, where))
            project = self.upsert(Project, {"number": number}, values, where)
            for filename, record in members:
                self.load_allotment(project, filename, record)
        refresh_totals(Project.objects.filter(number__in=list(groups)))

    def load_allotment(self, project, filename, record):
        where = f"{filename} allotment row {record.get('line')}"
        _keys(record, ["country_iso", "status_label", "other_expenditure"],
              ["line", "number", "project", "year", "country", "region", "approach", "approach_label",
               "type_label", "type", "allotment", "status", "expenditure", "source"], where)
        other = record.get("other_expenditure") or {}
        self.upsert(Allotment, {"number": normalise_project_number(record["number"])}, {
            "project": project, "line": record["line"], "printed_number": record["number"],
            "year": record["year"], "country_label": record["country"],
            "region_label": record["region"], "approach_label": record["approach_label"],
            "project_type": record["type"], "type_label": record["type_label"],
            "status": record["status"], "status_label": record.get("status_label", record["status"]),
            "currency": "USD", "amount": _decimal(record["allotment"], where),
            "expenditure": _decimal(record["expenditure"], where),
            "other_expenditure": _decimal(other.get("amount"), where) or Decimal(0),
            "other_expenditure_label": other.get("label", ""),
            **self.cited(record, where),
        }, where)

    def load_themes(self, sections):
        for filename, record in sections["themes"]:
            where = f"{filename} theme {record.get('slug')}"
            _keys(record, [], ["slug", "name"], where)
            self.upsert(Theme, {"slug": record["slug"]}, {"name": record["name"]}, where)
        self.themes = {t.slug: t for t in Theme.objects.all()}

    def load_criteria(self, sections):
        for filename, record in sections["criteria"]:
            where = f"{filename} criterion {record.get('code')}"
            _keys(record, ["description"], ["code", "name", "source"], where)
            self.upsert(Criterion, {"code": record["code"]}, {
                "name": record["name"], "kind": Criterion.Kind.REPORT_SPECIFIC,
                "description": record.get("description", ""), **self.cited(record, where),
            }, where)
        self.criteria = {c.code: c for c in Criterion.objects.all()}

    def load_scales(self, sections):
        for filename, record in sections["rating_scales"]:
            where = f"{filename} rating scale {record.get('code')}"
            _keys(record, ["not_assessed_value", "levels"], ["code", "name", "min", "max", "best", "source"], where)
            if record["best"] not in ("high", "low"):
                raise FixtureError(f"{where}: best must be high or low")
            scale = self.upsert(RatingScale, {"code": record["code"]}, {
                "name": record["name"], "minimum": _decimal(record["min"], where),
                "maximum": _decimal(record["max"], where), "best_is_high": record["best"] == "high",
                "not_assessed_value": _decimal(record.get("not_assessed_value"), where),
                **self.cited(record, where),
            }, where)
            for level in record.get("levels", []):
                self.upsert(ScaleLevel, {"scale": scale, "value": _decimal(level["value"], where)},
                            {"label": level["label"]}, f"{where} level {level['value']}")
        self.scales = {s.code: s for s in RatingScale.objects.all()}

    def load_notes(self, sections):
        for filename, record in sections["data_quality_notes"]:
            where = f"{filename} note {record.get('code')}"
            _keys(record, [], ["code", "title", "text", "source"], where)
            self.upsert(DataQualityNote, {"evaluation": self.evaluation, "code": record["code"]}, {
                "title": record["title"][:300], "text": record["text"].strip(), **self.cited(record, where),
            }, where)
        self.notes = {n.code: n for n in self.evaluation.quality_notes.all()}

    def tags(self, record, where):
        return {
            "criteria": [self.one(self.criteria, c, "criterion", where) for c in record.get("criteria", [])],
            "themes": [self.one(self.themes, t, "theme", where) for t in record.get("themes", [])],
        }

    def load_findings(self, sections):
        for filename, record in sections["findings"]:
            where = f"{filename} finding {record.get('code')}"
            _keys(record, ["category", "criteria", "inferred_criteria", "themes", "countries", "evidence"],
                  ["code", "title", "text", "evidence_kind", "source"], where)
            m2m = self.tags(record, where)
            criteria = m2m.pop("criteria")
            inferred = [self.one(self.criteria, c, "criterion", where) for c in record.get("inferred_criteria", [])]
            if set(criteria) & set(inferred):
                raise FixtureError(f"{where}: a criterion is both named and inferred")
            m2m["countries"] = [self.country(c, where) for c in record.get("countries", [])]
            finding = self.upsert(Finding, {"evaluation": self.evaluation, "code": str(record["code"])}, {
                "category": record.get("category", Finding.Category.FINDING),
                "title": record["title"][:300], "text": record["text"].strip(),
                "evidence_kind": record["evidence_kind"], **self.cited(record, where),
            }, where, m2m=m2m)
            self.tag_criteria(finding, {c: False for c in criteria} | {c: True for c in inferred})
            seen = set()
            for item in record.get("evidence", []):
                ewhere = f"{where} evidence {item.get('indicator')!r}"
                _keys(item, ["base", "base_value", "source"], ["indicator", "value", "unit"], ewhere)
                if item["indicator"] in seen:
                    raise FixtureError(f"{ewhere}: the same indicator twice in one finding")
                seen.add(item["indicator"])
                citation = self.cited(item, ewhere) if "source" in item else self.cited(record, where)
                self.upsert(QuantitativeEvidence, {"finding": finding, "indicator": item["indicator"][:300]}, {
                    "value": _decimal(item["value"], ewhere), "unit": item["unit"],
                    "base": item.get("base", "") or "", "base_value": _decimal(item.get("base_value"), ewhere),
                    **citation,
                }, ewhere)
        self.findings = {f.code: f for f in self.evaluation.findings.all()}

    def tag_criteria(self, finding, wanted):
        """Set `finding`'s criterion tags to `wanted` ({criterion: inferred})."""
        stored = {tag.criterion: tag for tag in finding.criterion_tags.select_related("criterion")}
        if {c: t.inferred for c, t in stored.items()} == wanted:
            return
        finding.criterion_tags.exclude(criterion__in=list(wanted)).delete()
        for criterion, inferred in wanted.items():
            FindingCriterion.objects.update_or_create(finding=finding, criterion=criterion,
                                                      defaults={"inferred": inferred})
        if self.last_state == "unchanged":  # the finding itself was unchanged; its tags were not
            self.summary.unchanged -= 1
            self.summary.updated += 1

    def finding_list(self, codes, where):
        return [self.one(self.findings, str(code), "finding", where) for code in codes or []]

    def load_conclusions(self, sections):
        for filename, record in sections["conclusions"]:
            where = f"{filename} conclusion {record.get('number')}"
            _keys(record, ["findings"], ["number", "text", "source"], where)
            self.upsert(Conclusion, {"evaluation": self.evaluation, "number": record["number"]}, {
                "text": record["text"].strip(), **self.cited(record, where),
            }, where, m2m={"findings": self.finding_list(record.get("findings"), where)})
        self.conclusions = {c.number: c for c in self.evaluation.conclusions.all()}

    def load_recommendations(self, sections):
        for filename, record in sections["recommendations"]:
            where = f"{filename} recommendation {record.get('number')}"
            _keys(record, ["conclusion", "findings", "owners", "themes", "status", "due_date", "response"],
                  ["number", "text", "source"], where)
            owners = [ResponsibilityOwner.objects.get_or_create(name=name)[0] for name in record.get("owners", [])]
            conclusion = record.get("conclusion")
            values = {
                "text": record["text"].strip(),
                "conclusion": self.one(self.conclusions, conclusion, "conclusion", where) if conclusion else None,
                **self.cited(record, where),
            }
            follow_up = {"status": record.get("status", Recommendation.Status.OPEN), "due_date": record.get("due_date")}
            m2m = {"owners": owners, "findings": self.finding_list(record.get("findings"), where),
                   "themes": self.tags(record, where)["themes"]}
            try:
                recommendation, state = transcribe_recommendation(
                    evaluation=self.evaluation, number=record["number"], values=values, follow_up=follow_up, m2m=m2m)
            except ValidationError as error:
                raise FixtureError(f"{where}: {_describe(error)}") from None
            self.count(state)
            if record.get("response"):
                self.load_response(recommendation, record["response"], where)

    def load_response(self, recommendation, record, where):
        where = f"{where} response"
        _keys(record, ["text", "by", "date", "actions"], ["stance", "source"], where)
        response = self.upsert(ManagementResponse, {"recommendation": recommendation}, {
            "stance": record["stance"], "text": (record.get("text") or "").strip(),
            "responder": self.organisation(record["by"], where) if record.get("by") else None,
            "date": record.get("date"), **self.cited(record, where),
        }, where)
        for action in record.get("actions", []):
            awhere = f"{where} action"
            _keys(action, ["status"], ["description", "source"], awhere)
            self.upsert(Action, {"response": response, "description": action["description"].strip()}, {
                "status": action.get("status", Action.Status.PLANNED), **self.cited(action, awhere),
            }, awhere)

    def load_lessons(self, sections):
        for filename, record in sections["lessons"]:
            where = f"{filename} lesson {record.get('number')}"
            _keys(record, ["criteria", "themes"], ["number", "title", "text", "source"], where)
            self.upsert(Lesson, {"evaluation": self.evaluation, "number": record["number"]}, {
                "title": record["title"][:300], "text": record["text"].strip(), **self.cited(record, where),
            }, where, m2m=self.tags(record, where))

    def load_ratings(self, sections):
        for filename, record in sections["ratings"]:
            subject = record.get("subject") or {}
            where = f"{filename} rating {subject} {record.get('criterion')}"
            _keys(record, ["value", "not_assessed", "label", "justification", "supported_by"],
                  ["subject", "criterion", "scale", "source"], where)
            if len(subject) != 1:
                raise FixtureError(f"{where}: subject must be one of project, country, programme")
            (kind, key), = subject.items()
            lookup = {"evaluation": self.evaluation,
                      "criterion": self.one(self.criteria, record["criterion"], "criterion", where)}
            if kind == "project":
                lookup["project"] = self.one(
                    {p.number: p for p in Project.objects.filter(number=normalise_project_number(key))},
                    normalise_project_number(key), "project", where)
            elif kind == "country":
                lookup["country"] = self.country(key, where)
            elif kind == "programme":
                lookup["programme"] = self.one(self.programmes, key, "programme", where)
            else:
                raise FixtureError(f"{where}: subject must be one of project, country, programme")
            scale = self.one(self.scales, record["scale"], "rating scale", where)
            value = _decimal(record.get("value"), where)
            values = {
                "subject_kind": kind, "scale": scale, "value": value,
                "not_assessed": bool(record.get("not_assessed")) or scale.is_not_assessed_code(value),
                "label": record.get("label", ""), "justification": (record.get("justification") or "").strip(),
                **self.cited(record, where),
            }
            try:
                _, state = transcribe_rating(lookup=lookup, values=values,
                                             findings=self.finding_list(record.get("supported_by"), where))
            except ValidationError as error:
                raise FixtureError(f"{where}: {_describe(error)}") from None
            self.count(state)

    def load_comparisons(self, sections):
        for filename, record in sections["approach_comparisons"]:
            where = f"{filename} comparison {record.get('organisation')} / {record.get('aspect')}"
            _keys(record, [], ["organisation", "aspect", "text", "source"], where)
            self.upsert(ApproachComparison, {
                "evaluation": self.evaluation, "organisation": self.organisation(record["organisation"], where),
                "aspect": record["aspect"],
            }, {"text": str(record["text"]).strip(), **self.cited(record, where)}, where)

    def load_figures(self, sections):
        for filename, record in sections["published_figures"]:
            where = f"{filename} published figure {record.get('key')}"
            _keys(record, ["dimension", "group", "criterion", "printed", "explanation", "notes"],
                  ["key", "label", "measure", "value", "unit", "source"], where)
            criterion = record.get("criterion")
            self.upsert(PublishedFigure, {"evaluation": self.evaluation, "key": record["key"]}, {
                "label": record["label"], "measure": record["measure"],
                "dimension": record.get("dimension", ""), "group": str(record.get("group", "")),
                "criterion": self.one(self.criteria, criterion, "criterion", where) if criterion else None,
                "value": _decimal(record["value"], where), "printed_value": str(record.get("printed", "")),
                "unit": record["unit"], "explanation": (record.get("explanation") or "").strip(),
                **self.cited(record, where),
            }, where, m2m={"notes": [self.one(self.notes, code, "data-quality note", where)
                                     for code in record.get("notes", [])]})


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
