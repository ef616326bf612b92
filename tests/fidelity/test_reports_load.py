"""The four transcribed reports load as the format says: every record cited, from the four seed
files, and loading them again changes nothing."""

import pytest
from django.apps import apps
from django.conf import settings

from reference.models import Cited, Criterion, SourceDocument
from reports.loading import load_fixtures

pytestmark = pytest.mark.django_db

CITED_MODELS = [model for model in apps.get_models() if issubclass(model, Cited)]


def test_the_four_seed_files_are_the_sources():
    assert set(SourceDocument.objects.values_list("file_name", flat=True)) == {
        "000_4c5b16e3b75bb677.txt", "001_99813f98c4b26bd7.txt",
        "002_758aaa265197b92c.txt", "003_5e40020f472ac1d9.txt",
    }


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_every_transcribed_record_cites_its_source(model):
    records = model.objects.all()
    if model is Criterion:  # the six OECD-DAC criteria are reference data, not transcribed
        records = records.filter(kind=Criterion.Kind.REPORT_SPECIFIC)
    assert records.exists(), f"no {model.__name__} was transcribed"
    uncited = records.filter(source__isnull=True) | records.filter(source_section="")
    assert not uncited.exists(), list(uncited[:5])


def test_loading_twice_changes_nothing():
    summary = load_fixtures(settings.FIXTURES_DIR)
    assert (summary.created, summary.updated) == (0, 0)
    reports = list((settings.FIXTURES_DIR / "reports").rglob("*.yaml"))
    assert summary.files == 2 + len(reports)  # the two reference files and every report file
