"""Every transcribed record cites its source; loading is all-or-nothing and repeatable."""

import shutil

import pytest
from django.apps import apps
from django.conf import settings

from findings.models import FindingCriterion
from projects.models import Allotment
from reference.models import Cited, Criterion, SourceDocument
from reports.loading import FixtureError, load_fixtures

pytestmark = pytest.mark.django_db

CITED_MODELS = [m for m in apps.get_models() if issubclass(m, Cited)]


def test_the_four_seed_files_are_the_sources():
    assert set(SourceDocument.objects.values_list("file_name", flat=True)) == {
        "000_4c5b16e3b75bb677.txt", "001_99813f98c4b26bd7.txt",
        "002_758aaa265197b92c.txt", "003_5e40020f472ac1d9.txt",
    }


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda m: m.__name__)
def test_every_transcribed_record_has_a_source_citation(model):
    records = model.objects.all()
    if model is Criterion:  # the six OECD-DAC criteria are reference data, not transcribed
        records = records.filter(kind=Criterion.Kind.REPORT_SPECIFIC)
    assert records.exists(), f"no {model.__name__} was transcribed"
    uncited = records.filter(source__isnull=True) | records.filter(source_section="")
    assert not uncited.exists(), list(uncited[:5])


def test_loading_twice_changes_nothing():
    summary = load_fixtures(settings.FIXTURES_DIR)
    assert (summary.created, summary.updated) == (0, 0)


@pytest.fixture
def broken_fixtures(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(settings.FIXTURES_DIR, target)
    return target


def test_a_bad_record_stops_the_load_and_writes_nothing(broken_fixtures):
    annex = broken_fixtures / "reports" / "unido-cnd-2010" / "30-portfolio.yaml"
    text = annex.read_text()
    # Change a valid line early in the load, then break one later: the first must not stick.
    text = text.replace("allotment: '33769'", "allotment: '99999'")
    text = text.replace("allotment: '40642'", "allotment: '-40642'")
    annex.write_text(text)
    with pytest.raises(FixtureError, match="row 77.*Money cannot be negative"):
        load_fixtures(broken_fixtures)
    assert Allotment.objects.get(number="NTJAM94002").amount == 33769


def test_an_unknown_country_is_named(broken_fixtures):
    seco = broken_fixtures / "reports" / "seco-smac-2019.yaml"
    seco.write_text(seco.read_text().replace("countries: [", "countries: [XX, ", 1))
    with pytest.raises(FixtureError, match="unknown country code 'XX'"):
        load_fixtures(broken_fixtures)


def test_an_inferred_criterion_is_kept_as_inferred_and_shown_so(broken_fixtures, client):
    peru = broken_fixtures / "reports" / "ilo-peru-forestry-2021.yaml"
    text = peru.read_text()
    first = text.index("\nfindings:\n")
    code_line = text.index("- code:", first)
    peru.write_text(text[:code_line] + "- inferred_criteria: [effectiveness]\n    " + text[code_line + 2:])
    summary = load_fixtures(broken_fixtures)
    assert summary.updated == 1
    tag = FindingCriterion.objects.get(finding__evaluation__slug="ilo-peru-forestry-2021", finding__code="F01",
                                       inferred=True)
    assert tag.criterion.code == "effectiveness"
    page = client.get(tag.finding.get_absolute_url()).content.decode()
    assert "Effectiveness <span" in page and "(inferred)" in page
