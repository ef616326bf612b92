"""The reconciliation page as a list people refine: facets by evaluation, published table and status
whose counts equal the figures then listed, mismatches only, sorted by table or by difference,
each figure linked to the line items that recompute it (the linked page shows the same number),
a fixed number of queries whatever the number of projects, a 400 for a filter naming nothing, and
its entry in the main menu."""

import json
import re
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import PublishedFigure

from .builders import cited, make_allotment, make_evaluation, make_programme, make_project, make_published_figure
from .builders import region as region_of

pytestmark = pytest.mark.django_db


def figure(evaluation, key, measure, value, *, unit="count", section="Table 1", **kwargs):
    return make_published_figure(evaluation=evaluation, key=key, label=key.replace("-", " ").capitalize(),
                                 measure=measure, value=Decimal(value), printed_value=value, unit=unit,
                                 **cited(section=section, locator=f"row {key}"), **kwargs)


@pytest.fixture
def reports():
    """Two evaluations: "alpha" (3 projects, USD 600 allotted) with figures that match, differ, or cannot be
    recomputed (a rating without ratings); "beta" (1 project) with one that matches."""
    alpha = make_evaluation(slug="alpha", title="Alpha review", year=2010)
    programme = make_programme(evaluations=[alpha])
    make_project(programme=programme, region=region_of("AF"), amount="100", expenditure="50", status="closed")
    make_project(programme=programme, region=region_of("AF"), amount="200", expenditure="50", status="ongoing")
    make_project(programme=programme, region=region_of("ASIA"), amount="300", expenditure="100",
                 approach="export_consortia")
    figure(alpha, "projects", "projects", "3")
    figure(alpha, "allotment", "allotment_usd", "600", unit="USD")
    figure(alpha, "africa-projects", "projects", "2", section="Table 2", dimension="region", group="AF")
    figure(alpha, "africa-allotment", "allotment_usd", "250", unit="USD", section="Table 2", dimension="region",
           group="AF", explanation="The report adds a line of 50 that is not in its annex.")
    figure(alpha, "closed-allotment", "allotment_usd", "400", unit="USD", section="Table 3", dimension="status",
           group="closed")
    figure(alpha, "large-projects", "projects_over", "2", section="Table 4", group="150")
    beta = make_evaluation(slug="beta", title="Beta review", year=2015)
    make_project(programme=make_programme(evaluations=[beta]), amount="1000")
    figure(beta, "beta-projects", "projects", "1")
    return alpha, beta


def page(client, **params):
    response = client.get("/reconciliation/", params)
    assert response.status_code == 200
    return response


def keys(response):
    return re.findall(r'data-recomputed="([^"]+)"', response.content.decode())


def facet_counts(response, name):
    """{value: count} of a facet as the page lists it."""
    html = response.content.decode()
    found = {}
    for href, count in re.findall(r'<a href="\?([^"]*)"[^>]*>\s*<span class="facet-label">[^<]*</span> '
                                  r'<span class="count">(\d+)</span>', html):
        params = parse_qs(href.replace("&amp;", "&"))
        if name in params:
            found.setdefault(params[name][-1], int(count))
    return found


def test_every_figure_is_listed_grouped_by_evaluation_with_contents(client, reports):
    response = page(client)
    html = response.content.decode()
    assert len(keys(response)) == 7
    assert 'href="#evaluation-alpha"' in html and 'id="evaluation-beta"' in html
    assert html.index('id="evaluation-alpha"') < html.index('id="evaluation-beta"')  # the older report first
    assert "Printed in" in html and "The report adds a line of 50" in html  # where it is printed, and why


def test_the_status_facet_counts_equal_the_figures_listed(client, reports):
    counts = facet_counts(page(client), "status")
    assert counts == {"match": 6, "mismatch": 1}
    for status, count in counts.items():
        assert len(keys(page(client, status=status))) == count


def test_mismatches_only(client, reports):
    response = page(client, status="mismatch")
    assert keys(response) == ["africa-allotment"]
    assert "Status: Differs" in response.content.decode()  # a chip to undo it


def test_evaluation_and_table_facets_narrow_and_count(client, reports):
    assert facet_counts(page(client), "evaluation") == {"alpha": 6, "beta": 1}
    response = page(client, evaluation="alpha")
    assert len(keys(response)) == 6
    tables = facet_counts(response, "table")
    assert tables == {"Table 1": 2, "Table 2": 2, "Table 3": 1, "Table 4": 1}
    assert keys(page(client, evaluation="alpha", table="Table 2")) == ["africa-projects", "africa-allotment"]
    # Two values of a facet: either.
    assert len(keys(page(client, evaluation=["alpha", "beta"], table="Table 1"))) == 3


def test_sorted_by_table_or_by_difference(client, reports):
    by_table = keys(page(client, evaluation="alpha"))
    assert by_table == ["projects", "allotment", "africa-projects", "africa-allotment", "closed-allotment",
                        "large-projects"]
    assert keys(page(client, evaluation="alpha", sort="difference"))[0] == "africa-allotment"


def test_json_lists_the_same_rows_with_their_count(client, reports):
    data = json.loads(page(client, status="mismatch", format="json").content)
    assert data["count"] == 1 and data["rows"][0]["key"] == "africa-allotment"
    assert data["rows"][0]["recomputed"] == "300.00" and "/portfolio/summary/" in data["rows"][0]["line_items"]


def drilled(client, key):
    """The page the figure `key` links to as its line items, as text."""
    html = page(client, evaluation="alpha").content.decode()
    row = html[html.index(f'id="figure-{PublishedFigure.objects.get(key=key).pk}"'):]
    url = re.search(r'<a href="([^"]+)">See the line items', row).group(1).replace("&amp;", "&")
    linked = client.get(url)
    assert linked.status_code == 200
    return " ".join(linked.content.decode().split())


@pytest.mark.parametrize("key, shown", [
    ("projects", '<td class="num" data-label="Projects">3</td>'),  # the summary's Total row
    ("allotment", '<td class="num key" data-label="Total allotment">600</td>'),
    ("africa-projects", '<td class="num" data-label="Projects">2</td>'),
    ("africa-allotment", '<td class="num key" data-label="Total allotment">300</td>'),  # the Africa row
    ("closed-allotment", '<td class="num key" data-label="Total allotment">400</td>'),
    ("large-projects", 'data-total="projects">2</div>'),  # the portfolio of projects above 150
])
def test_following_a_figure_to_its_line_items_shows_the_recomputed_number(client, reports, key, shown):
    assert shown in drilled(client, key)


def test_the_queries_do_not_grow_with_the_number_of_projects(client, reports):
    alpha, beta = reports

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client)
        return len(captured)
    few = queries()
    programme = alpha.programmes.get()
    for code in ["AF", "ASIA", "LA"] * 3:
        make_project(programme=programme, region=region_of(code), lines=2)
    mixed = make_project(programme=programme)
    make_allotment(project=mixed, currency="CHF", amount="5")
    make_project(programme=beta.programmes.get(), currency="CHF", lines=3)
    assert queries() == few


@pytest.mark.parametrize("params, message", [
    ({"status": "wrong"}, "Unknown status “wrong”. Choose one of: match, mismatch, not-recomputable."),
    ({"evaluation": "gamma"}, "Unknown evaluation “gamma”. Choose one of: alpha, beta."),
    ({"table": "Table 9"}, "Unknown published table or section “Table 9”."),
    ({"sort": "size"}, "Unknown sort “size”. Choose one of: table, difference."),
])
def test_a_filter_naming_nothing_is_a_400_with_a_message(client, reports, params, message):
    response = client.get("/reconciliation/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_main_menu_has_reconciliation_current_on_its_page(client, reports):
    html = page(client).content.decode()
    assert '<a href="/reconciliation/" aria-current="page">Reconciliation</a>' in html
    assert '<a href="/sources/" >Sources</a>' in html
    home = client.get("/").content.decode()
    assert '<a href="/reconciliation/" >Reconciliation</a>' in home
