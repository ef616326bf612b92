"""The ratings page (matrices, filters, exports), the comparison across evaluations and a rating's evidence chain."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratings.models import Rating
from ratings.selectors import normalised_comparison

from .builders import (
    cited,
    country,
    criterion,
    make_evaluation,
    make_finding,
    make_organisation,
    make_programme,
    make_project,
    make_published_figure,
    make_rating,
    make_recommendation,
    make_response,
    make_scale,
    make_source_document,
    read_csv,
)
from .responses import chart_json, read_xlsx, table, table_rows

pytestmark = pytest.mark.django_db

COUNTRIES = ["Colombia", "India", "Senegal"]
# A Table 8 in miniature, by country in the order above; 0 = too premature to assess.
PRINTED = {"Relevance": "4 4 3", "Impact": "0 3 0", "Sustainability": "2 4 0"}


def rate(evaluation, scale, iso2, code, value):
    return make_rating(evaluation=evaluation, scale=scale, country=country(iso2), criterion=criterion(code),
                       value=Decimal(value), not_assessed=scale.is_not_assessed_code(Decimal(value)))


@pytest.fixture
def rated():
    """Two evaluations: `matrix-check` rates three countries as PRINTED on a 1-4 scale (4 best, 0 = not
    assessed) and publishes two averages; `matrix-low` rates a programme on a 1-4 scale where 1 is best."""
    evaluation = make_evaluation(slug="matrix-check", year=2010, countries=[country(c) for c in ("CO", "IN", "SN")],
                                 commissioner=make_organisation(name="Cluster agency"))
    scale = make_scale(code="matrix-scale", name="Matrix scale", not_assessed_value=Decimal("0"), levels={
        "0": "Too premature to assess", "1": "Unsatisfactory", "4": "Highly satisfactory"})
    for name, printed in PRINTED.items():
        for iso2, value in zip(("CO", "IN", "SN"), printed.split()):
            rate(evaluation, scale, iso2, name.lower(), value)
    for code, value in [("impact", "1.00"), ("sustainability", "2.00")]:
        make_published_figure(evaluation=evaluation, key=f"{code}-average", measure="rating_average",
                              criterion=criterion(code), value=Decimal(value), printed_value=value, unit="score")
    low = make_evaluation(slug="matrix-low", year=2019, commissioner=make_organisation(name="Low agency"))
    low_scale = make_scale(code="matrix-low-scale", name="Low scale", best_is_high=False)
    make_rating(evaluation=low, scale=low_scale, programme=make_programme(evaluations=[low]),
                criterion=criterion("relevance"), value=Decimal("1.5"))
    return {"evaluation": evaluation, "scale": scale, "low": low, "low_scale": low_scale}


def test_the_matrix_shows_every_cell_as_rated(client, rated):
    matrix = table(client.get("/ratings/", {"evaluation": "matrix-check"}), "matrix-table-matrix-check")
    assert list(matrix) == COUNTRIES
    for name, printed in PRINTED.items():
        for subject, value in zip(COUNTRIES, printed.split()):
            assert matrix[subject][name] == ("n/a" if value == "0" else value), (subject, name)


def test_published_averages_beside_assessed_only_ones(client, rated):
    averages = table(client.get("/ratings/", {"evaluation": "matrix-check"}), "averages-matrix-check")
    assert (averages["Impact"]["Published"], averages["Impact"]["Assessed only"]) == ("1.00", "3.00")
    assert averages["Impact"]["Assessed of rated"] == "1 of 3"
    assert (averages["Sustainability"]["Published"], averages["Sustainability"]["Assessed only"]) == ("2.00", "3.00")


def test_assessed_only_averages_come_from_the_database_where_nothing_is_published(client, rated):
    for iso2, value in [("IN", "4"), ("CO", "3"), ("SN", "0")]:
        rate(rated["evaluation"], rated["scale"], iso2, "coherence", value)
    averages = table(client.get("/ratings/", {"evaluation": "matrix-check"}), "averages-matrix-check")
    assert averages["Coherence"] == {"Published": "—", "Assessed only": "3.50", "Assessed of rated": "2 of 3",
                                     "Published in": "not published"}


def test_the_matrix_chart_leaves_not_assessed_cells_null_and_labels_them(client, rated):
    response = client.get("/ratings/")
    heatmap = chart_json(response, "chart-matrix-matrix-check")["data"][0]
    assert heatmap["type"] == "heatmap" and (heatmap["zmin"], heatmap["zmax"]) == (0, 100)
    colombia, india = heatmap["y"].index("Colombia"), heatmap["y"].index("India")
    impact = heatmap["x"].index("Impact")
    assert heatmap["z"][colombia][impact] is None and heatmap["text"][colombia][impact] == "n/a"
    assert heatmap["z"][india][impact] == 66.7 and heatmap["text"][india][impact] == "3"
    assert sum(row.count(None) for row in heatmap["z"]) == 3  # 2 impact cells + Senegal sustainability
    low = chart_json(response, "chart-matrix-matrix-low")["data"][0]
    assert low["z"][0][low["x"].index("Relevance")] == 83.3 and low["text"][0][0] == "1.5"


def test_the_scale_legend_is_in_words(client, rated):
    html = client.get("/ratings/", {"evaluation": "matrix-check"}).content.decode()
    assert "1-4, 4 best, 1 worst; 0 = not assessed" in html
    assert "Too premature to assess" in html and "Highly satisfactory" in html


def test_charts_load_plotly_locally_without_inline_script_or_style(client, rated):
    html = client.get("/ratings/").content.decode()
    assert 'id="chart-matrix-matrix-check" type="application/json"' in html
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/css/ratings.css">' in html
    assert "<script>" not in html and "style=" not in html and "cdn" not in html.lower()


@pytest.mark.parametrize("filters, expected", [
    ({"evaluation": "matrix-check"}, 9),
    ({"evaluation": "matrix-check", "criterion": "impact"}, 3),
    ({"evaluation": "matrix-check", "subject_kind": "country"}, 9),
    ({"evaluation": "matrix-check", "subject_kind": "programme"}, 0),
    ({"evaluation": "matrix-low", "subject_kind": "programme"}, 1),
    ({"evaluation": "matrix-check", "country": "IN"}, 3),
    ({"evaluation": "matrix-check", "assessed": "no"}, 3),
    ({"evaluation": "matrix-check", "assessed": "yes"}, 6),
    ({"evaluation": "matrix-check", "criterion": "impact", "assessed": "yes"}, 1),
])
def test_filters_narrow_the_list(client, rated, filters, expected):
    response = client.get("/ratings/", filters)
    assert response.status_code == 200
    assert len(list(response.context["page"])) == expected
    assert len(table_rows(response, "rating-list")) - 1 == (expected or 1)  # or the "no ratings" row


def test_filtering_on_a_criterion_keeps_one_matrix_column_and_the_evaluations_that_rate_it(client, rated):
    response = client.get("/ratings/", {"criterion": "impact"})
    rows = list(response.context["page"])
    assert {r.criterion.code for r in rows} == {"impact"}
    matrices = {matrix.evaluation.slug: matrix for matrix, _ in response.context["matrices"]}
    assert "matrix-low" not in matrices  # it rates no impact
    assert [c.code for c in matrices["matrix-check"].criteria] == ["impact"]
    assert len(matrices["matrix-check"].rows) == 3


def test_csv_export_has_exactly_the_filtered_rows(client, rated):
    rows = read_csv(client.get("/ratings/", {"evaluation": "matrix-check", "criterion": "impact", "format": "csv"}))
    assert list(rows[0]) == ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed",
                             "scale", "scale_range", "normalised_0_100", "label", "source"]
    assert len(rows) == 3 and {r["criterion"] for r in rows} == {"impact"}
    assert [r["subject"] for r in rows if r["not_assessed"] == "no"] == ["India"]


def test_xlsx_export_has_the_filtered_rows_and_lists_the_filters(client, rated):
    response = client.get("/ratings/", {"evaluation": "matrix-check", "criterion": "impact", "assessed": "no",
                                        "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data, about = read_xlsx(response)
    assert data[0][:4] == ("evaluation", "subject_kind", "subject", "criterion")
    assert [(row[2], row[3]) for row in data[1:]] == [("Colombia", "impact"), ("Senegal", "impact")]
    assert ("criterion", "impact") in about and ("assessed", "no") in about
    assert ("rows", 2) in about


@pytest.mark.parametrize("filters, message", [
    ({"criterion": "colour"}, "Unknown criterion “colour”."),
    ({"evaluation": "nope"}, "Unknown evaluation “nope”."),
    ({"country": "XX"}, "Unknown country “XX”."),
    ({"assessed": "maybe"}, "Unknown value for assessed “maybe”."),
])
def test_a_bad_filter_value_is_a_message_not_an_error(client, filters, message):
    response = client.get("/ratings/", filters)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = client.get("/ratings/", {**filters, "format": "csv"})
    assert export.status_code == 400 and export["Content-Type"].startswith("text/html")


def _consume(response):
    # A streamed CSV runs its queries while it is read.
    return b"".join(response.streaming_content) if response.streaming else response.content


def _add_rated_projects(rated, n):
    """n projects of a programme `matrix-check` evaluates, each rated on relevance."""
    programme = make_programme(evaluations=[rated["evaluation"]])
    for _ in range(n):
        make_rating(evaluation=rated["evaluation"], project=make_project(programme=programme, lines=0),
                    scale=rated["scale"], value=Decimal("2"))


@pytest.mark.parametrize("query", [{}, {"evaluation": "matrix-check"}, {"criterion": "relevance"},
                                   {"criterion": "relevance", "format": "csv"}])
def test_ratings_page_queries_are_bounded_and_do_not_grow_with_rows(client, rated, query):
    _add_rated_projects(rated, 2)
    with CaptureQueriesContext(connection) as few:
        _consume(client.get("/ratings/", query))
    _add_rated_projects(rated, 15)
    with CaptureQueriesContext(connection) as many:
        _consume(client.get("/ratings/", query))
    assert len(few) <= 30  # six facets, each validating the other filters' values
    assert len(many) == len(few)


def test_ratings_page_queries_do_not_grow_with_evaluations(client, rated):
    with CaptureQueriesContext(connection) as few:
        matrices = len(client.get("/ratings/").context["matrices"])
    for _ in range(3):
        make_rating()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/ratings/")
    assert len(response.context["matrices"]) == matrices + 3
    assert len(many) == len(few)


def test_comparison_states_the_scale_mapping(client, rated):
    html = " ".join(client.get("/ratings/compare/").content.decode().split())
    assert "Scales differ" in html
    assert "<strong>Matrix scale</strong> (used by Cluster agency 2010): range 1–4, best end 4 (high is best); " \
           "normalised = (value − 1) ÷ (4 − 1) × 100; 0 = not assessed, excluded." in html
    assert "<strong>Low scale</strong> (used by Low agency 2019): range 1–4, best end 1 (low is best); " \
           "normalised = (4 − value) ÷ (4 − 1) × 100; no not-assessed code." in html


def test_comparison_shows_each_evaluation_on_the_common_scale(client, rated):
    response = client.get("/ratings/compare/")
    comparison = table(response, "comparison")
    assert comparison["Relevance"]["Low agency 2019"] == "83.3 (1)"  # 1.5 on 1-4, 1 best
    assert comparison["Relevance"]["Cluster agency 2010"] == "88.9 (3)"  # 100, 100, 66.7
    assert comparison["Impact"]["Cluster agency 2010"] == "66.7 (1)"  # the 2 "not assessed" cells are left out
    assert comparison["Impact"]["Low agency 2019"] == "—"
    bars = chart_json(response, "chart-rating-comparison")["data"]
    low = next(bar for bar in bars if bar["name"] == "Low agency 2019")
    assert low["y"][low["x"].index("Relevance")] == 83.3


def test_comparison_in_the_database_matches_each_ratings_normalised_value(rated):
    table_ = normalised_comparison()
    column = [c["evaluation"].slug for c in table_["columns"]].index("matrix-check")
    compared = 0
    for row in table_["rows"]:
        ratings = Rating.objects.assessed().filter(evaluation__slug="matrix-check", criterion=row["criterion"])
        values = [r.normalised_value for r in ratings.select_related("scale")]
        if values:
            expected = (sum(values) / len(values)).quantize(Decimal("0.1"))
            assert abs(row["cells"][column]["average"] - expected) <= Decimal("0.1"), row["criterion"]
            compared += 1
    assert compared == 3


def test_comparison_queries_do_not_grow_with_rows(client, rated):
    _add_rated_projects(rated, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/ratings/compare/")
    _add_rated_projects(rated, 15)
    make_rating()  # another evaluation, another scale
    with CaptureQueriesContext(connection) as many:
        client.get("/ratings/compare/")
    assert len(many) == len(few) <= 10


def _chain(rating, n):
    """A finding supporting `rating`, a recommendation on it, the management response and an action,
    each cited to the same place."""
    source = cited(make_source_document(file_name=f"test-source-{n}.txt"), "Section", f"paragraph {n}")
    finding = make_finding(evaluation=rating.evaluation, code=f"T{n}", title=f"Test finding {n}", **source)
    rating.supporting_findings.add(finding)
    recommendation = make_recommendation(evaluation=rating.evaluation, findings=[finding],
                                         text=f"Test recommendation {n}", **source)
    response = make_response(recommendation, text=f"Test response {n}", **source)
    response.actions.create(description=f"Test action {n}", status="under_way", **source)


@pytest.fixture
def rating():
    """A rating supported by one finding that no recommendation answers."""
    rating = make_rating()
    rating.supporting_findings.add(make_finding(evaluation=rating.evaluation, code="F11"))
    return rating


def test_rating_detail_shows_the_evidence_chain_with_citations(client, rating):
    _chain(rating, 1)
    html = client.get(rating.get_absolute_url()).content.decode()
    for text in ["F11", "T1 Test finding 1", "Test recommendation 1", "Agrees", "Test response 1",
                 "Test action 1", "(under way)", "test-source-1.txt, Section, paragraph 1"]:
        assert text in html, text
    assert html.count("test-source-1.txt, Section, paragraph 1") == 4  # finding, recommendation, response, action
    assert "No recommendation answers this finding." in html  # F11 has none


def test_rating_detail_queries_do_not_grow_with_the_chain(client, rating):
    _chain(rating, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(rating.get_absolute_url())
    for n in range(2, 8):
        _chain(rating, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(rating.get_absolute_url())
    assert b"Test action 7" in response.content
    assert len(many) == len(few) <= 8


def test_scales_in_use_are_described_once_each_with_the_evaluations_using_them(rated):
    again = make_evaluation(year=2012, commissioner=make_organisation(name="Second agency"))
    make_rating(evaluation=again, scale=rated["scale"], value=Decimal("2"))
    make_scale(code="matrix-unused-scale")
    scales = [s for s in normalised_comparison()["scales"] if s["scale"].code.startswith("matrix-")]
    assert {s["scale"].code: [c["label"] for c in s["columns"]] for s in scales} == {
        "matrix-scale": ["Cluster agency 2010", "Second agency 2012"], "matrix-low-scale": ["Low agency 2019"]}
    assert len(scales) == 2
