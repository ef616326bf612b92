"""The ratings page (matrices, filters, exports), the comparison across evaluations and a rating's evidence chain."""

import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from evaluations.models import Evaluation
from findings.models import Action, Finding, ManagementResponse, Recommendation
from ratings.models import Rating
from ratings.selectors import normalised_comparison
from reference.models import Country, Criterion, RatingScale, SourceDocument

from .builders import build_rating, make_evaluation, make_project, read_csv

pytestmark = pytest.mark.django_db

COUNTRIES = ["Colombia", "Ecuador", "Ethiopia", "India", "Morocco", "Nicaragua", "Peru", "Senegal", "Tunisia"]
# UNIDO Table 8 as printed, by country in the order above; 0 = too premature to assess.
TABLE_8 = {
    "Design": "2 3 2 4 4 4 2 4 4",
    "Relevance": "4 4 4 4 4 3 4 4 4",
    "Efficiency": "2 3 4 4 4 3 3 3 4",
    "Effectiveness": "3 3 4 4 4 3 3 3 3",
    "Impact": "0 0 0 3 0 0 0 0 0",
    "Sustainability": "4 2 3 4 3 2 1 0 2",
}


class _Tables(HTMLParser):
    """Text of every cell of every table with an id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "id" in attrs:
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, table_id):
    """A table as a list of rows (head row first), each a list of cell texts."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[table_id]


def table(response, table_id):
    """A table as {row head: {column head: cell text}}."""
    head, *rows = table_rows(response, table_id)
    return {row[0]: dict(zip(head[1:], row[1:])) for row in rows}


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in workbook["data"].values], [list(r) for r in workbook["about"].values]


def chart_json(response, chart_id):
    """The figure a page sends to charts.js through json_script."""
    html = response.content.decode()
    start = html.index(f'<script id="{chart_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def test_the_unido_matrix_shows_every_table_8_cell(client):
    response = client.get("/ratings/", {"evaluation": "unido-cnd-2010"})
    matrix = table(response, "matrix-table-unido-cnd-2010")
    assert list(matrix) == COUNTRIES
    for criterion, printed in TABLE_8.items():
        for country, value in zip(COUNTRIES, printed.split()):
            assert matrix[country][criterion] == ("n/a" if value == "0" else value), (country, criterion)
    assert matrix["India"]["Impact"] == "3" and matrix["Colombia"]["Impact"] == "n/a"


def test_published_averages_beside_assessed_only_ones(client):
    averages = table(client.get("/ratings/", {"evaluation": "unido-cnd-2010"}), "averages-unido-cnd-2010")
    assert (averages["Impact"]["Published"], averages["Impact"]["Assessed only"]) == ("0.33", "3.00")
    assert averages["Impact"]["Assessed of rated"] == "1 of 9"
    assert (averages["Sustainability"]["Published"], averages["Sustainability"]["Assessed only"]) == ("2.33", "2.63")


def test_assessed_only_averages_come_from_the_database_where_nothing_is_published(client):
    evaluation = Evaluation.objects.get(slug="unido-cnd-2010")
    coherence = Criterion.objects.get(code="coherence")
    for iso2, value in [("IN", "4"), ("PE", "3"), ("SN", "0")]:
        build_rating(evaluation=evaluation, criterion=coherence, country=Country.objects.get(iso2=iso2),
                    value=Decimal(value), not_assessed=value == "0").save()
    averages = table(client.get("/ratings/", {"evaluation": "unido-cnd-2010"}), "averages-unido-cnd-2010")
    assert averages["Coherence"] == {"Published": "—", "Assessed only": "3.50", "Assessed of rated": "2 of 3",
                                     "Published in": "not published"}


def test_the_matrix_chart_leaves_not_assessed_cells_null_and_labels_them(client):
    response = client.get("/ratings/")
    heatmap = chart_json(response, "chart-matrix-unido-cnd-2010")["data"][0]
    assert heatmap["type"] == "heatmap" and (heatmap["zmin"], heatmap["zmax"]) == (0, 100)
    colombia, india = heatmap["y"].index("Colombia"), heatmap["y"].index("India")
    impact = heatmap["x"].index("Impact")
    assert heatmap["z"][colombia][impact] is None and heatmap["text"][colombia][impact] == "n/a"
    assert heatmap["z"][india][impact] == 66.7 and heatmap["text"][india][impact] == "3"
    assert sum(row.count(None) for row in heatmap["z"]) == 9  # 8 impact cells + Senegal sustainability
    seco = chart_json(response, "chart-matrix-seco-smac-2019")["data"][0]
    assert seco["z"][0][seco["x"].index("Relevance")] == 83.3 and seco["text"][0][0] == "1.5"


def test_the_scale_legend_is_in_words(client):
    html = client.get("/ratings/", {"evaluation": "unido-cnd-2010"}).content.decode()
    assert "1-4, 4 best, 1 worst; 0 = not assessed" in html
    assert "Too premature to assess (or not known)" in html and "Highly satisfactory" in html


def test_charts_load_plotly_locally_without_inline_script_or_style(client):
    html = client.get("/ratings/").content.decode()
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/css/ratings.css">' in html
    assert "<script>" not in html and "style=" not in html and "cdn" not in html.lower()


@pytest.mark.parametrize("filters, expected", [
    ({"criterion": "impact"}, 9),
    ({"evaluation": "seco-smac-2019"}, 4),
    ({"subject_kind": "programme"}, 4),
    ({"country": "IN"}, 6),
    ({"assessed": "no"}, 9),
    ({"assessed": "yes", "evaluation": "unido-cnd-2010"}, 45),
    ({"criterion": "impact", "assessed": "yes"}, 1),
])
def test_filters_narrow_the_list(client, filters, expected):
    response = client.get("/ratings/", filters)
    assert response.status_code == 200
    assert len(response.context["ratings"]) == expected
    assert len(table_rows(response, "rating-list")) - 1 == expected


def test_filtering_on_a_criterion_gives_the_nine_unido_rows_and_one_matrix_column(client):
    response = client.get("/ratings/", {"criterion": "impact"})
    rows = response.context["ratings"]
    assert {r.evaluation.slug for r in rows} == {"unido-cnd-2010"}
    [(matrix, _)] = response.context["matrices"]
    assert [c.code for c in matrix.criteria] == ["impact"] and len(matrix.rows) == 9


def test_csv_export_has_exactly_the_filtered_rows(client):
    rows = read_csv(client.get("/ratings/", {"criterion": "impact", "format": "csv"}))
    assert list(rows[0]) == ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed",
                             "scale", "scale_range", "normalised_0_100", "label", "source"]
    assert len(rows) == 9 and {r["criterion"] for r in rows} == {"impact"}
    assert [r["subject"] for r in rows if r["not_assessed"] == "no"] == ["India"]


def test_xlsx_export_has_the_filtered_rows_and_lists_the_filters(client):
    response = client.get("/ratings/", {"criterion": "impact", "assessed": "no", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data, about = read_xlsx(response)
    assert data[0][:4] == ["evaluation", "subject_kind", "subject", "criterion"]
    assert len(data) - 1 == 8 and {row[3] for row in data[1:]} == {"impact"}
    assert "India" not in {row[2] for row in data[1:]}
    assert ["criterion", "impact"] in about and ["assessed", "no"] in about
    assert ["rows", 8] in about


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


def _add_rated_projects(n):
    """n UNIDO projects, each rated on relevance."""
    evaluation = Evaluation.objects.get(slug="unido-cnd-2010")
    for _ in range(n):
        build_rating(evaluation=evaluation, project=make_project(lines=0), value=Decimal("2")).save()


@pytest.mark.parametrize("query", [{}, {"evaluation": "unido-cnd-2010"}, {"criterion": "relevance"},
                                   {"criterion": "relevance", "format": "csv"}])
def test_ratings_page_queries_are_bounded_and_do_not_grow_with_rows(client, query):
    with CaptureQueriesContext(connection) as before:
        _consume(client.get("/ratings/", query))
    _add_rated_projects(15)
    with CaptureQueriesContext(connection) as after:
        _consume(client.get("/ratings/", query))
    assert len(before) <= 20
    assert len(after) == len(before)


def test_ratings_page_queries_do_not_grow_with_evaluations(client):
    with CaptureQueriesContext(connection) as before:
        client.get("/ratings/")
    for _ in range(3):
        build_rating(evaluation=make_evaluation()).save()
    with CaptureQueriesContext(connection) as after:
        response = client.get("/ratings/")
    assert len(response.context["matrices"]) == 2 + 3
    assert len(after) == len(before)


def test_comparison_states_the_scale_mapping(client):
    html = client.get("/ratings/compare/").content.decode()
    assert "Scales differ" in html
    assert "range 1–4" in html and "best end 1 (low is best)" in html and "best end 4 (high is best)" in html
    assert "normalised = (4 − value) ÷ (4 − 1) × 100" in html  # SECO
    assert "normalised = (value − 1) ÷ (4 − 1) × 100" in html  # UNIDO
    assert "0 = not assessed, excluded" in html


def test_comparison_shows_seco_relevance_on_the_common_scale(client):
    response = client.get("/ratings/compare/")
    comparison = table(response, "comparison")
    assert comparison["Relevance"]["SECO 2019"] == "83.3 (1)"  # 1.5 on 1-4, 1 best
    assert comparison["Relevance"]["UNIDO 2010"] == "96.3 (9)"
    assert comparison["Impact"]["UNIDO 2010"] == "66.7 (1)"  # the 8 "not assessed" cells are left out
    bars = chart_json(response, "chart-rating-comparison")["data"]
    seco = next(bar for bar in bars if bar["name"] == "SECO 2019")
    assert seco["y"][seco["x"].index("Relevance")] == 83.3


def test_comparison_in_the_database_matches_each_ratings_normalised_value():
    table_ = normalised_comparison()
    column = [c["evaluation"].slug for c in table_["columns"]].index("unido-cnd-2010")
    for row in table_["rows"]:
        ratings = Rating.objects.assessed().filter(evaluation__slug="unido-cnd-2010", criterion=row["criterion"])
        values = [r.normalised_value for r in ratings.select_related("scale")]
        expected = (sum(values) / len(values)).quantize(Decimal("0.1"))
        assert abs(row["cells"][column]["average"] - expected) <= Decimal("0.1"), row["criterion"]


def test_comparison_queries_do_not_grow_with_rows(client):
    with CaptureQueriesContext(connection) as before:
        client.get("/ratings/compare/")
    _add_rated_projects(15)
    with CaptureQueriesContext(connection) as after:
        client.get("/ratings/compare/")
    assert len(after) == len(before) <= 10


def _cited(n):
    document, _ = SourceDocument.objects.get_or_create(file_name="test-source.txt", defaults={"title": "Test"})
    return {"source": document, "source_section": "Section", "source_locator": f"paragraph {n}"}


def _chain(rating, n):
    """A finding supporting `rating`, a recommendation on it, the management response and an action."""
    finding = Finding.objects.create(evaluation=rating.evaluation, code=f"T{n}", title=f"Test finding {n}",
                                     text="...", evidence_kind="desk_review", **_cited(n))
    rating.supporting_findings.add(finding)
    recommendation = Recommendation.objects.create(evaluation=rating.evaluation, number=100 + n,
                                                   text=f"Test recommendation {n}", **_cited(n))
    recommendation.findings.add(finding)
    response = ManagementResponse.objects.create(recommendation=recommendation, stance="agrees",
                                                 text=f"Test response {n}", **_cited(n))
    Action.objects.create(response=response, description=f"Test action {n}", status="under_way", **_cited(n))


def test_rating_detail_shows_the_evidence_chain_with_citations(client):
    rating = Rating.objects.get(evaluation__slug="seco-smac-2019", criterion__code="relevance")
    _chain(rating, 1)
    html = client.get(rating.get_absolute_url()).content.decode()
    for text in ["F11", "T1 Test finding 1", "Test recommendation 1", "Agrees", "Test response 1",
                 "Test action 1", "(under way)", "test-source.txt, Section, paragraph 1"]:
        assert text in html, text
    assert html.count("test-source.txt, Section, paragraph 1") == 4  # finding, recommendation, response, action
    assert "No recommendation answers this finding." in html  # F11 has none


def test_rating_detail_queries_do_not_grow_with_the_chain(client):
    rating = Rating.objects.get(evaluation__slug="seco-smac-2019", criterion__code="relevance")
    _chain(rating, 1)
    with CaptureQueriesContext(connection) as before:
        client.get(rating.get_absolute_url())
    for n in range(2, 8):
        _chain(rating, n)
    with CaptureQueriesContext(connection) as after:
        response = client.get(rating.get_absolute_url())
    assert b"Test action 7" in response.content
    assert len(after) == len(before) <= 8


def test_scales_in_use_are_described_once_each():
    scales = normalised_comparison()["scales"]
    assert sorted(s["scale"].code for s in scales) == sorted(RatingScale.objects.values_list("code", flat=True))
    assert {s["scale"].code: [c["label"] for c in s["columns"]] for s in scales} == {
        "unido-table8": ["UNIDO 2010"], "seco-dac-4": ["SECO 2019"]}
