"""UNIDO Table 8 and SECO's ratings as the ratings pages, the comparison and the exports show them."""


import pytest

from ratings.selectors import normalised_comparison
from reference.models import RatingScale

from ..builders import read_csv
from ..responses import chart_json, read_xlsx, table, table_rows

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


def test_the_unido_matrix_shows_every_table_8_cell(client):
    response = client.get("/ratings/", {"evaluation": "unido-cnd-2010"})
    matrix = table(response, "matrix-table-unido-cnd-2010")
    assert list(matrix) == COUNTRIES
    for criterion, printed in TABLE_8.items():
        for country, value in zip(COUNTRIES, printed.split()):
            assert matrix[country][criterion] == ("n/a" if value == "0" else value), (country, criterion)
    assert matrix["India"]["Impact"] == "3" and matrix["Colombia"]["Impact"] == "n/a"


def test_table_8s_published_averages_beside_assessed_only_ones(client):
    averages = table(client.get("/ratings/", {"evaluation": "unido-cnd-2010"}), "averages-unido-cnd-2010")
    assert (averages["Impact"]["Published"], averages["Impact"]["Assessed only"]) == ("0.33", "3.00")
    assert averages["Impact"]["Assessed of rated"] == "1 of 9"
    assert (averages["Sustainability"]["Published"], averages["Sustainability"]["Assessed only"]) == ("2.33", "2.63")


def test_the_table_8_and_seco_charts(client):
    response = client.get("/ratings/")
    heatmap = chart_json(response, "chart-matrix-unido-cnd-2010")["data"][0]
    colombia, india = heatmap["y"].index("Colombia"), heatmap["y"].index("India")
    impact = heatmap["x"].index("Impact")
    assert heatmap["z"][colombia][impact] is None and heatmap["text"][colombia][impact] == "n/a"
    assert heatmap["z"][india][impact] == 66.7 and heatmap["text"][india][impact] == "3"
    assert sum(row.count(None) for row in heatmap["z"]) == 9  # 8 impact cells + Senegal sustainability
    seco = chart_json(response, "chart-matrix-seco-smac-2019")["data"][0]
    assert seco["z"][0][seco["x"].index("Relevance")] == 83.3 and seco["text"][0][0] == "1.5"


def test_table_8s_scale_legend(client):
    html = client.get("/ratings/", {"evaluation": "unido-cnd-2010"}).content.decode()
    assert "1-4, 4 best, 1 worst; 0 = not assessed" in html
    assert "Too premature to assess (or not known)" in html and "Highly satisfactory" in html


@pytest.mark.parametrize("filters, expected", [
    ({"criterion": "impact"}, 9),
    ({"evaluation": "seco-smac-2019"}, 4),
    ({"subject_kind": "programme"}, 4),
    ({"country": "IN"}, 6),
    ({"assessed": "no"}, 9),
    ({"assessed": "yes", "evaluation": "unido-cnd-2010"}, 45),
    ({"criterion": "impact", "assessed": "yes"}, 1),
])
def test_filters_on_the_transcribed_ratings(client, filters, expected):
    response = client.get("/ratings/", filters)
    assert len(list(response.context["page"])) == expected
    assert len(table_rows(response, "rating-list")) - 1 == expected


def test_impact_gives_the_nine_unido_rows_and_one_matrix_column(client):
    response = client.get("/ratings/", {"criterion": "impact"})
    assert {r.evaluation.slug for r in list(response.context["page"])} == {"unido-cnd-2010"}
    [(matrix, _)] = response.context["matrices"]
    assert [c.code for c in matrix.criteria] == ["impact"] and len(matrix.rows) == 9


def test_the_impact_exports(client):
    rows = read_csv(client.get("/ratings/", {"criterion": "impact", "format": "csv"}))
    assert len(rows) == 9 and {r["criterion"] for r in rows} == {"impact"}
    assert [r["subject"] for r in rows if r["not_assessed"] == "no"] == ["India"]
    response = client.get("/ratings/", {"criterion": "impact", "assessed": "no", "format": "xlsx"})
    data, about = read_xlsx(response)
    assert len(data) - 1 == 8 and {row[3] for row in data[1:]} == {"impact"}
    assert "India" not in {row[2] for row in data[1:]}
    assert ("rows", 8) in about


def test_the_ratings_csv_holds_every_transcribed_rating(client):
    rows = read_csv(client.get("/ratings/", {"format": "csv"}))
    impact_co = next(r for r in rows if r["subject"] == "Colombia" and r["criterion"] == "impact")
    assert (impact_co["raw_value"], impact_co["not_assessed"], impact_co["normalised_0_100"]) == ("0", "yes", "")
    assert len(rows) == 54 + 4


def test_the_comparison_states_how_seco_and_unido_scales_map(client):
    html = client.get("/ratings/compare/").content.decode()
    assert "range 1–4" in html and "best end 1 (low is best)" in html and "best end 4 (high is best)" in html
    assert "normalised = (4 − value) ÷ (4 − 1) × 100" in html  # SECO
    assert "normalised = (value − 1) ÷ (4 − 1) × 100" in html  # UNIDO
    assert "0 = not assessed, excluded" in html


def test_the_comparison_shows_seco_and_unido_on_the_common_scale(client):
    response = client.get("/ratings/compare/")
    comparison = table(response, "comparison")
    assert comparison["Relevance"]["SECO 2019"] == "83.3 (1)"  # 1.5 on 1-4, 1 best
    assert comparison["Relevance"]["UNIDO 2010"] == "96.3 (9)"
    assert comparison["Impact"]["UNIDO 2010"] == "66.7 (1)"  # the 8 "not assessed" cells are left out
    bars = chart_json(response, "chart-rating-comparison")["data"]
    seco = next(bar for bar in bars if bar["name"] == "SECO 2019")
    assert seco["y"][seco["x"].index("Relevance")] == 83.3


def test_the_two_scales_of_the_reports_are_described_once_each():
    scales = normalised_comparison()["scales"]
    assert sorted(s["scale"].code for s in scales) == sorted(RatingScale.objects.values_list("code", flat=True))
    assert {s["scale"].code: [c["label"] for c in s["columns"]] for s in scales} == {
        "unido-table8": ["UNIDO 2010"], "seco-dac-4": ["SECO 2019"]}
