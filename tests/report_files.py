"""Builders for report files: small fixture directories in YAML, for the loader's tests.

Each function returns one valid record as a dict (cited where the format wants it); keyword
arguments override or add keys, and a key set to DROP is left out. `FixtureDirectory(tmp_path)`
writes reference data (a few countries, the regions and criteria of the real reference data) and
report files, and loads them. Slugs and codes start with "test-" so that they never meet the
transcribed reports.
"""

import csv

import yaml
from django.conf import settings

from reports.loading import load_fixtures

DROP = object()
DOCUMENT_FILE = "900_test_report.txt"
EVALUATION = "test-evaluation"
COUNTRIES = ("PE", "CO", "SN", "JM", "NO")


def _record(defaults, overrides):
    record = {**defaults, **overrides}
    return {key: value for key, value in record.items() if value is not DROP}


def source(section="Chapter 2", locator="paragraph 3 (line 40)"):
    return {"section": section, "locator": locator}


def _cited(defaults, overrides):
    return _record({**defaults, "source": source()}, overrides)


def document(**overrides):
    return _record({"file": DOCUMENT_FILE, "title": "A test evaluation report", "year": 2020}, overrides)


def organisation(slug="test-agency", **overrides):
    return _cited({"slug": slug, "name": f"Organisation {slug}", "kind": "agency"}, overrides)


def evaluation(slug=EVALUATION, **overrides):
    return _cited({"slug": slug, "title": "A test evaluation", "kind": "thematic_evaluation", "year": 2020,
                   "commissioner": "test-agency", "countries": ["PE"]}, overrides)


def participant(**overrides):
    return _cited({"organisation": "test-agency", "role": "commissioner"}, overrides)


def programme(slug="test-programme", **overrides):
    return _cited({"slug": slug, "name": "A test programme", "organisation": "test-agency"}, overrides)


def allotment(line=1, number="TESTPE01001", **overrides):
    return _cited({
        "line": line, "number": number, "project": number, "year": 2001, "country": "Peru", "country_iso": "PE",
        "region": "LA", "approach": "networking", "approach_label": "N", "type": "pilot_project",
        "type_label": "Pilot project", "allotment": "1000", "status": "closed", "expenditure": "900",
    }, overrides)


def project(number="TEST/CO/02/001", **overrides):
    return _cited({"number": number, "title": "A project named in the text", "programme": "test-programme"},
                  overrides)


def theme(slug="test-theme", **overrides):
    return _record({"slug": slug, "name": f"Theme {slug}"}, overrides)


def criterion(code="test-design", **overrides):
    return _cited({"code": code, "name": "Design"}, overrides)


def scale(code="test-scale", **overrides):
    return _cited({"code": code, "name": "A 1-4 scale", "min": "1", "max": "4", "best": "high",
                   "levels": [{"value": "1", "label": "Poor"}, {"value": "4", "label": "Very good"}]}, overrides)


def rating(**overrides):
    return _cited({"subject": {"country": "PE"}, "criterion": "relevance", "scale": "test-scale", "value": "3"},
                  overrides)


def finding(code="F01", **overrides):
    return _cited({"code": code, "title": f"Finding {code}", "text": "What the evaluators found.",
                   "evidence_kind": "field_evaluation", "criteria": ["relevance"]}, overrides)


def evidence(indicator="Carpenters reporting higher sales", **overrides):
    return _record({"indicator": indicator, "value": "43", "unit": "%"}, overrides)


def lesson(number=1, **overrides):
    return _cited({"number": number, "title": f"Lesson {number}", "text": "What was learned."}, overrides)


def conclusion(number=1, **overrides):
    return _cited({"number": number, "text": "What the evaluators conclude.", "findings": ["F01"]}, overrides)


def recommendation(number=1, **overrides):
    return _cited({"number": number, "text": "What should be done.", "owners": ["Test unit"]}, overrides)


def response(**overrides):
    return _cited({"stance": "agrees", "text": "Management agrees.", "by": "test-agency",
                   "actions": [_cited({"description": "A work plan was agreed."}, {})]}, overrides)


def comparison(**overrides):
    return _cited({"organisation": "test-agency", "aspect": "Geographical reach", "text": "Global"}, overrides)


def figure(key="test-projects", **overrides):
    return _cited({"key": key, "label": "Number of projects", "measure": "projects", "value": "1",
                   "printed": "1", "unit": "count"}, overrides)


def note(code="test-note", **overrides):
    return _cited({"code": code, "title": "How a table is read", "text": "The table is read row by row."},
                  overrides)


def report(**sections):
    """A whole report file: document, organisation and evaluation unless given, then `sections`."""
    sections.setdefault("organisations", [organisation()])
    return {"document": sections.pop("document", document()),
            "evaluation": sections.pop("evaluation", evaluation()), **sections}


class FixtureDirectory:
    """A fixtures directory under `root`: reference data, and report files written with `write`."""

    def __init__(self, root):
        self.root = root
        (root / "reference").mkdir(parents=True)
        (root / "reports").mkdir()
        self._write_reference()

    def write(self, content, name="test-report.yaml"):
        """Write `content` (a mapping, or text as it stands) as reports/`name`; return its path."""
        path = self.root / "reports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    def load(self):
        return load_fixtures(self.root)

    def _write_reference(self):
        """The real reference data, for a few countries only: loading it changes nothing."""
        real = settings.FIXTURES_DIR / "reference"
        with open(real / "countries.csv", newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if row["iso2"] in COUNTRIES]
        with open(self.root / "reference" / "countries.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["iso2", "iso3", "name"])
            writer.writeheader()
            writer.writerows(rows)
        (self.root / "reference" / "reference.yaml").write_text((real / "reference.yaml").read_text("utf-8"), "utf-8")
