"""The findings list as a person uses it: search that finds what they mean (other forms of a word,
phrases, tag names, highlighted snippets, a hint to filter instead), facets with counts, chips, JSON."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import Finding

from .builders import (
    country,
    criterion,
    make_evaluation,
    make_finding,
    make_lesson,
    make_recommendation,
    make_theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence():
    """One evaluation: a Peru finding on certification (its title says "certified" only in the text),
    a Bolivia finding, a lesson, and a recommendation answering the Peru finding."""
    evaluation = make_evaluation(slug="listing-forestry", title="Forestry skills")
    theme = make_theme(slug="listing-skills", name="Vocational skills")
    peru = make_finding(evaluation=evaluation, code="F01", title="Carpenters gained recognised skills",
                        text="Carpenters were certified by the national agency; sales rose afterwards.",
                        criteria=[criterion("effectiveness")], themes=[theme], countries=[country("PE")],
                        evidence_kind="case_study")
    bolivia = make_finding(evaluation=evaluation, code="F02", title="Certification of skills was slow",
                           text="Skills certification took two years in the pilot workshops.",
                           criteria=[criterion("efficiency")], countries=[country("BO")], evidence_kind="survey")
    lesson = make_lesson(evaluation=evaluation, title="Employers matter",
                         text="A certificate counts when employers recognise it.", criteria=[criterion("efficiency")])
    recommendation = make_recommendation(evaluation=evaluation, text="Extend the certification scheme to Cusco.",
                                         findings=[peru], themes=[theme])
    return {"peru": peru, "bolivia": bolivia, "lesson": lesson, "recommendation": recommendation}


def listed(client, **params):
    response = client.get("/findings/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def records(response):
    return {(r.kind, r.record.pk) for r in response.context["results"]}


def key(record):
    return (record._meta.model_name, record.pk)


def test_a_word_finds_its_other_forms(client, evidence):
    # "certified" finds "certification" and the reverse, as a person means it.
    for word in ("certified", "certification", "certifying"):
        found = records(listed(client, q=word))
        assert {key(evidence["peru"]), key(evidence["bolivia"]), key(evidence["recommendation"])} <= found, word


def test_a_quoted_phrase_finds_those_words_together(client, evidence):
    assert records(listed(client, q='"skills certification"')) == {key(evidence["bolivia"])}
    # The same words unquoted also find the records holding them apart.
    assert key(evidence["peru"]) not in records(listed(client, q='"certified skills"'))


def test_a_country_named_in_the_search_finds_the_records_tagged_with_it(client, evidence):
    # Peru is in no text: the Peru finding is found by its tag (and its skills theme, certified text).
    assert records(listed(client, q="skills certification Peru")) == {key(evidence["peru"])}
    # The recommendation answering it is tagged Peru through that finding.
    assert key(evidence["recommendation"]) in records(listed(client, q="certification Peru"))


def test_the_page_offers_to_filter_by_a_tag_named_in_the_search(client, evidence):
    response = listed(client, q="certification Peru")
    html = response.content.decode()
    assert 'Peru is a country: <a href="?q=certification&amp;country=PE">filter by it?</a>' in html
    filtered = listed(client, q="certification", country="PE")
    assert records(filtered) == {key(evidence["peru"]), key(evidence["recommendation"])}


def test_snippets_mark_the_matched_words_and_escape_the_rest(client, evidence):
    make_finding(evaluation=evidence["peru"].evaluation, text="<script>alert(1)</script> certified <b>twice</b>")
    html = listed(client, q="certification").content.decode()
    assert "Carpenters were <mark>certified</mark> by the national agency" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>certified</mark> &lt;b&gt;twice&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html


def test_results_are_ranked_by_relevance_when_searching(client, evidence):
    # "skills" in the title and twice in the text beats a single mention.
    results = listed(client, q="skills").context["results"]
    assert results[0].record == evidence["bolivia"]
    by_evaluation = listed(client, q="skills", sort="evaluation").context["results"]
    assert {r.record.pk for r in by_evaluation} == {r.record.pk for r in results}
    assert client.get("/findings/", {"sort": "colour"}).status_code == 400


@pytest.mark.parametrize("query", [
    '"unbalanced', 'a AND OR NOT', "NEAR(a b)", "title:x", "*", "(((", "-", "'; DROP TABLE x; --", "^x", '""',
    "a" * 500, "café œuvre", "C++ & |!<->:*",
])
def test_any_query_gets_an_answer(client, evidence, query):
    assert client.get("/findings/", {"q": query}).status_code == 200
    assert client.get("/findings/", {"q": query, "format": "json"}).status_code == 200


def test_facet_counts_equal_the_rows_listed(client, evidence):
    response = listed(client, q="certification")
    facets = {counts.facet.name: counts for counts in response.context["facets"]}
    total = response.context["page"].paginator.count
    assert total == len(response.context["results"])
    kinds = {value.value: value.count for value in facets["type"].values}
    assert sum(kinds.values()) == total
    for counts in facets.values():
        for value in counts.values:
            chosen = listed(client, q="certification", **{counts.facet.name: value.value})
            assert chosen.context["page"].paginator.count == value.count, (counts.facet.name, value.value)
    # Only the countries present, with counts: Peru (its finding and the recommendation), Bolivia.
    assert {(v.label, v.count) for v in facets["country"].values} == {("Peru", 2), ("Bolivia", 1)}


def test_facets_take_several_values_and_each_makes_a_removable_chip(client, evidence):
    response = listed(client, country=["PE", "BO"], type="finding")
    assert records(response) == {key(evidence["peru"]), key(evidence["bolivia"])}
    html = response.content.decode()
    chips = re.findall(r'<a href="([^"]*)" aria-label="Remove the filter ([^"]*)"', html)
    assert ("?country=BO&amp;type=finding", "Country: Peru") in chips
    assert ("?country=PE&amp;country=BO", "Kind of record: Finding") in chips


def test_json_lists_the_same_rows_with_the_count(client, evidence):
    data = listed(client, q="certification", format="json").json()
    page = listed(client, q="certification")
    assert data["count"] == page.context["page"].paginator.count
    assert [(row["type"], row["id"]) for row in data["rows"]] == [
        (r.kind, r.record.pk) for r in page.context["results"]]
    assert any("<mark>" in row["snippet"] for row in data["rows"])


def test_the_index_follows_every_change(client, evidence):
    peru = evidence["peru"]
    Finding.objects.filter(pk=peru.pk).update(text="Joinery apprentices were assessed.")
    assert key(peru) not in records(listed(client, q="certified"))
    assert key(peru) in records(listed(client, q="apprentice"))
    evidence["bolivia"].delete()
    assert not listed(client, q='"skills certification"').context["results"]


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/findings/", params).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_findings(client, evidence):
    params = {"q": "certification Peru", "criterion": "effectiveness"}
    few = _queries(client, params)
    for n in range(30):
        make_finding(evaluation=evidence["peru"].evaluation, text=f"Certified group {n}.",
                     criteria=[criterion("effectiveness")], countries=[country("PE")], themes=[make_theme()])
    # At most as many: a page holding fewer kinds of record loads fewer.
    assert _queries(client, params) <= few <= 22


def test_a_chosen_value_keeps_its_label_and_count_beyond_the_largest_listed(client):
    evaluation = make_evaluation()
    for iso2 in ("AR", "BR", "CL", "CO", "EC", "GY", "MX", "PY", "SR", "UY", "VE", "CR", "GT"):
        for _ in range(2):
            make_finding(evaluation=evaluation, countries=[country(iso2)])
    make_finding(evaluation=evaluation, countries=[country("PE")])
    response = listed(client, country="PE")
    facet = next(counts for counts in response.context["facets"] if counts.facet.name == "country")
    assert [(v.label, v.count, v.selected) for v in facet.values if v.selected] == [("Peru", 1, True)]
    assert "Country: Peru" in response.content.decode()


def test_the_database_keeps_the_index_itself():
    """Every write path (forms, admin, imports, raw SQL) keeps the index: a generated column on
    PostgreSQL, triggers on SQLite (put back after migrate if a migration rebuilt a table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'search_vector' "
                           "AND is_generated = 'ALWAYS'")
            assert {row[0] for row in cursor.fetchall()} >= {
                "findings_finding", "findings_lesson", "findings_recommendation"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'findings_%_fts_%'")
            assert len(cursor.fetchall()) == 9
