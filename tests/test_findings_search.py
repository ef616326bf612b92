"""The findings search (/findings/): full-text search, filters, pages and exports."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from evaluations.models import Participation
from findings.filters import EvidenceFilter
from findings.selectors import search_evidence

from .builders import (
    cited,
    country,
    criterion,
    make_evaluation,
    make_evidence,
    make_finding,
    make_lesson,
    make_organisation,
    make_recommendation,
    make_source_document,
    make_theme,
    read_csv,
)
from .responses import read_xlsx

pytestmark = pytest.mark.django_db

COLUMNS = ["type", "evaluation", "code", "title", "text", "criteria", "themes", "countries", "evidence_kind",
           "evidence", "source"]


def search(**params):
    """Hits of `search_evidence()` for `q` and filter values given as they come in a URL."""
    query = params.pop("q", "")
    filters = EvidenceFilter(QueryDict(urlencode(params, doseq=True)))
    assert filters.is_valid(), filters.errors
    return list(search_evidence(query=query, filters=filters))


def found(hits):
    return {(h["kind"], h["id"]) for h in hits}


@pytest.fixture
def searched():
    """Two evaluations. `search-forestry`, by an agency with a partner taking part:
        F1 finding on effectiveness and efficiency, certification theme, Peru, case study, 43 % of 55
        F2 finding on relevance, Peru, survey
        L1 lesson on efficiency, certification theme
        R1 recommendation answering F1, certification theme
    `search-markets`, by another agency: F3 finding on efficiency, no country, survey; L2 lesson.
    """
    agency, partner = make_organisation(slug="search-agency"), make_organisation(slug="search-partner")
    forestry = make_evaluation(slug="search-forestry", title="Forestry skills", commissioner=agency)
    Participation.objects.create(evaluation=forestry, organisation=partner, role="partner")
    markets = make_evaluation(slug="search-markets", title="Market access", commissioner=make_organisation())
    theme = make_theme(slug="search-certification")
    f1 = make_finding(evaluation=forestry, code="F01", title="Skills certification increased labour productivity",
                      text="Certification of carpenters raised their productivity and their sales.",
                      criteria=[criterion("effectiveness"), criterion("efficiency")], themes=[theme],
                      countries=[country("PE")], evidence_kind="case_study",
                      **cited(make_source_document(file_name="search-source.txt"), "Chapter 4", "paragraph 2"))
    make_evidence(finding=f1, indicator="Carpenters reporting higher sales", base="55 industrial carpenters")
    f2 = make_finding(evaluation=forestry, code="F02", title="Training reached women",
                      text="Training reached women in the workshops.", criteria=[criterion("relevance")],
                      countries=[country("PE")], evidence_kind="survey")
    l1 = make_lesson(evaluation=forestry, title="Certification needs employers",
                     text="Certification works when employers recognise it.", criteria=[criterion("efficiency")],
                     themes=[theme])
    r1 = make_recommendation(evaluation=forestry, text="Extend certification to more regions.", findings=[f1],
                             themes=[theme])
    f3 = make_finding(evaluation=markets, code="F03", title="Market access grew",
                      text="Certification of exporters opened markets.", criteria=[criterion("efficiency")],
                      evidence_kind="survey")
    l2 = make_lesson(evaluation=markets, title="Exporters need buyers", text="Buyers matter more than fairs.")
    return {"F1": ("finding", f1.pk), "F2": ("finding", f2.pk), "L1": ("lesson", l1.pk),
            "R1": ("recommendation", r1.pk), "F3": ("finding", f3.pk), "L2": ("lesson", l2.pk)}


def test_it_finds_the_certification_evidence(client, searched):
    response = client.get("/findings/", {"q": "certification", "evaluation": "search-forestry"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skills certification increased labour productivity" in page
    assert "search-forestry" in page
    # Quantitative evidence with value, unit and base, and the source citation.
    assert "Carpenters reporting higher sales: 43 % (base: 55 industrial carpenters)" in page
    assert "search-source.txt, Chapter 4, paragraph 2" in page
    kinds = {r.kind for r in response.context["results"]}
    assert kinds == {"finding", "lesson", "recommendation"}


def test_it_matches_every_word_of_the_query(searched):
    for slug, expected in [("search-forestry", ("F1", "L1", "R1")), ("search-markets", ("F3",))]:
        assert found(search(q="certification", evaluation=slug)) == {searched[key] for key in expected}
    assert found(search(q="certification productivity", evaluation="search-forestry")) == {searched["F1"]}
    assert search(q="certification productivity zanzibar", evaluation="search-forestry") == []


def test_an_evaluation_filter_narrows_the_results(searched):
    forestry = search(evaluation="search-forestry")
    assert found(forestry) == {searched[key] for key in ("F1", "F2", "L1", "R1")}
    assert {h["evaluation_title"] for h in forestry} == {"Forestry skills"}
    assert found(search(evaluation="search-markets")) == {searched["F3"], searched["L2"]}


def test_a_criterion_filter_keeps_only_results_on_that_criterion(client, searched):
    response = client.get("/findings/", {"criterion": "efficiency", "evaluation": "search-forestry"})
    results = response.context["results"]
    assert response.context["page"].paginator.count == 3  # F1, L1, and R1 through F1
    assert {(r.kind, r.record.pk) for r in results} == {searched[key] for key in ("F1", "L1", "R1")}
    assert all("efficiency" in [c.code for c in r.criteria] for r in results)


def test_an_organisation_filter_covers_commissioners_and_participants(searched):
    forestry = {searched[key] for key in ("F1", "F2", "L1", "R1")}
    assert found(search(organisation="search-agency")) == forestry
    assert found(search(organisation="search-partner")) == forestry  # a partner in the evaluation


def test_records_without_a_country_leave_the_results_when_a_country_is_chosen(searched):
    # Lessons record no country; a recommendation has those of the findings it answers.
    assert found(search(country="PE", evaluation="search-forestry")) == {searched[key] for key in ("F1", "F2", "R1")}
    assert search(country="PE", evaluation="search-markets") == []


def test_theme_evidence_kind_and_type_filters(searched):
    assert found(search(type="lesson", evaluation="search-forestry")) == {searched["L1"]}
    assert found(search(evidence_kind="survey", type="finding", evaluation="search-forestry")) == {searched["F2"]}
    assert found(search(evidence_kind="case_study", evaluation="search-forestry")) == {searched["F1"], searched["R1"]}
    assert found(search(theme="search-certification")) == {searched[key] for key in ("F1", "L1", "R1")}


def add_evidence(evaluation, text):
    """A finding, a lesson and a recommendation of `evaluation` whose text is `text`."""
    finding = make_finding(evaluation=evaluation, text=text, evidence_kind="survey",
                           criteria=[criterion("effectiveness")], countries=[country("PE")],
                           themes=[make_theme()])
    make_evidence(finding=finding)
    make_lesson(evaluation=evaluation, text=text, criteria=[criterion("effectiveness")])
    make_recommendation(evaluation=evaluation, text=text, findings=[finding], themes=[make_theme()])


def test_recommendations_match_a_criterion_through_the_findings_they_answer():
    evaluation = make_evaluation()
    add_evidence(evaluation, "Zebra crossings were built.")
    hits = search(q="zebra", criterion="effectiveness", evaluation=evaluation.slug)
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
    evaluation = make_evaluation(slug="pages-check")
    for _ in range(30):
        make_finding(evaluation=evaluation)
    first = client.get("/findings/", {"evaluation": "pages-check"})
    assert len(first.context["results"]) == 25 and first.context["page"].paginator.count == 30
    last = client.get("/findings/", {"evaluation": "pages-check", "page": 2})
    assert len(last.context["results"]) == 5
    assert 'href="?evaluation=pages-check&amp;page=2" rel="next"' in first.content.decode()
    assert client.get("/findings/", {"evaluation": "pages-check", "page": "nonsense"}).status_code == 200


def test_csv_export_has_the_stable_columns_and_exactly_the_filtered_rows(client, searched):
    params = {"q": "certification", "evaluation": "search-forestry"}
    rows = read_csv(client.get("/findings/", params | {"format": "csv"}))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == len(search(**params)) == 3
    f01 = next(r for r in rows if r["type"] == "finding" and r["code"] == "F01")
    assert (f01["countries"], f01["evidence_kind"], f01["criteria"]) == (
        "PE", "Case study", "effectiveness; efficiency")
    assert f01["themes"].split("; ") == ["search-certification"]
    assert f01["evidence"] == "Carpenters reporting higher sales: 43 % (base: 55 industrial carpenters)"
    assert f01["source"] == "search-source.txt, Chapter 4, paragraph 2"


def test_xlsx_export_lists_the_filters_on_its_about_sheet(client, searched):
    params = {"criterion": "efficiency", "evaluation": "search-forestry"}
    response = client.get("/findings/", params | {"format": "xlsx"})
    data, about = read_xlsx(response)
    assert list(data[0]) == COLUMNS
    assert len(data) - 1 == len(search(**params)) == 3
    about = [row[:2] for row in about]
    assert ("criterion", "efficiency") in about and ("evaluation", "search-forestry") in about


def test_the_nav_marks_findings_as_the_current_page(client):
    page = client.get("/findings/").content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', page) == ["Findings"]


def test_search_queries_do_not_grow_with_rows(client):
    evaluation = make_evaluation()
    params = {"q": "zebra", "evaluation": evaluation.slug}
    add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/findings/", params).status_code == 200
    for _ in range(7):  # still one page, so every kind of record is on it before and after
        add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/findings/", params)
    assert len(response.context["results"]) == 24
    assert len(many) == len(few) <= 25
    for _ in range(15):
        add_evidence(evaluation, "Zebra crossings were built.")
    with CaptureQueriesContext(connection) as more:
        assert client.get("/findings/", params | {"page": 2}).status_code == 200
    assert len(more) <= len(few)


def test_export_queries_do_not_grow_with_rows(client):
    evaluation = make_evaluation()
    add_evidence(evaluation, "Zebra crossings were built.")

    def export():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get("/findings/", {"q": "zebra", "evaluation": evaluation.slug,
                                                      "format": "csv"}))
        return rows, len(queries)

    rows, few = export()
    for _ in range(15):
        add_evidence(evaluation, "Zebra crossings were built.")
    more_rows, many = export()
    assert (len(rows), len(more_rows)) == (3, 48)
    assert many == few


def test_an_agency_includes_the_evaluations_its_units_commissioned(client):
    agency = make_organisation(slug="search-parent-agency")
    evaluation = make_evaluation(commissioner=make_organisation(parent=agency))
    for _ in range(3):
        make_finding(evaluation=evaluation)
    make_finding()  # another agency's
    response = client.get("/findings/", {"organisation": "search-parent-agency", "type": "finding"})
    assert response.status_code == 200
    assert {r.record.evaluation for r in response.context["results"]} == {evaluation}
    assert response.context["page"].paginator.count == 3
