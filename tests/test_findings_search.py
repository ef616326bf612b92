"""The findings search (/findings/): full-text search, filters, pages and exports."""

import io
import re
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from findings.filters import EvidenceFilter
from findings.models import EvidenceKind, Finding, Lesson, QuantitativeEvidence, Recommendation
from findings.selectors import search_evidence
from reference.models import Country, Criterion, Theme

from .builders import make_evaluation, read_csv

pytestmark = pytest.mark.django_db

COLUMNS = ["type", "evaluation", "code", "title", "text", "criteria", "themes", "countries", "evidence_kind",
           "evidence", "source"]
_serial = count(1)


def search(**params):
    """Hits of `search_evidence()` for `q` and filter values given as they come in a URL."""
    query = params.pop("q", "")
    filters = EvidenceFilter(params)
    assert filters.is_valid(), filters.errors
    return list(search_evidence(query=query, filters=filters))


def add_evidence(evaluation, text):
    """A finding, a lesson and a recommendation of `evaluation` whose text is `text`."""
    n = next(_serial)
    finding = Finding.objects.create(evaluation=evaluation, code=f"T{n}", title=f"Test finding {n}", text=text,
                                     evidence_kind=EvidenceKind.SURVEY)
    finding.criteria.add(Criterion.objects.get(code="effectiveness"))
    finding.countries.add(Country.objects.get(iso2="PE"))
    finding.themes.add(Theme.objects.get(slug="certification"))
    QuantitativeEvidence.objects.create(finding=finding, indicator="Firms", value=n, unit="firms", base="all")
    lesson = Lesson.objects.create(evaluation=evaluation, number=n, title=f"Test lesson {n}", text=text)
    lesson.criteria.add(Criterion.objects.get(code="effectiveness"))
    recommendation = Recommendation.objects.create(evaluation=evaluation, number=n, text=text)
    recommendation.findings.add(finding)
    recommendation.themes.add(Theme.objects.get(slug="certification"))


def test_it_finds_the_peru_certification_evidence(client):
    response = client.get("/findings/", {"q": "certification"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skills certification increased labour productivity in the forestry sector" in page
    assert "ilo-peru-forestry-2021" in page
    # Quantitative evidence with value, unit and base, and the source citation.
    assert "43 % (base: 55 industrial carpenters certified in the original pilot" in page
    assert "003_5e40020f472ac1d9.txt" in page
    kinds = {(r.kind, r.evaluation.slug) for r in response.context["results"]}
    assert ("finding", "ilo-peru-forestry-2021") in kinds and ("lesson", "ilo-peru-forestry-2021") in kinds


def test_it_matches_every_word_of_the_query():
    certification = {(h["kind"], h["id"]) for h in search(q="certification")}
    both = {(h["kind"], h["id"]) for h in search(q="certification productivity")}
    assert both and both < certification
    assert search(q="certification zanzibar") == []


def test_an_evaluation_filter_narrows_the_results():
    everything = search()
    seco = search(evaluation="seco-smac-2019")
    assert 0 < len(seco) < len(everything)
    assert len(seco) == Finding.objects.filter(evaluation__slug="seco-smac-2019").count() + 3
    assert {h["evaluation_title"] for h in seco} == {"Independent Evaluation of SECO’s activities on SME Market "
                                                     "Access and Competitiveness"}


def test_a_criterion_filter_keeps_only_results_on_that_criterion(client):
    response = client.get("/findings/", {"criterion": "efficiency"})
    results = response.context["results"]
    expected = (Finding.objects.filter(criteria__code="efficiency").count()
                + Lesson.objects.filter(criteria__code="efficiency").count())
    assert response.context["page"].paginator.count == expected
    assert results and all("efficiency" in [c.code for c in r.criteria] for r in results)


def test_an_organisation_filter_covers_commissioners_and_participants():
    assert {h["evaluation_title"] for h in search(organisation="seco")} == {
        "Independent Evaluation of SECO’s activities on SME Market Access and Competitiveness"}
    giz = search(organisation="giz")  # a partner in the Peru case study
    assert giz and all(h["evaluation_title"].startswith("How market systems development") for h in giz)


def test_records_without_a_country_leave_the_results_when_a_country_is_chosen():
    hits = search(country="PE")
    assert {h["kind"] for h in hits} == {"finding"}
    assert len(hits) == Finding.objects.filter(countries__iso2="PE").count()


def test_theme_evidence_kind_and_type_filters():
    assert {h["kind"] for h in search(type="lesson")} == {"lesson"}
    survey = search(evidence_kind="survey", type="finding")
    assert len(survey) == Finding.objects.filter(evidence_kind="survey").count()
    certification = search(theme="certification")
    assert len(certification) == (Finding.objects.filter(themes__slug="certification").count()
                                  + Lesson.objects.filter(themes__slug="certification").count()
                                  + Recommendation.objects.filter(themes__slug="certification").count())


def test_recommendations_match_a_criterion_through_the_findings_they_answer():
    evaluation = make_evaluation()
    add_evidence(evaluation, "Zebra crossings were built.")
    hits = search(q="zebra", criterion="effectiveness")
    assert sorted(h["kind"] for h in hits) == ["finding", "lesson", "recommendation"]


@pytest.mark.parametrize("params, message", [
    ({"criterion": "beauty"}, "No criterion has the code “beauty”."),
    ({"evaluation": "no-such-report"}, "No evaluation has the slug “no-such-report”."),
    ({"country": "XX"}, "No country has the ISO code “XX”."),
    ({"type": "poem"}, "Result type: Select a valid choice."),
])
def test_a_bad_filter_value_is_a_message_not_an_error(client, params, message):
    response = client.get("/findings/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get("/findings/", {**params, "format": "csv"}).status_code == 400


def test_results_come_25_to_a_page(client):
    first = client.get("/findings/")
    assert len(first.context["results"]) == 25
    total = first.context["page"].paginator.count
    last = client.get("/findings/", {"page": first.context["page"].paginator.num_pages})
    assert len(last.context["results"]) == total - 25 * (last.context["page"].number - 1)
    assert client.get("/findings/", {"page": "nonsense"}).status_code == 200


def test_csv_export_has_the_stable_columns_and_exactly_the_filtered_rows(client):
    rows = read_csv(client.get("/findings/", {"q": "certification", "evaluation": "ilo-peru-forestry-2021",
                                              "format": "csv"}))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == len(search(q="certification", evaluation="ilo-peru-forestry-2021"))
    f02 = next(r for r in rows if r["type"] == "finding" and r["code"] == "F02")
    assert (f02["countries"], f02["evidence_kind"]) == ("PE", "Case study")
    assert "certification" in f02["themes"].split("; ")
    assert f02["source"].startswith("003_5e40020f472ac1d9.txt")


def test_xlsx_export_lists_the_filters_on_its_about_sheet(client):
    response = client.get("/findings/", {"criterion": "efficiency", "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = list(workbook["data"].values)
    assert list(data[0]) == COLUMNS
    assert len(data) - 1 == len(search(criterion="efficiency"))
    assert ("criterion", "efficiency") in [tuple(row[:2]) for row in workbook["about"].values]


def test_the_nav_marks_findings_as_the_current_page(client):
    page = client.get("/findings/").content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', page) == ["Findings"]


def test_search_queries_do_not_grow_with_rows(client):
    evaluation = make_evaluation()
    add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/findings/", {"q": "zebra"}).status_code == 200
    for _ in range(7):  # still one page, so every kind of record is on it before and after
        add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as after:
        response = client.get("/findings/", {"q": "zebra"})
    assert len(response.context["results"]) == 24
    assert len(after) == len(before) <= 25
    for _ in range(15):
        add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/findings/", {"q": "zebra", "page": 2}).status_code == 200
    assert len(many) <= len(before)


def test_export_queries_do_not_grow_with_rows(client):
    evaluation = make_evaluation()
    add_evidence(evaluation, "Zebra crossings were built.")

    def export():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get("/findings/", {"q": "zebra", "format": "csv"}))
        return rows, len(queries)

    rows, before = export()
    for _ in range(15):
        add_evidence(evaluation, "Zebra crossings were built.")
    more_rows, after = export()
    assert (len(rows), len(more_rows)) == (3, 48)
    assert after == before


def test_an_agency_includes_the_evaluations_its_units_commissioned(client):
    response = client.get("/findings/", {"organisation": "unido", "type": "finding"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == Finding.objects.filter(evaluation__slug="unido-cnd-2010").count()
