"""A load: read and check every file, then write everything in one transaction.

A file that breaks a rule of the schema stops the load before the database is touched; a record
the database refuses (unknown reference, a model's rule) rolls the whole load back. Every record
is matched on its natural key, so loading twice changes nothing.
"""

from pathlib import Path

from django.db import transaction

from . import evaluation, figures, findings, portfolio, ratings, recommendations, vocabularies
from .context import Load
from .files import read_reference, read_reports
from .organisations import load_documents, load_organisations
from .reference import load_reference_data

# The sections of a report in the order they are written: each after those it refers to.
REPORT_STEPS = (
    ("programmes", portfolio.load_programmes),
    ("allotments", portfolio.load_allotments),
    ("projects", portfolio.load_projects),
    ("themes", vocabularies.load_themes),
    ("criteria", vocabularies.load_criteria),
    ("rating_scales", vocabularies.load_scales),
    ("data_quality_notes", evaluation.load_notes),
    ("findings", findings.load_findings),
    ("conclusions", findings.load_conclusions),
    ("recommendations", recommendations.load_recommendations),
    ("lessons", findings.load_lessons),
    ("ratings", ratings.load_ratings),
    ("approach_comparisons", findings.load_comparisons),
    ("published_figures", figures.load_figures),
)


def load_fixtures(directory):
    """Load reference data and every report under `directory`; return a LoadSummary."""
    directory = Path(directory)
    reference = read_reference(directory / "reference")
    reports = read_reports(directory / "reports")
    load = Load()
    with transaction.atomic():
        load_reference_data(load, reference)
        documents = load_documents(load, reports)
        load_organisations(load, reports, documents)
        for report in reports:
            load.document = documents[report.slug]
            _load_report(load, report)
    load.summary.files = 2 + sum(len(report.files) for report in reports)
    return load.summary


def load_reference(directory):
    """Load only the reference data (countries, regions, OECD-DAC criteria) under `directory`."""
    reference = read_reference(Path(directory) / "reference")
    load = Load()
    with transaction.atomic():
        load_reference_data(load, reference)
    load.summary.files = 2
    return load.summary


def _load_report(load, report):
    load.evaluation = evaluation.load_evaluation(load, report)
    for section, step in REPORT_STEPS:
        step(load, report.sections[section])



