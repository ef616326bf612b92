"""Money is never summed across currencies: every total, column and export states its currency
(issue 8, bug 4), and a project's stored totals follow its lines whatever writes them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluations.models import PublishedFigure
from projects.models import Project
from projects.services import refresh_totals
from reports.reconciliation import reconcile

from .builders import make_allotment, make_evaluation, make_programme, make_project, make_published_figure, read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return make_programme(slug="two-currencies", evaluations=[make_evaluation(slug="two-currencies-review")])


@pytest.fixture
def portfolio(programme):
    """A US dollar project, a Swiss franc project and a project with lines in both."""
    dollars = make_project(programme=programme, number="USD0001", amount="1000", expenditure="500")
    francs = make_project(programme=programme, number="CHF0001", amount="500000", expenditure="100000",
                          currency="CHF")
    both = make_project(programme=programme, number="MIX0001", amount="200", expenditure="100")
    make_allotment(project=both, number="MIX0001CHF", amount="3000", expenditure="1000", currency="CHF")
    refresh_totals([dollars.pk, francs.pk, both.pk])
    return dollars, francs, both


def test_a_project_stores_its_totals_only_in_its_one_currency(portfolio):
    dollars, francs, both = (Project.objects.get(pk=p.pk) for p in portfolio)
    assert (dollars.currency, dollars.allotment_total, dollars.allotment_count) == ("USD", Decimal("1000"), 1)
    assert (francs.currency, francs.allotment_total) == ("CHF", Decimal("500000"))
    assert (both.currency, both.allotment_total, both.allotment_count, both.mixed_currencies) == ("", None, 2, True)


def test_the_portfolio_totals_are_per_currency(client, portfolio):
    response = client.get("/portfolio/", {"programme": "two-currencies"})
    by_currency = {row["currency"]: row for row in response.context["totals"]["by_currency"]}
    assert by_currency["USD"]["allotment"] == Decimal("1200.00")
    assert by_currency["CHF"]["allotment"] == Decimal("503000.00")
    page = response.content.decode()
    assert "CHF 503,000" in page and "USD 1,200" in page
    assert "Allotment (USD)" not in page


def test_a_mixed_project_shows_each_currency_never_a_sum(client, portfolio):
    page = " ".join(client.get("/portfolio/", {"programme": "two-currencies"}).content.decode().split())
    assert ">mixed</td>" in page and "CHF 3,000<br>USD 200" in page
    assert "3,200" not in page


def test_the_csv_names_each_projects_currency(client, portfolio):
    rows = {r["number"]: r for r in read_csv(client.get("/portfolio/", {"programme": "two-currencies",
                                                                        "format": "csv"}))}
    assert (rows["CHF0001"]["currency"], rows["CHF0001"]["allotment"]) == ("CHF", "500000.00")
    assert (rows["USD0001"]["currency"], rows["USD0001"]["allotment"]) == ("USD", "1000.00")
    assert (rows["MIX0001"]["currency"], rows["MIX0001"]["allotment"]) == ("mixed", "")


def test_the_summary_has_a_row_and_a_total_per_currency(client, portfolio):
    rows = read_csv(client.get("/portfolio/summary/", {"programme": "two-currencies", "by": "region",
                                                       "format": "csv"}))
    totals = {r["currency"]: r for r in rows if r["group"] == "Total"}
    assert totals["CHF"]["allotment"] == "503000.00" and totals["CHF"]["allotment_pct"] == "100.0"
    assert totals["USD"]["allotment"] == "1200.00" and totals["USD"]["projects"] == "2"


def test_the_project_page_totals_each_currency(client, portfolio):
    page = " ".join(client.get("/portfolio/MIX0001/").content.decode().split())
    assert "Total in CHF (1 line)" in page and "Total in USD (1 line)" in page


def test_reconciliation_recomputes_money_in_the_figures_currency(portfolio, programme):
    evaluation = programme.evaluations.get()
    francs = make_published_figure(evaluation=evaluation, measure="allotment_usd", unit="CHF",
                                   value=Decimal("503000"))
    dollars = make_published_figure(evaluation=evaluation, measure="allotment_usd", unit="USD",
                                    value=Decimal("1200"))
    results = {r.figure.pk: r for r in reconcile(evaluation=evaluation)}
    assert (results[francs.pk].recomputed, results[francs.pk].status) == (Decimal("503000.00"), "match")
    assert (results[dollars.pk].recomputed, results[dollars.pk].status) == (Decimal("1200.00"), "match")


@pytest.mark.parametrize("field, value", [("dimension", "regoin"), ("measure", "allotment_eur")])
def test_a_figure_with_an_unknown_measure_or_dimension_is_refused(field, value):
    values = {"measure": "projects", "dimension": "", field: value}
    figure = PublishedFigure(evaluation=make_evaluation(), key="typo", label="Typo", value=Decimal("1"),
                             unit="count", **values)
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert f"Value '{value}' is not a valid choice." in refused.value.message_dict[field]


def test_a_sort_link_replaces_the_sort_and_goes_back_to_page_one(client, portfolio):
    page = client.get("/portfolio/", {"programme": "two-currencies", "sort": "-allotment", "page": "1"})
    html = page.content.decode()
    assert "?programme=two-currencies&amp;sort=number" in html
    assert "sort=-allotment&amp;programme" not in html and "sort=number&amp;sort" not in html
