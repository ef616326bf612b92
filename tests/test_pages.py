"""The pages and their CSV exports, with bounded query counts."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from .builders import (
    cited,
    country,
    criterion,
    make_evaluation,
    make_finding,
    make_owner,
    make_programme,
    make_project,
    make_published_figure,
    make_rating,
    make_recommendation,
    make_response,
    make_scale,
    make_source_document,
    read_csv,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    """Three projects of one programme: two in Africa (one of two lines), one in Asia."""
    programme = make_programme(slug="pages-programme")
    make_project(number="XXSEN09123", programme=programme, region=region("AF"), lines=2, amount="250000",
                 expenditure="200000")
    make_project(number="XXSEN09124", programme=programme, region=region("AF"), amount="100000",
                 expenditure="100000")
    make_project(number="XXIND09125", programme=programme, region=region("ASIA"), amount="1000000",
                 expenditure="0")
    return programme


def test_summary_csv_has_the_stable_columns_and_a_total_row(client, portfolio):
    response = client.get("/portfolio/summary/", {"by": "region", "programme": "pages-programme", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert list(rows[0]) == ["group", "currency", "projects", "allotments", "allotment", "expenditure",
                             "allotment_pct", "average_project", "execution_pct"]
    assert [(r["group"], r["projects"], r["allotments"], r["allotment"]) for r in rows] == [
        ("Africa", "2", "3", "600000.00"), ("Asia", "1", "1", "1000000.00"), ("Total", "3", "4", "1600000.00")]


@pytest.mark.parametrize("by", ["status", "region", "approach", "type", "country", "year"])
def test_summary_page_for_every_grouping(client, portfolio, by):
    response = client.get("/portfolio/summary/", {"by": by, "programme": "pages-programme"})
    assert response.status_code == 200
    assert b"1,600,000" in response.content


def test_an_unknown_grouping_is_a_message_not_an_error(client):
    response = client.get("/portfolio/summary/", {"by": "colour"})
    assert response.status_code == 400
    assert "Unknown grouping “colour”" in response.content.decode()


def test_a_project_opens_under_any_spelling_of_its_number(client, portfolio):
    assert client.get("/portfolio/XX/SEN/09/123/").status_code == 200
    response = client.get("/portfolio/xxsen09123/")
    assert b"XX/SEN/09/123" in response.content
    assert client.get("/portfolio/NOPE0000/").status_code == 404


def test_portfolio_csv_one_row_per_project(client, portfolio):
    rows = read_csv(client.get("/portfolio/", {"programme": "pages-programme", "format": "csv"}))
    assert [(r["number"], r["allotments"], Decimal(r["allotment"])) for r in rows] == [
        ("XX/IND/09/125", "1", 1000000), ("XX/SEN/09/123", "2", 500000), ("XX/SEN/09/124", "1", 100000)]


def test_ratings_csv(client):
    evaluation = make_evaluation(slug="csv-check", countries=[country("CO"), country("IN")])
    scale = make_scale(code="csv-scale", not_assessed_value=Decimal("0"))
    for iso2, value in [("CO", "0"), ("IN", "3")]:
        make_rating(evaluation=evaluation, scale=scale, country=country(iso2), criterion=criterion("impact"),
                    value=Decimal(value), not_assessed=value == "0")
    rows = read_csv(client.get("/ratings/", {"evaluation": "csv-check", "format": "csv"}))
    assert list(rows[0])[:9] == ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed",
                                 "scale", "scale_range", "normalised_0_100"]
    assert [(r["subject"], r["raw_value"], r["not_assessed"], r["normalised_0_100"]) for r in rows] == [
        ("Colombia", "0", "yes", ""), ("India", "3", "no", "66.7")]


def test_recommendations_csv(client):
    evaluation = make_evaluation(slug="csv-check")
    make_response(make_recommendation(evaluation=evaluation, owners=["Donors", "CBL Unit"]),
                  stance="partially_agrees")
    make_recommendation(evaluation=evaluation)
    rows = read_csv(client.get("/recommendations/", {"evaluation": "csv-check", "format": "csv"}))
    assert [(r["number"], r["owners"], r["management_response"]) for r in rows] == [
        ("1", "CBL Unit; Donors", "Partially agrees"), ("2", "", "")]


def test_reconciliation_page_and_csv(client):
    """Figures recomputed from the line items and ratings: a match, a mismatch, an average of ratings."""
    evaluation = make_evaluation(slug="reconciliation-check", countries=[country(c) for c in ("CO", "IN", "PE")])
    programme = make_programme(evaluations=[evaluation])
    make_project(programme=programme, amount="1000")
    make_project(programme=programme, amount="500")
    make_published_figure(evaluation=evaluation, key="check-allotment", measure="allotment_usd",
                          value=Decimal("1500"), printed_value="1,500", unit="USD")
    make_published_figure(evaluation=evaluation, key="check-projects", measure="projects", value=Decimal("3"))
    make_published_figure(evaluation=evaluation, key="check-impact-average", measure="rating_average",
                          criterion=criterion("impact"), value=Decimal("1.00"), printed_value="1.00", unit="score")
    scale = make_scale(not_assessed_value=Decimal("0"))
    for iso2, value in [("CO", "0"), ("IN", "3"), ("PE", "0")]:
        make_rating(evaluation=evaluation, scale=scale, country=country(iso2), criterion=criterion("impact"),
                    value=Decimal(value), not_assessed=value == "0")

    page = client.get("/reconciliation/")
    assert page.status_code == 200 and b"mismatch" in page.content
    rows = {r["key"]: r for r in read_csv(client.get("/reconciliation/", {"format": "csv"}))
            if r["evaluation"] == "reconciliation-check"}
    assert [(key, r["status"], r["recomputed"]) for key, r in rows.items()] == [
        ("check-allotment", "match", "1500.00"), ("check-projects", "mismatch", "2"),
        ("check-impact-average", "match", "1.00")]
    impact = rows["check-impact-average"]
    assert (impact["published"], impact["alternative"], impact["alternative_value"]) == (
        "1.00", "assessed cases only (1 of 3)", "3.00")


@pytest.fixture
def world():
    """One of everything the pages show, linked: an evaluation of a programme with a project, a rating
    of the project supported by a finding, and a recommendation on the finding with its response."""
    document = make_source_document(file_name="pages-source.txt")
    evaluation = make_evaluation(slug="pages-check", countries=[country("SN")], **cited(document))
    programme = make_programme(evaluations=[evaluation])
    scale = make_scale(not_assessed_value=Decimal("0"))
    world = {"evaluation": evaluation, "programme": programme, "scale": scale, "document": document}
    grow(world, 1)
    world["project"] = programme.projects.first()
    world["rating"] = world["project"].ratings.get()
    world["finding"] = world["rating"].supporting_findings.get()
    world["recommendation"] = world["finding"].recommendations.get()
    return world


def grow(world, n):
    """`n` more projects of two lines in the world's programme, each rated and its rating supported by a
    finding that a recommendation answers."""
    owner = make_owner()
    for _ in range(n):
        project = make_project(programme=world["programme"], lines=2)
        finding = make_finding(evaluation=world["evaluation"], text="Certification raised sales.",
                               criteria=[criterion("relevance")], countries=[country("SN")],
                               **cited(world["document"]))
        rating = make_rating(evaluation=world["evaluation"], project=project, scale=world["scale"],
                             **cited(world["document"]))
        rating.supporting_findings.add(finding)
        recommendation = make_recommendation(evaluation=world["evaluation"], findings=[finding], owners=[owner],
                                             **cited(world["document"]))
        make_response(recommendation, actions=["An action."])


PAGES = ["/", "/portfolio/", "/portfolio/summary/?by=region", "/ratings/", "/recommendations/", "/evaluations/",
         "/evaluations/{evaluation.slug}/", "/reconciliation/", "/sources/", "/portfolio/{project.number}/",
         "/findings/?q=certification", "/ratings/compare/", "/ratings/evidence-map/",
         "/recommendations/{recommendation.pk}/", "/findings/{finding.pk}/", "/ratings/{rating.pk}/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_run_a_bounded_number_of_queries_whatever_the_data_size(client, world, url,
                                                                       django_assert_max_num_queries):
    url = url.format(**world)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    grow(world, 15)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/portfolio/", "/ratings/", "/recommendations/", "/portfolio/summary/"])
def test_list_queries_do_not_grow_with_rows(client, world, url):
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(world, 15)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_favicon_is_served(client):
    assert client.get("/favicon.ico").status_code in (301, 302)


def test_the_evidence_chain_from_a_rating_to_actions(client, world):
    page = client.get(f"/findings/{world['finding'].pk}/").content.decode()
    assert f'Supports rating <a href="/ratings/{world["rating"].pk}/">' in page
    assert "pages-source.txt" in page and "Action: An action." in page


def test_unknown_records_are_404_pages(client):
    for url in ["/ratings/999999/", "/findings/999999/", "/recommendations/999999/", "/evaluations/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"There is no such record" in response.content


@pytest.mark.parametrize("url, first_column", [
    ("/evaluations/", "slug"),
    ("/ratings/compare/", "criterion"),
    ("/ratings/evidence-map/?by=evaluation", "criterion"),
])
def test_table_pages_export_csv_and_xlsx(client, world, url, first_column):
    separator = "&" if "?" in url else "?"
    csv_rows = read_csv(client.get(f"{url}{separator}format=csv"))
    assert list(csv_rows[0])[0] == first_column
    assert any("pages-check" in row.values() for row in csv_rows)
    response = client.get(f"{url}{separator}format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["data", "about"]
    assert workbook["data"].max_row == len(csv_rows) + 1


def test_an_unknown_address_is_a_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"There is no such record" in response.content
