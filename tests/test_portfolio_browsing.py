"""Portfolio filters narrow rows, totals, charts and exports alike."""

from decimal import Decimal

import pytest

from .builders import make_evaluation, make_organisation, make_programme, make_project, read_csv, region
from .responses import read_xlsx, usd

pytestmark = pytest.mark.django_db


def listed(response):
    return [p.number for p in response.context["page"]]


@pytest.fixture
def portfolio():
    """An agency's unit runs an evaluated programme of six projects; another agency runs one more.

    number      region  approach            start  type      lines x allotment (expenditure)
    XXSEN09123  AF      cluster_networking  2004   pilot     2 x 100,000 (80,000)
    XXSEN09124  AF      cluster_networking  2006   pilot     1 x  50,000 (50,000)
    XXSEN09125  AF      networking          2005   pilot     1 x  30,000 (10,000)
    XXIND09126  ASIA    cluster_networking  2005   research  1 x 400,000 (300,000)
    XXIND09127  ASIA    networking          2005   research  1 x  32,000 (32,000)
    XXPER09128  LA      export_consortia    2003   research  1 x  70,000 (60,000)
    """
    agency = make_organisation(slug="portfolio-agency")
    evaluation = make_evaluation(slug="portfolio-check")
    programme = make_programme(slug="portfolio-programme", organisation=make_organisation(parent=agency),
                               evaluations=[evaluation])
    rows = [
        ("XXSEN09123", "AF", "cluster_networking", 2004, "pilot_project", 2, "100000", "80000"),
        ("XXSEN09124", "AF", "cluster_networking", 2006, "pilot_project", 1, "50000", "50000"),
        ("XXSEN09125", "AF", "networking", 2005, "pilot_project", 1, "30000", "10000"),
        ("XXIND09126", "ASIA", "cluster_networking", 2005, "research", 1, "400000", "300000"),
        ("XXIND09127", "ASIA", "networking", 2005, "research", 1, "32000", "32000"),
        ("XXPER09128", "LA", "export_consortia", 2003, "research", 1, "70000", "60000"),
    ]
    for number, code, approach, year, kind, lines, amount, expenditure in rows:
        project = make_project(number=number, programme=programme, region=region(code), approach=approach,
                               start_year=year, lines=lines, amount=amount, expenditure=expenditure)
        project.allotments.update(project_type=kind)
    make_project(number="XXSEN09199", region=region("AF"), approach="cluster_networking", amount="900000")
    return {"agency": agency, "evaluation": evaluation, "programme": programme}


def test_it_answers_cluster_projects_in_africa(client, portfolio):
    """What did the agency spend on cluster projects in Africa, and how much was executed?"""
    params = {"organisation": "portfolio-agency", "approach": "cluster_networking", "region": "AF"}
    response = client.get("/portfolio/", params)
    assert listed(response) == ["XXSEN09123", "XXSEN09124"]
    totals = response.context["totals"]
    assert (totals["projects"], usd(totals)["allotments"]) == (2, 3)
    assert (usd(totals)["allotment"], usd(totals)["expenditure"], usd(totals)["execution_pct"]) == (
        Decimal("250000"), Decimal("210000"), Decimal("84.0"))
    rows = read_csv(client.get("/portfolio/", params | {"format": "csv"}))
    assert [r["number"] for r in rows] == ["XX/SEN/09/123", "XX/SEN/09/124"]
    assert sum(Decimal(r["allotment"]) for r in rows) == usd(totals)["allotment"]
    assert sum(Decimal(r["expenditure"]) for r in rows) == usd(totals)["expenditure"]


def test_a_filter_narrows_rows_and_totals(client, portfolio):
    everything = client.get("/portfolio/", {"evaluation": "portfolio-check"}).context
    africa = client.get("/portfolio/", {"evaluation": "portfolio-check", "region": "AF"}).context
    assert usd(everything["totals"])["allotment"] == Decimal("782000")
    assert (usd(everything["totals"])["projects"], everything["page"].paginator.count) == (6, 6)
    assert usd(africa["totals"])["allotment"] == Decimal("280000")
    assert (usd(africa["totals"])["projects"], africa["page"].paginator.count) == (3, 3)


def test_filters_combine_type_year_and_allotment_range(client, portfolio):
    params = {"programme": "portfolio-programme", "type": "research", "year_from": 2004, "allotment_min": 100000}
    assert listed(client.get("/portfolio/", params)) == ["XXIND09126"]  # not 09127 (32,000) nor 09128 (2003)
    assert listed(client.get("/portfolio/", params | {"allotment_min": "", "allotment_max": 40000})) == [
        "XXIND09127"]
    assert listed(client.get("/portfolio/", params | {"year_from": "", "year_to": 2004})) == []


def test_free_text_matches_any_spelling_of_the_number(client, portfolio):
    def found(text):
        return listed(client.get("/portfolio/", {"q": text, "programme": "portfolio-programme"}))

    assert found("XX/IND/09/126") == found("xxind09126") == ["XXIND09126"]
    assert found("XX-IND-09") == ["XXIND09126", "XXIND09127"]


def test_sorting_by_allotment(client, portfolio):
    make_project(number="XXSEN09130", programme=portfolio["programme"], lines=0)  # no lines: last either way
    params = {"programme": "portfolio-programme"}
    assert listed(client.get("/portfolio/", params | {"sort": "-allotment"})) == [
        "XXIND09126", "XXSEN09123", "XXPER09128", "XXSEN09124", "XXIND09127", "XXSEN09125", "XXSEN09130"]
    assert listed(client.get("/portfolio/", params | {"sort": "allotment"})) == [
        "XXSEN09125", "XXIND09127", "XXSEN09124", "XXPER09128", "XXSEN09123", "XXIND09126", "XXSEN09130"]


def test_pagination_keeps_the_filters(client):
    evaluation = make_evaluation(slug="pagination-check")
    programme = make_programme(evaluations=[evaluation])
    for _ in range(51):
        make_project(programme=programme)
    response = client.get("/portfolio/", {"evaluation": "pagination-check"})
    assert response.context["page"].paginator.num_pages == 2
    assert "evaluation=pagination-check&amp;page=2" in response.content.decode()
    second = client.get("/portfolio/", {"evaluation": "pagination-check", "page": 2})
    assert len(second.context["page"]) == 1


def test_a_bad_filter_value_is_a_message_not_an_error(client):
    response = client.get("/portfolio/", {"region": "Atlantis", "year_from": "soon"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some filters were not understood" in page and "Region" in page and "Started from" in page


def test_xlsx_export_of_a_filtered_portfolio_equals_the_totals_and_names_its_filters(client, portfolio):
    params = {"evaluation": "portfolio-check", "region": "ASIA"}
    (header, *rows), about = read_xlsx(client.get("/portfolio/", params | {"format": "xlsx"}))
    totals = client.get("/portfolio/", params).context["totals"]
    assert header[:3] == ("number", "title", "programme")
    allotment = header.index("allotment")
    assert [row[0] for row in rows] == ["XX/IND/09/126", "XX/IND/09/127"]
    assert sum(row[allotment] for row in rows) == usd(totals)["allotment"] == 432000
    assert ("region", "ASIA") in about and ("evaluation", "portfolio-check") in about
    assert any(row[0] == "reproduce at" and "region=ASIA" in row[1] for row in about)


def test_summary_takes_the_same_filters(client, portfolio):
    params = {"by": "approach", "evaluation": "portfolio-check", "region": "AF"}
    rows = read_csv(client.get("/portfolio/summary/", params | {"format": "csv"}))
    assert [(r["group"], r["projects"], r["allotment"]) for r in rows] == [
        ("Cluster & networking", "2", "250000.00"), ("Networking", "1", "30000.00"), ("Total", "3", "280000.00")]
    (xlsx_header, *xlsx_rows), _ = read_xlsx(client.get("/portfolio/summary/", params | {"format": "xlsx"}))
    assert list(xlsx_header) == list(rows[0])
    assert len(xlsx_rows) == len(rows)


def test_portfolio_page_sends_three_charts_as_json(client, portfolio):
    response = client.get("/portfolio/", {"evaluation": "portfolio-check", "region": "LA"})
    ids = [chart["id"] for chart in response.context["charts"]]
    assert ids == ["chart-allotment-region", "chart-started-per-year", "chart-execution"]
    html = response.content.decode()
    assert 'id="chart-allotment-region" type="application/json"' in html
    assert "<script>" not in html  # no inline script: json_script blocks carry a type
    pie = response.context["charts"][0]["data"]["data"][0]
    assert pie["labels"] == ["Latin America"] and pie["values"] == [70000.0]
