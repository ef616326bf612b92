"""The pages and their CSV exports, with bounded query counts."""

import io

import pytest

from .builders import make_programme, make_project, read_csv

pytestmark = pytest.mark.django_db


def test_summary_csv_has_the_stable_columns_and_a_total_row(client):
    response = client.get("/portfolio/summary/", {"by": "region", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert list(rows[0]) == ["group", "currency", "projects", "allotments", "allotment", "expenditure",
                             "allotment_pct", "average_project", "execution_pct"]
    total = rows[-1]
    assert total["group"] == "Total" and total["projects"] == "64" and total["allotments"] == "78"
    assert (total["currency"], total["allotment"]) == ("USD", "31463282.00")


@pytest.mark.parametrize("by", ["status", "region", "approach", "type", "country", "year"])
def test_summary_page_for_every_grouping(client, by):
    response = client.get("/portfolio/summary/", {"by": by})
    assert response.status_code == 200
    assert b"31,463,282" in response.content


def test_an_unknown_grouping_is_a_message_not_an_error(client):
    response = client.get("/portfolio/summary/", {"by": "colour"})
    assert response.status_code == 400
    assert "Unknown grouping “colour”" in response.content.decode()


def test_a_project_opens_under_any_spelling_of_its_number(client):
    assert client.get("/portfolio/US/IND/01/193/").status_code == 200
    response = client.get("/portfolio/USIND01193/")
    assert b"US/IND/01/193" in response.content
    assert client.get("/portfolio/NOPE0000/").status_code == 404


def test_portfolio_csv_one_row_per_project(client):
    rows = read_csv(client.get("/portfolio/", {"format": "csv"}))
    unido = [r for r in rows if r["programme"] == "unido-cnd" and r["allotments"] != "0"]
    assert len(unido) == 64
    assert sum(float(r["allotment"]) for r in unido) == 31463282


def test_ratings_csv(client):
    rows = read_csv(client.get("/ratings/", {"format": "csv"}))
    assert list(rows[0])[:9] == ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed",
                                 "scale", "scale_range", "normalised_0_100"]
    impact_co = next(r for r in rows if r["subject"] == "Colombia" and r["criterion"] == "impact")
    assert (impact_co["raw_value"], impact_co["not_assessed"], impact_co["normalised_0_100"]) == ("0", "yes", "")
    assert len(rows) == 54 + 4


def test_recommendations_csv(client):
    rows = read_csv(client.get("/recommendations/", {"format": "csv"}))
    assert len(rows) == 13 + 3 + 8
    seco = [r for r in rows if r["evaluation"] == "seco-smac-2019"]
    assert [r["management_response"] for r in seco] == ["Partially agrees", "Agrees", "Agrees"]
    assert "Donors" in next(r for r in rows if r["evaluation"] == "unido-cnd-2010" and r["number"] == "3")["owners"]


def test_reconciliation_page_and_csv(client):
    page = client.get("/reconciliation/")
    assert page.status_code == 200 and b"mismatch" in page.content
    rows = read_csv(client.get("/reconciliation/", {"format": "csv"}))
    impact = next(r for r in rows if r["key"] == "t8-impact-average")
    assert (impact["published"], impact["recomputed"], impact["alternative_value"]) == ("0.33", "0.33", "3.00")


@pytest.mark.parametrize("url", ["/", "/portfolio/", "/portfolio/summary/?by=region", "/ratings/",
                                 "/recommendations/", "/evaluations/", "/evaluations/unido-cnd-2010/",
                                 "/reconciliation/", "/sources/", "/portfolio/USIND01193/",
                                 "/findings/?q=certification", "/ratings/compare/", "/ratings/evidence-map/",
                                 "/recommendations/1/", "/findings/1/", "/ratings/1/"])
def test_pages_run_a_bounded_number_of_queries_whatever_the_data_size(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    programme = make_programme()
    for _ in range(30):
        make_project(programme=programme, lines=2)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/portfolio/", "/ratings/", "/recommendations/", "/portfolio/summary/"])
def test_list_queries_do_not_grow_with_rows(client, url, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    programme = make_programme()
    for _ in range(20):
        make_project(programme=programme, lines=3)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_favicon_is_served(client):
    assert client.get("/favicon.ico").status_code in (301, 302)


def test_the_evidence_chain_from_a_seco_rating_to_actions(client):
    from ratings.models import Rating

    rating = Rating.objects.filter(evaluation__slug="seco-smac-2019", supporting_findings__isnull=False).first()
    finding = rating.supporting_findings.first()
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "Supports rating" in page and "002_758aaa265197b92c.txt" in page


def test_unknown_records_are_404_pages(client):
    for url in ["/ratings/999999/", "/findings/999999/", "/recommendations/999999/", "/evaluations/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"There is no such record" in response.content


@pytest.mark.parametrize("url, first_column, rows", [
    ("/evaluations/", "slug", 4),
    ("/ratings/compare/", "criterion", None),
    ("/ratings/evidence-map/?by=evaluation", "criterion", None),
])
def test_table_pages_export_csv_and_xlsx(client, url, first_column, rows):
    separator = "&" if "?" in url else "?"
    csv_rows = read_csv(client.get(f"{url}{separator}format=csv"))
    assert list(csv_rows[0])[0] == first_column
    if rows is not None:
        assert len(csv_rows) == rows
    import openpyxl
    response = client.get(f"{url}{separator}format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["data", "about"]
    assert workbook["data"].max_row == len(csv_rows) + 1


def test_an_unknown_address_is_a_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"There is no such record" in response.content
