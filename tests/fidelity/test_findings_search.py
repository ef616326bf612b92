"""The findings search over the four reports: the Peru certification evidence, and every filter's
results as the reports' own records count them."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from findings.filters import EvidenceFilter
from findings.models import Finding, Lesson, Recommendation
from findings.selectors import search_evidence

from ..builders import read_csv
from ..responses import read_xlsx

pytestmark = pytest.mark.django_db

SECO_TITLE = "Independent Evaluation of SECO’s activities on SME Market Access and Competitiveness"


def search(**params):
    query = params.pop("q", "")
    filters = EvidenceFilter(QueryDict(urlencode(params, doseq=True)))
    assert filters.is_valid(), filters.errors
    return list(search_evidence(query=query, filters=filters))


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


def test_certification_and_productivity_narrow_the_certification_results():
    certification = {(h["kind"], h["id"]) for h in search(q="certification")}
    both = {(h["kind"], h["id"]) for h in search(q="certification productivity")}
    assert both and both < certification
    assert search(q="certification zanzibar") == []


def test_the_seco_evaluation_filter():
    seco = search(evaluation="seco-smac-2019")
    assert 0 < len(seco) < len(search())
    assert len(seco) == Finding.objects.filter(evaluation__slug="seco-smac-2019").count() + 3
    assert {h["evaluation_title"] for h in seco} == {SECO_TITLE}


def test_the_efficiency_filter(client):
    response = client.get("/findings/", {"criterion": "efficiency"})
    expected = (Finding.objects.filter(criteria__code="efficiency").count()
                + Lesson.objects.filter(criteria__code="efficiency").count())
    assert response.context["page"].paginator.count == expected


def test_seco_as_commissioner_and_giz_as_partner():
    assert {h["evaluation_title"] for h in search(organisation="seco")} == {SECO_TITLE}
    giz = search(organisation="giz")  # a partner in the Peru case study
    assert giz and all(h["evaluation_title"].startswith("How market systems development") for h in giz)


def test_peru_is_recorded_on_findings_only():
    hits = search(country="PE")
    assert {h["kind"] for h in hits} == {"finding"}
    assert len(hits) == Finding.objects.filter(countries__iso2="PE").count()


def test_type_evidence_kind_and_theme_on_the_reports():
    assert {h["kind"] for h in search(type="lesson")} == {"lesson"}
    survey = search(evidence_kind="survey", type="finding")
    assert len(survey) == Finding.objects.filter(evidence_kind="survey").count()
    certification = search(theme="certification")
    assert len(certification) == (Finding.objects.filter(themes__slug="certification").count()
                                  + Lesson.objects.filter(themes__slug="certification").count()
                                  + Recommendation.objects.filter(themes__slug="certification").count())


def test_the_reports_results_come_25_to_a_page(client):
    first = client.get("/findings/")
    assert len(first.context["results"]) == 25
    total = first.context["page"].paginator.count
    last = client.get("/findings/", {"page": first.context["page"].paginator.num_pages})
    assert len(last.context["results"]) == total - 25 * (last.context["page"].number - 1)


def test_the_peru_csv_export(client):
    rows = read_csv(client.get("/findings/", {"q": "certification", "evaluation": "ilo-peru-forestry-2021",
                                              "format": "csv"}))
    assert len(rows) == len(search(q="certification", evaluation="ilo-peru-forestry-2021"))
    f02 = next(r for r in rows if r["type"] == "finding" and r["code"] == "F02")
    assert (f02["countries"], f02["evidence_kind"]) == ("PE", "Case study")
    assert "certification" in f02["themes"].split("; ")
    assert f02["source"].startswith("003_5e40020f472ac1d9.txt")


def test_the_efficiency_xlsx_export(client):
    response = client.get("/findings/", {"criterion": "efficiency", "format": "xlsx"})
    data, _ = read_xlsx(response)
    assert len(data) - 1 == len(search(criterion="efficiency"))


def test_unido_includes_the_evaluation_its_evaluation_group_commissioned(client):
    response = client.get("/findings/", {"organisation": "unido", "type": "finding"})
    assert response.context["page"].paginator.count == Finding.objects.filter(
        evaluation__slug="unido-cnd-2010").count()
