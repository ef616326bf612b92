"""Portfolio filters narrow rows, totals, charts and exports alike."""

import io
from decimal import Decimal

import openpyxl
import pytest

from .builders import read_csv

pytestmark = pytest.mark.django_db


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = list(workbook["data"].iter_rows(values_only=True))
    return data[0], data[1:], list(workbook["about"].iter_rows(values_only=True))


def usd(totals):
    """The US dollar row of a page's totals per currency."""
    return next(row for row in totals["by_currency"] if row["currency"] == "USD")


def test_it_answers_cluster_projects_in_africa(client):
    """"What did UNIDO spend on cluster projects in Africa, and how much was executed?"""
    response = client.get("/portfolio/", {"organisation": "unido", "approach": "cluster_networking", "region": "AF"})
    totals = usd(response.context["totals"])
    assert response.context["page"].paginator.count == 9
    rows = read_csv(client.get("/portfolio/", {"organisation": "unido", "approach": "cluster_networking",
                                               "region": "AF", "format": "csv"}))
    assert len(rows) == 9
    assert {r["currency"] for r in rows} == {"USD"}
    assert sum(Decimal(r["allotment"]) for r in rows if r["allotment"]) == totals["allotment"]
    assert sum(Decimal(r["expenditure"]) for r in rows if r["expenditure"]) == totals["expenditure"]
    assert totals["execution_pct"] == (totals["expenditure"] * 100 / totals["allotment"]).quantize(
        Decimal("0.1"))


def test_a_filter_narrows_rows_and_totals(client):
    everything = client.get("/portfolio/", {"evaluation": "unido-cnd-2010"}).context
    africa = client.get("/portfolio/", {"evaluation": "unido-cnd-2010", "region": "AF"}).context
    assert usd(everything["totals"])["allotment"] == Decimal("31463282")
    assert usd(africa["totals"])["allotment"] == Decimal("10951631")
    assert usd(africa["totals"])["projects"] == 26
    assert africa["page"].paginator.count < everything["page"].paginator.count


def test_filters_combine_type_year_and_allotment_range(client):
    context = client.get("/portfolio/", {"type": "research", "year_from": 2004, "allotment_min": 100000}).context
    numbers = [p.number for p in context["page"]]
    assert numbers and all(p.start_year >= 2004 and p.allotment_total >= 100000 for p in context["page"])
    assert "UEGLO04121" not in numbers  # research, but 32,186


def test_free_text_matches_any_spelling_of_the_number(client):
    context = client.get("/portfolio/", {"q": "US/IND/01"}).context
    assert [p.number for p in context["page"]] == ["USIND01193"]


def test_sorting_by_allotment(client):
    context = client.get("/portfolio/", {"evaluation": "unido-cnd-2010", "sort": "-allotment"}).context
    assert context["page"][0].number == "USGLO04116"  # 1,555,400 + 1,153,300


def test_pagination_keeps_the_filters(client):
    response = client.get("/portfolio/", {"evaluation": "unido-cnd-2010"})
    assert response.context["page"].paginator.num_pages == 2
    assert "evaluation=unido-cnd-2010&amp;page=2" in response.content.decode()


def test_a_bad_filter_value_is_a_message_not_an_error(client):
    response = client.get("/portfolio/", {"region": "Atlantis", "year_from": "soon"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some filters were not understood" in page and "Region" in page and "Started from" in page


def test_xlsx_export_of_a_filtered_portfolio_equals_the_totals_and_names_its_filters(client):
    params = {"region": "ASIA", "format": "xlsx"}
    header, rows, about = read_xlsx(client.get("/portfolio/", params))
    totals = client.get("/portfolio/", {"region": "ASIA"}).context["totals"]
    assert header[:3] == ("number", "title", "programme")
    allotment = header.index("allotment")
    assert round(sum(r[allotment] or 0 for r in rows)) == usd(totals)["allotment"] == 6512485
    assert ("region", "ASIA") in about
    assert any(row[0] == "reproduce at" and "region=ASIA" in row[1] for row in about)


def test_summary_takes_the_same_filters(client):
    rows = read_csv(client.get("/portfolio/summary/", {"by": "approach", "region": "AF", "format": "csv"}))
    total = rows[-1]
    assert (total["currency"], total["projects"], total["allotment"]) == ("USD", "26", "10951631.00")
    xlsx_header, xlsx_rows, _ = read_xlsx(client.get("/portfolio/summary/", {"by": "approach", "region": "AF",
                                                                             "format": "xlsx"}))
    assert list(xlsx_header) == list(rows[0])
    assert len(xlsx_rows) == len(rows)


def test_portfolio_page_sends_three_charts_as_json(client):
    response = client.get("/portfolio/", {"region": "LA"})
    ids = [chart["id"] for chart in response.context["charts"]]
    assert ids == ["chart-allotment-region", "chart-started-per-year", "chart-execution"]
    html = response.content.decode()
    assert 'id="chart-allotment-region" type="application/json"' in html
    assert "<script>" not in html  # no inline script: json_script blocks carry a type
    pie = response.context["charts"][0]["data"]["data"][0]
    assert pie["labels"] == ["Latin America"] and pie["values"] == [6598135.0]
