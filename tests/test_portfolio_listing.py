"""The portfolio as a list people refine: facets with counts, chips to undo a filter, several values
of a facet at once, the page as JSON, each chart's data as CSV, the summary's definitions, and a
fixed number of queries whatever the number of projects."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.services import refresh_totals

from .builders import make_allotment, make_programme, make_project, read_csv, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Four projects of one programme: three in Africa (two closed, one ongoing), one in Asia."""
    programme = make_programme(slug="facet-programme")
    make_project(programme=programme, number="FCT0001", region=region("AF"), amount="100", status="closed")
    make_project(programme=programme, number="FCT0002", region=region("AF"), amount="200", status="closed")
    make_project(programme=programme, number="FCT0003", region=region("AF"), amount="300", status="ongoing")
    make_project(programme=programme, number="FCT0004", region=region("ASIA"), amount="400", status="closed",
                 approach="export_consortia")
    return programme


def facet(response, name):
    """{label: (count, selected)} of one facet as the page lists it."""
    counts = next(f for f in response.context["facets"] if f.facet.name == name)
    return {value.label: (value.count, value.selected) for value in counts.values}


def listed(response):
    return [p.number for p in response.context["page"]]


def test_facets_count_the_projects_of_each_value(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme"})
    assert facet(response, "region") == {"Africa": (3, False), "Asia": (1, False)}
    assert facet(response, "status") == {"Closed": (3, False), "Ongoing": (1, False)}


def test_a_facet_counts_for_the_other_filters_so_a_second_value_widens_the_list(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme", "region": "AF"})
    assert listed(response) == ["FCT0001", "FCT0002", "FCT0003"]
    # Region still offers Asia with its count; status counts only Africa's projects.
    assert facet(response, "region") == {"Africa": (3, True), "Asia": (1, False)}
    assert facet(response, "status") == {"Closed": (2, False), "Ongoing": (1, False)}
    both = client.get("/portfolio/", {"programme": "facet-programme", "region": ["AF", "ASIA"]})
    assert listed(both) == ["FCT0001", "FCT0002", "FCT0003", "FCT0004"]
    assert both.context["totals"]["by_currency"][0]["allotment"] == 1000


def test_a_facet_link_toggles_its_value_and_returns_to_the_first_page(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme", "region": "AF", "page": "1"})
    asia = next(v for f in response.context["facets"] if f.facet.name == "region" for v in f.values
                if v.value == "ASIA")
    assert "region=AF" in asia.url and "region=ASIA" in asia.url and "page=" not in asia.url
    widened = client.get("/portfolio/" + asia.url)
    assert len(listed(widened)) == 4


def test_a_chip_per_filter_value_removes_just_that_value(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme", "region": ["AF", "ASIA"],
                                          "q": "FCT"})
    chips = {chip.label: chip.url for chip in response.context["chips"]}
    assert set(chips) == {"Programme: Programme " + programme.name.split()[-1], "Region: Africa",
                          "Region: Asia", "Contains: FCT"}
    without_africa = client.get("/portfolio/" + chips["Region: Africa"])
    assert listed(without_africa) == ["FCT0004"]
    assert "Clear all" in response.content.decode()


def test_a_facet_value_chosen_but_no_longer_present_stays_removable(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme", "status": ["ongoing"],
                                          "region": "ASIA"})
    assert listed(response) == []
    assert facet(response, "status")["Ongoing"] == (0, True)
    assert "No project matches these filters" in response.content.decode()


def test_an_unknown_facet_value_is_a_message_not_an_error(client, programme):
    response = client.get("/portfolio/", {"region": "ATLANTIS"})
    assert response.status_code == 400
    assert "ATLANTIS" in response.content.decode()


def test_the_page_as_json_carries_the_rows_the_count_and_the_next_page(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme", "format": "json", "sort": "-allotment"})
    body = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert body["count"] == 4 and body["page"] == 1 and body["next"] is None
    assert [row["number"] for row in body["rows"]] == ["FCT0004", "FCT0003", "FCT0002", "FCT0001"]
    assert body["rows"][0]["allotment"] == "400.00" and body["rows"][0]["currency"] == "USD"


def test_each_chart_offers_its_data_as_csv(client, programme):
    response = client.get("/portfolio/", {"programme": "facet-programme"})
    by_region = next(c for c in response.context["charts"] if c["id"] == "chart-allotment-region")
    assert "chart=chart-allotment-region" in by_region["data_url"] and "format=csv" in by_region["data_url"]
    rows = read_csv(client.get("/portfolio/" + by_region["data_url"]))
    assert [(r["region"], r["allotment"], r["allotment_pct"]) for r in rows] == [
        ("Africa", "600.00", "60.0"), ("Asia", "400.00", "40.0")]
    per_year = read_csv(client.get("/portfolio/", {"programme": "facet-programme", "chart": "chart-started-per-year",
                                                    "format": "csv"}))
    assert sum(int(r["projects"]) for r in per_year) == 4


def test_the_summary_states_its_definition_and_offers_table_1s_status(client, programme):
    project = make_project(programme=programme, number="FCT0005", amount="50", status="not_stated")
    project.allotments.update(status="not_stated")
    by_line = client.get("/portfolio/summary/", {"programme": "facet-programme", "by": "status", "format": "json"})
    table_1 = client.get("/portfolio/summary/", {"programme": "facet-programme", "by": "status_table_1",
                                                 "format": "json"})
    groups = {row["group"]: row["projects"] for row in json.loads(by_line.content)["rows"]}
    assert groups == {"Closed": 3, "Not stated": 1, "Ongoing": 1, "Total": 5}
    body = json.loads(table_1.content)
    assert {row["group"]: row["projects"] for row in body["rows"]} == {"Closed": 3, "Ongoing": 2, "Total": 5}
    assert "Table 1" in body["definition"]
    page = client.get("/portfolio/summary/", {"programme": "facet-programme", "by": "project_status"})
    assert "each project counts once" in page.content.decode().lower()


def test_an_unknown_summary_grouping_is_refused_with_the_choices(client):
    response = client.get("/portfolio/summary/", {"by": "colour"})
    assert response.status_code == 400
    assert "colour" in response.content.decode() and "status_table_1" in response.content.decode()


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url, params", [
    ("/portfolio/", {}),
    ("/portfolio/", {"region": ["AF", "ASIA"], "status": "closed", "sort": "-allotment"}),
    ("/portfolio/summary/", {"by": "region"}),
    ("/portfolio/summary/", {"by": "status"}),
])
def test_the_portfolio_runs_the_same_queries_whatever_the_number_of_projects(client, url, params):
    programme = make_programme(slug="growing")
    params = {"programme": "growing", **params}
    # One of each kind from the start: a project in another currency, one with lines in two.
    make_project(programme=programme, region=region("AF"), currency="CHF")
    mixed = make_project(programme=programme, region=region("ASIA"))
    make_allotment(project=mixed, currency="EUR", amount="5")
    refresh_totals([mixed.pk])
    few = queries(client, url, params)
    for code in ["AF", "ASIA", "LA"] * 4:
        make_project(programme=programme, region=region(code), lines=2)
    make_project(programme=programme, region=region("LA"), currency="EUR", lines=3)
    assert queries(client, url, params) == few
