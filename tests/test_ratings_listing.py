"""The ratings as a list people refine: facets with counts, several values of a facet, chips, sortable
columns, pages, JSON, the matrix aggregated when a selection is too large to read by subject, an
evaluation without ratings, and a fixed number of queries whatever the number of ratings."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratings import selectors, views

from .builders import (
    country,
    criterion,
    make_evaluation,
    make_organisation,
    make_programme,
    make_project,
    make_rating,
    make_scale,
)
from .responses import table, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated():
    """`list-a` rates three countries on relevance and impact (1-4, 4 best, 0 = not assessed);
    `list-b` rates two projects on relevance (1-4, 1 best); `list-none` publishes no ratings."""
    a = make_evaluation(slug="list-a", title="Alpha evaluation", commissioner=make_organisation(name="Alpha agency"),
                        countries=[country(c) for c in ("CO", "IN", "SN")])
    scale_a = make_scale(code="list-scale-a", name="Alpha scale", not_assessed_value=Decimal("0"))
    for iso2, relevance, impact in [("CO", "4", "0"), ("IN", "3", "2"), ("SN", "1", "3")]:
        for code, value in [("relevance", relevance), ("impact", impact)]:
            make_rating(evaluation=a, scale=scale_a, country=country(iso2), criterion=criterion(code),
                        value=Decimal(value), not_assessed=value == "0")
    b = make_evaluation(slug="list-b", title="Beta evaluation", commissioner=make_organisation(name="Beta agency"))
    scale_b = make_scale(code="list-scale-b", name="Beta scale", best_is_high=False)
    programme = make_programme(evaluations=[b])
    for value in ("1", "2"):
        make_rating(evaluation=b, scale=scale_b, project=make_project(programme=programme, lines=0),
                    criterion=criterion("relevance"), value=Decimal(value))
    make_evaluation(slug="list-none", title="Gamma evaluation without ratings")
    return {"a": a, "b": b, "scale_a": scale_a, "programme": programme}


def facet(response, name):
    """{label: (count, selected)} of one facet as the page lists it."""
    counts = next(f for f in response.context["facets"] if f.facet.name == name)
    return {value.label: (value.count, value.selected) for value in counts.values}


def rows_of(response):
    """The list's rows as the page shows them, each {column head: cell text}."""
    if not response.context["page"].paginator.count:
        return []
    head, *rows = table_rows(response, "rating-list")
    head = [name.rstrip(" ▲▼") for name in head]
    return [dict(zip(head, row)) for row in rows]


def listed(response):
    """(evaluation, subject, criterion, raw value) of each row listed."""
    return [(r["Evaluation"], r["Subject"], r["Criterion"], r["Raw value"]) for r in rows_of(response)]


def test_facet_counts_equal_the_rows_then_listed(client, rated):
    response = client.get("/ratings/")
    assert facet(response, "evaluation") == {"Alpha evaluation": (6, False), "Beta evaluation": (2, False)}
    assert facet(response, "assessed") == {"Assessed: a score": (7, False), "Not assessed": (1, False)}
    assert facet(response, "subject_kind") == {"Country portfolio": (6, False), "Project": (2, False)}
    for counts in response.context["facets"]:
        for value in counts.values:
            followed = client.get("/ratings/" + value.url)
            assert followed.status_code == 200
            assert followed.context["page"].paginator.count == value.count, (counts.facet.name, value.label)
            assert len(rows_of(followed)) == value.count, (counts.facet.name, value.label)


def test_a_facet_counts_for_the_other_filters_so_a_second_value_widens_the_list(client, rated):
    response = client.get("/ratings/", {"evaluation": "list-a"})
    assert response.context["page"].paginator.count == 6
    # Evaluation still offers Beta with its count; criterion counts only Alpha's ratings.
    assert facet(response, "evaluation") == {"Alpha evaluation": (6, True), "Beta evaluation": (2, False)}
    assert facet(response, "criterion") == {"Relevance": (3, False), "Impact": (3, False)}
    both = client.get("/ratings/", {"evaluation": ["list-a", "list-b"]})
    assert both.context["page"].paginator.count == 8
    relevance = client.get("/ratings/", {"evaluation": ["list-a", "list-b"], "criterion": "relevance"})
    assert {row[2] for row in listed(relevance)} == {"Relevance"} and len(listed(relevance)) == 5


def test_a_chip_per_filter_value_removes_just_that_value(client, rated):
    response = client.get("/ratings/", {"evaluation": ["list-a", "list-b"], "criterion": "relevance"})
    chips = {chip.label: chip.url for chip in response.context["chips"]}
    assert set(chips) == {"Evaluation: Alpha evaluation", "Evaluation: Beta evaluation", "Criterion: Relevance"}
    without_beta = client.get("/ratings/" + chips["Evaluation: Beta evaluation"])
    assert [row[:3] for row in listed(without_beta)] == [
        ("list-a", f"Country portfolio: {name}", "Relevance") for name in ("Colombia", "India", "Senegal")]
    assert "Remove the filter Criterion: Relevance" in response.content.decode()


@pytest.mark.parametrize("sort, expected", [
    ("value", ["1", "2", "3", "3", "4", "not assessed"]),
    ("-value", ["4", "3", "3", "2", "1", "not assessed"]),  # "not assessed" last either way
])
def test_a_column_head_sorts_the_rows(client, rated, sort, expected):
    response = client.get("/ratings/", {"evaluation": "list-a", "sort": sort})
    assert [row[3] for row in listed(response)] == expected


def test_sorting_by_the_normalised_value_compares_across_scales(client, rated):
    response = client.get("/ratings/", {"criterion": "relevance", "sort": "-normalised"})
    # Beta's 1 is its best end (100), Alpha's 4 too; then Alpha 3 (66.7) and Beta 2 (66.7), Alpha 1 (0).
    values = [r["Normalised (0–100)"] for r in rows_of(response)]
    assert values == ["100.0", "100.0", "66.7", "66.7", "0.0"]
    heads = client.get("/ratings/", {"sort": "subject"}).content.decode()
    assert "Subject ▲" in heads and "?sort=-subject" in heads


def test_json_has_the_same_rows_and_filters_with_the_count(client, rated):
    data = json.loads(client.get("/ratings/", {"evaluation": "list-a", "criterion": "impact",
                                               "format": "json"}).content)
    assert data["count"] == 3 and data["pages"] == 1
    assert list(data["rows"][0]) == views.RATING_COLUMNS
    assert sorted((r["subject"], r["raw_value"], r["not_assessed"]) for r in data["rows"]) == [
        ("Colombia", "0", "yes"), ("India", "2", "no"), ("Senegal", "3", "no")]


def test_pages_hold_the_page_size_and_say_how_many(client, rated, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    first = client.get("/ratings/")
    assert len(rows_of(first)) == 3 and "Page 1 of 3" in first.content.decode()
    seen = [row for n in (1, 2, 3) for row in listed(client.get("/ratings/", {"page": n}))]
    assert len(seen) == len(set(seen)) == 8
    data = json.loads(client.get("/ratings/", {"format": "json", "page": 3}).content)
    assert (data["count"], data["page"], len(data["rows"]), data["next"]) == (8, 3, 2, None)


def test_an_evaluation_without_ratings_says_so_and_links_to_its_findings(client, rated):
    response = client.get("/ratings/", {"evaluation": "list-none"})
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "Gamma evaluation without ratings</a> publishes no ratings." in html
    assert 'href="/findings/?evaluation=list-none"' in html
    assert response.context["page"].paginator.count == 0
    # Chosen with an evaluation that has ratings, its ratings are listed and the other is named.
    mixed = client.get("/ratings/", {"evaluation": ["list-none", "list-a"]})
    assert mixed.context["page"].paginator.count == 6


def test_a_large_selection_shows_averages_per_evaluation_and_criterion(client, rated, monkeypatch):
    monkeypatch.setattr(selectors, "MATRIX_RATINGS", 4)
    response = client.get("/ratings/")
    assert response.context["matrices"] == []
    html = " ".join(response.content.decode().split())
    assert "too many to read subject by subject" in html and 'href="#refine"' in html
    averages = table(response, "aggregated-matrix")
    # Alpha's impact: n/a, 2 (33.3) and 3 (66.7): "not assessed" is left out, never 0.
    alpha = averages["Alpha agency 2020"]
    assert alpha["Impact"] == "50.0 2 of 3"
    assert alpha["Relevance"] == "55.6 3 of 3"  # 100, 66.7, 0


def test_one_evaluation_of_few_subjects_draws_its_matrix_by_subject(client, rated):
    response = client.get("/ratings/", {"evaluation": "list-a"})
    matrix = table(response, "matrix-table-list-a")
    assert list(matrix) == ["Colombia", "India", "Senegal"]
    assert matrix["Colombia"] == {"Relevance": "4", "Impact": "n/a"}
    assert response.context["aggregated"] is None


@pytest.mark.parametrize("filters, message", [
    ({"evaluation": "nope"}, "Unknown evaluation “nope”."),
    ({"criterion": "colour"}, "Unknown criterion “colour”."),
    ({"scale": "nope"}, "Unknown scale “nope”."),
    ({"subject_kind": "planet"}, "Unknown subject kind “planet”."),
    ({"assessed": "maybe"}, "Unknown value for assessed “maybe”."),
    ({"sort": "colour"}, "Sort by"),
])
def test_a_bad_filter_value_is_a_400_with_a_message(client, rated, filters, message):
    for extra in ({}, {"format": "json"}, {"format": "csv"}):
        response = client.get("/ratings/", {**filters, **extra})
        assert response.status_code == 400
        assert message in response.content.decode()


def _add_ratings(rated, n):
    """n more projects of Beta's programme, each rated on relevance and impact."""
    for _ in range(n):
        project = make_project(programme=rated["programme"], lines=0)
        for code in ("relevance", "impact"):
            make_rating(evaluation=rated["b"], scale=rated["scale_a"], project=project, criterion=criterion(code),
                        value=Decimal("2"))


def _queries(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


QUERIES = [{}, {"evaluation": "list-b"}, {"evaluation": ["list-a", "list-b"], "criterion": "relevance"},
           {"sort": "-normalised"}, {"sort": "subject", "assessed": "yes"}, {"format": "json"}]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("matrix_ratings", [selectors.MATRIX_RATINGS, 1])  # by subject, then aggregated
def test_queries_do_not_grow_with_the_ratings(client, rated, monkeypatch, query, matrix_ratings):
    monkeypatch.setattr(selectors, "MATRIX_RATINGS", matrix_ratings)
    _add_ratings(rated, 1)
    few = _queries(client, "/ratings/", query)
    _add_ratings(rated, 12)
    assert _queries(client, "/ratings/", query) == few <= 30


def test_the_comparison_runs_a_fixed_number_of_queries(client, rated):
    few = _queries(client, "/ratings/compare/", {})
    _add_ratings(rated, 12)
    make_rating()  # another evaluation, another scale
    assert _queries(client, "/ratings/compare/", {}) == few <= 6


def test_the_list_without_any_rating_answers(client):
    response = client.get("/ratings/")
    assert response.status_code == 200 and "No ratings match these filters." in response.content.decode()


def test_the_csv_export_runs_a_fixed_number_of_queries(client, rated):
    def exported():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/ratings/", {"format": "csv", "sort": "subject"})
            rows = b"".join(response.streaming_content).decode().splitlines()
        return len(captured), len(rows)
    few, lines = exported()
    _add_ratings(rated, 12)
    assert exported() == (few, lines + 24)
