"""UNIDO's portfolio as the pages and their exports show it: the Annex 3 totals, Tables 2 and 4 by
region, and the projects a reader looks for."""

from decimal import Decimal

import pytest

from ..builders import read_csv
from ..responses import read_xlsx, usd

pytestmark = pytest.mark.django_db


def test_it_answers_unido_cluster_projects_in_africa(client):
    """What did UNIDO spend on cluster projects in Africa, and how much was executed?"""
    params = {"organisation": "unido", "approach": "cluster_networking", "region": "AF"}
    response = client.get("/portfolio/", params)
    totals = response.context["totals"]
    assert response.context["page"].paginator.count == 9
    rows = read_csv(client.get("/portfolio/", params | {"format": "csv"}))
    assert len(rows) == 9
    assert sum(Decimal(r["allotment"]) for r in rows if r["allotment"]) == usd(totals)["allotment"]
    assert sum(Decimal(r["expenditure"]) for r in rows if r["expenditure"]) == usd(totals)["expenditure"]
    assert usd(totals)["execution_pct"] == (usd(totals)["expenditure"] * 100 / usd(totals)["allotment"]).quantize(
        Decimal("0.1"))


def test_the_africa_filter_gives_table_2s_row(client):
    everything = client.get("/portfolio/", {"evaluation": "unido-cnd-2010"}).context
    africa = client.get("/portfolio/", {"evaluation": "unido-cnd-2010", "region": "AF"}).context
    assert usd(everything["totals"])["allotment"] == Decimal("31463282")
    assert usd(africa["totals"])["allotment"] == Decimal("10951631")
    assert usd(africa["totals"])["projects"] == 26
    assert africa["page"].paginator.count < everything["page"].paginator.count


def test_large_research_projects_since_2004_leave_out_the_small_one(client):
    context = client.get("/portfolio/", {"type": "research", "year_from": 2004, "allotment_min": 100000}).context
    numbers = [p.number for p in context["page"]]
    assert numbers and all(p.start_year >= 2004 and p.allotment_total >= 100000 for p in context["page"])
    assert "UEGLO04121" not in numbers  # research, but 32,186


def test_a_unido_project_is_found_and_opened_under_either_spelling(client, ada):
    assert [p.number for p in client.get("/portfolio/", {"q": "US/IND/01"}).context["page"]] == ["USIND01193"]
    assert client.get("/portfolio/US/IND/01/193/").status_code == 200
    assert b"US/IND/01/193" in client.get("/portfolio/USIND01193/").content
    client.force_login(ada)
    response = client.get("/admin/projects/project/", {"q": "US/IND/01/193"})
    assert [p.number for p in response.context["cl"].result_list] == ["USIND01193"]


def test_the_largest_unido_project_sorts_first(client):
    context = client.get("/portfolio/", {"evaluation": "unido-cnd-2010", "sort": "-allotment"}).context
    assert context["page"][0].number == "USGLO04116"  # 1,555,400 + 1,153,300


def test_unido_projects_take_two_pages(client):
    response = client.get("/portfolio/", {"evaluation": "unido-cnd-2010"})
    assert response.context["page"].paginator.num_pages == 2
    assert "evaluation=unido-cnd-2010&amp;page=2" in response.content.decode()


def test_the_asia_export_equals_table_2s_allotment(client):
    (header, *rows), about = read_xlsx(client.get("/portfolio/", {"region": "ASIA", "format": "xlsx"}))
    totals = client.get("/portfolio/", {"region": "ASIA"}).context["totals"]
    allotment = header.index("allotment")
    assert round(sum(r[allotment] or 0 for r in rows)) == usd(totals)["allotment"] == 6512485
    assert ("region", "ASIA") in about


def test_the_africa_summary_gives_table_2s_row(client):
    rows = read_csv(client.get("/portfolio/summary/", {"by": "approach", "region": "AF", "format": "csv"}))
    assert (rows[-1]["projects"], rows[-1]["allotment"]) == ("26", "10951631.00")


def test_the_latin_america_chart_shows_table_2s_allotment(client):
    response = client.get("/portfolio/", {"region": "LA"})
    pie = response.context["charts"][0]["data"]["data"][0]
    assert pie["labels"] == ["Latin America"] and pie["values"] == [6598135.0]


def test_the_summary_csv_total_is_the_annex_total(client):
    rows = read_csv(client.get("/portfolio/summary/", {"by": "region", "format": "csv"}))
    total = rows[-1]
    assert total["group"] == "Total" and total["projects"] == "64" and total["allotments"] == "78"
    assert total["allotment"] == "31463282.00"


@pytest.mark.parametrize("by", ["status", "region", "approach", "type", "country", "year"])
def test_every_grouping_shows_the_annex_total(client, by):
    response = client.get("/portfolio/summary/", {"by": by})
    assert response.status_code == 200
    assert b"31,463,282" in response.content


def test_the_portfolio_csv_has_one_row_per_unido_project(client):
    rows = read_csv(client.get("/portfolio/", {"format": "csv"}))
    unido = [r for r in rows if r["programme"] == "unido-cnd" and r["allotments"] != "0"]
    assert len(unido) == 64
    assert sum(float(r["allotment"]) for r in unido) == 31463282
