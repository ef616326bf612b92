"""Reading the fixture files: parse them, check every record against the schema, merge the files of
each report. Nothing here touches the database, so a file that breaks a rule stops the load before
anything is written.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field

import yaml

from .fields import FixtureError
from .schema import COUNTRY_ROW, DOCUMENT, EVALUATION, REFERENCE_SECTIONS, REPORT_SECTIONS, SECTIONS


@dataclass
class Report:
    """All files of one evaluation, merged: each section's records, checked, in file order."""

    slug: str
    files: list = field(default_factory=list)
    document: dict = None
    evaluation: dict = None
    sections: dict = field(default_factory=lambda: defaultdict(list))


@dataclass
class Reference:
    countries: list
    sections: dict


def read_reference(directory):
    """countries.csv and reference.yaml under `directory`, checked."""
    path = directory / "countries.csv"
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise FixtureError(f"{path.name}: cannot be read: {error.strerror}") from None
    countries = [COUNTRY_ROW.check(row, COUNTRY_ROW.where_in(path.name, row, index)) for index, row in enumerate(rows)]
    COUNTRY_ROW.refuse_repeats(countries)
    path = directory / "reference.yaml"
    data = read_yaml(path)
    names = {section.name for section in REFERENCE_SECTIONS}
    if unknown := set(data) - names:
        raise FixtureError(f"{path.name}: unknown section {_listed(unknown)} (allowed: {_listed(names)})")
    sections = {section.name: _records(section, data.get(section.name) or [], path.name)
                for section in REFERENCE_SECTIONS}
    return Reference(countries, sections)


def read_reports(directory):
    """Every report under `directory` (one file, or a folder of files, per evaluation), checked and merged."""
    paths = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*/*.yaml"))
    reports = {}
    for path in paths:
        _merge(reports, path.name, read_yaml(path))
    for report in reports.values():
        if report.evaluation is None:
            raise FixtureError(f"{', '.join(report.files)}: evaluation {report.slug} is never defined "
                               "(one of its files needs `evaluation:` as a mapping)")
    _refuse_repeats(list(reports.values()))
    return list(reports.values())


def _refuse_repeats(reports):
    """A record is given once per report; one of a shared section may recur, the same way, anywhere."""
    for section in REPORT_SECTIONS:
        if not section.many:
            continue
        if section.shared:
            records = [record for report in reports for record in report.sections[section.name]]
            section.record.refuse_repeats(records, same_allowed=True)
        else:
            for report in reports:
                section.record.refuse_repeats(report.sections[section.name])


def read_yaml(path):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FixtureError(f"{path.name}: cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise FixtureError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise FixtureError(f"{path.name}: expected a mapping of sections")
    return data


def _merge(reports, filename, data):
    """Check one report file and add its records to its report in `reports` (by evaluation slug)."""
    if unknown := set(data) - set(SECTIONS):
        raise FixtureError(f"{filename}: unknown section {_listed(unknown)} (allowed: {_listed(SECTIONS)})")
    evaluation = data.get("evaluation")
    if isinstance(evaluation, dict):
        slug = str(evaluation.get("slug"))
    elif isinstance(evaluation, str) and evaluation:
        slug = evaluation
    else:
        raise FixtureError(f"{filename}: needs `evaluation:` (a mapping, or the slug of an evaluation defined "
                           "in another file)")
    report = reports.setdefault(slug, Report(slug=slug))
    report.files.append(filename)
    if isinstance(evaluation, dict):
        _define(report, filename, data)
    elif "document" in data:
        raise FixtureError(f"{filename}: `document:` belongs in the file that defines the evaluation")
    for name, records in data.items():
        if name not in ("document", "evaluation"):
            report.sections[name].extend(_records(SECTIONS[name], records, filename))


def _define(report, filename, data):
    if report.evaluation is not None:
        raise FixtureError(f"{filename}: evaluation {report.slug} is defined twice")
    if "document" not in data:
        raise FixtureError(f"{filename}: the file that defines an evaluation needs `document:`")
    report.document = DOCUMENT.record.check(data["document"], f"{filename} document")
    record = EVALUATION.record
    report.evaluation = record.check(data["evaluation"], record.where_in(filename, data["evaluation"]))


def _records(section, records, filename):
    if not isinstance(records, list):
        raise FixtureError(f"{filename}: `{section.name}` must be a list of records")
    record = section.record
    return [record.check(raw, record.where_in(filename, raw, index)) for index, raw in enumerate(records)]


def _listed(names):
    return ", ".join(f"`{name}`" for name in sorted(names))
