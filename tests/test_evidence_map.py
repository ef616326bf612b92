"""The evidence map: criteria x theme / organisation / evaluation, counted in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import Participation
from findings.models import Finding
from overview.selectors import evidence_map
from reference.models import Criterion

from .builders import (
    country,
    criterion,
    make_evaluation,
    make_finding,
    make_organisation,
    make_rating,
    make_scale,
    make_theme,
)

pytestmark = pytest.mark.django_db


def cell(grid, criterion_code, column_slug):
    row = next(r for r in grid["rows"] if r["criterion"] and r["criterion"].code == criterion_code)
    return row["cells"][[c.slug for c in grid["columns"]].index(column_slug)]


@pytest.fixture
def mapped():
    """An agency commissions `map-two`; its unit commissions `map-one`. Themes `map-monitoring` and
    `map-exports`. Ratings on a 1-4 scale (4 best, 0 = not assessed).

    map-one  F1 impact+relevance, monitoring    relevance: CO 4 (supported by F1), IN 3
             F2 impact, monitoring+exports      impact:    CO not assessed, IN 3
             F3 relevance, no theme
    map-two  F4 relevance, exports              relevance: SN 2
    """
    agency = make_organisation(slug="map-agency", name="Map agency")
    one = make_evaluation(slug="map-one", commissioner=make_organisation(slug="map-unit", parent=agency))
    two = make_evaluation(slug="map-two", commissioner=agency)
    monitoring, exports = make_theme(slug="map-monitoring"), make_theme(slug="map-exports")
    relevance, impact = criterion("relevance"), criterion("impact")
    f1 = make_finding(evaluation=one, criteria=[impact, relevance], themes=[monitoring])
    make_finding(evaluation=one, criteria=[impact], themes=[monitoring, exports])
    make_finding(evaluation=one, criteria=[relevance])
    make_finding(evaluation=two, criteria=[relevance], themes=[exports])
    scale = make_scale(not_assessed_value=Decimal("0"))

    def rate(evaluation, code, iso2, value):
        return make_rating(evaluation=evaluation, criterion=criterion(code), country=country(iso2), scale=scale,
                           value=Decimal(value), not_assessed=value == "0")

    rate(one, "relevance", "CO", "4").supporting_findings.add(f1)
    rate(one, "relevance", "IN", "3")
    rate(one, "impact", "CO", "0")
    rate(one, "impact", "IN", "3")
    rate(two, "relevance", "SN", "2")
    return {"agency": agency, "one": one, "two": two, "scale": scale}


def test_a_theme_cell_counts_the_findings_tagged_with_both():
    theme = make_theme(slug="map-certification")
    make_finding(criteria=[criterion("impact")], themes=[theme])
    make_finding(criteria=[criterion("impact"), criterion("relevance")], themes=[theme])
    make_finding(criteria=[criterion("relevance")], themes=[theme])
    make_finding(criteria=[criterion("impact")])
    grid = evidence_map(by="theme")
    assert (cell(grid, "impact", "map-certification").findings, cell(grid, "relevance", "map-certification").findings,
            cell(grid, "coherence", "map-certification").findings) == (2, 2, 0)


@pytest.mark.parametrize("by, lookup, columns", [
    ("theme", "themes__slug", ["map-monitoring", "map-exports"]),
    ("evaluation", "evaluation__slug", ["map-one", "map-two"]),
])
def test_every_cell_matches_the_orm(mapped, by, lookup, columns):
    grid = evidence_map(by=by)
    counted = 0
    for row in grid["rows"][:-1]:  # the last row holds the untagged findings
        for slug in columns:
            direct = Finding.objects.filter(criteria=row["criterion"], **{lookup: slug}).distinct().count()
            assert cell(grid, row["criterion"].code, slug).findings == direct, (by, row["criterion"].code, slug)
            counted += direct
    assert counted > 0


def test_organisation_columns_are_commissioning_agencies_with_their_units(mapped):
    grid = evidence_map(by="organisation")
    slugs = [c.slug for c in grid["columns"]]
    assert "map-agency" in slugs and "map-unit" not in slugs
    relevance = cell(grid, "relevance", "map-agency")  # F1, F3 (by the unit) and F4 (by the agency)
    assert (relevance.findings, relevance.ratings, relevance.average) == (3, 3, Decimal("66.7"))


def test_rating_counts_and_averages_per_evaluation(mapped):
    grid = evidence_map(by="evaluation")
    impact = cell(grid, "impact", "map-one")
    assert (impact.findings, impact.ratings, impact.assessed, impact.average) == (2, 2, 1, Decimal("66.7"))
    relevance = cell(grid, "relevance", "map-one")
    assert (relevance.findings, relevance.ratings, relevance.assessed, relevance.average) == (
        2, 2, 2, Decimal("83.3"))
    assert cell(grid, "relevance", "map-two").average == Decimal("33.3")


def test_ratings_reach_a_theme_through_their_supporting_findings(mapped):
    grid = evidence_map(by="theme")
    monitoring = cell(grid, "relevance", "map-monitoring")
    assert (monitoring.findings, monitoring.ratings, monitoring.average) == (1, 1, Decimal("100.0"))
    assert cell(grid, "relevance", "map-exports").ratings == 0  # F4 supports no rating


def test_a_rating_counts_once_per_theme_however_many_of_its_findings_carry_it(mapped):
    rating = mapped["one"].ratings.get(criterion__code="relevance", country__iso2="IN")
    theme = make_theme(slug="map-market-access")
    for _ in range(2):
        rating.supporting_findings.add(make_finding(evaluation=mapped["one"], themes=[theme]))
    found = cell(evidence_map(by="theme"), "relevance", "map-market-access")
    assert (found.ratings, found.average) == (1, Decimal("66.7"))


def test_rows_are_the_oecd_dac_criteria_then_the_report_specific_ones(client):
    Criterion.objects.create(code="map-design", name="Map design", kind="report_specific", order=200)
    codes = [row["criterion"].code for row in evidence_map(by="evaluation")["rows"][:-1]]
    assert codes[:6] == ["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability"]
    assert "map-design" in codes[6:]
    assert "Map design <span class=\"kind\">(report-specific)</span>" in client.get(
        "/ratings/evidence-map/", {"by": "evaluation"}).content.decode()


def test_the_page_links_each_non_empty_cell_to_the_findings_search(client, mapped):
    html = client.get("/ratings/evidence-map/", {"by": "theme"}).content.decode()
    assert 'href="/findings/?criterion=impact&amp;theme=map-monitoring&amp;type=finding"' in html
    html = client.get("/ratings/evidence-map/", {"by": "organisation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;organisation=map-agency&amp;type=finding"' in html
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;evaluation=map-one&amp;type=finding"' in html


@pytest.mark.parametrize("by, columns, non_empty", [("theme", ["map-monitoring", "map-exports"], 4),
                                                    ("evaluation", ["map-one", "map-two"], 3)])
def test_the_linked_search_lists_as_many_findings_as_the_cell_counts(client, mapped, by, columns, non_empty):
    grid = evidence_map(by=by)
    cells = [cell(grid, row["criterion"].code, slug) for row in grid["rows"][:-1] for slug in columns]
    cells = [found for found in cells if found.findings]
    assert len(cells) == non_empty
    for found in cells:
        response = client.get(found.findings_url)
        assert response.context["page"].paginator.count == found.findings, found.findings_url


def test_the_linked_search_for_an_organisation_lists_as_many_findings_as_the_cell_counts(client, mapped):
    elsewhere = make_evaluation()
    Participation.objects.create(evaluation=elsewhere, organisation=mapped["agency"], role="partner")
    make_finding(evaluation=elsewhere, criteria=[criterion("relevance")])
    found = cell(evidence_map(by="organisation"), "relevance", "map-agency")
    assert client.get(found.findings_url).context["page"].paginator.count == found.findings


def test_empty_cells_are_shown_and_explained_as_gaps(client, mapped):
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    coherence = cell(evidence_map(by="evaluation"), "coherence", "map-one")
    assert coherence.evidence == 0 and coherence.heat == 0
    assert '<td class="heat-0"><span class="gap">gap</span></td>' in html
    assert "evidence gaps" in html
    assert "criterion=coherence&amp;evaluation=map-one" not in html


def test_cells_are_coloured_by_count_with_classes_not_inline_styles(client, mapped):
    for _ in range(7):
        make_finding(evaluation=mapped["two"], criteria=[criterion("relevance")])
    assert cell(evidence_map(by="organisation"), "relevance", "map-agency").heat == 4  # 10 findings, 3 ratings
    html = client.get("/ratings/evidence-map/", {"by": "organisation"}).content.decode()
    assert '<link rel="stylesheet" href="/static/css/ratings.css">' in html
    assert 'class="heat-4"' in html and "style=" not in html and "<script>" not in html
    assert "8 or more" in html  # the legend


def test_an_unknown_column_is_a_message_not_an_error(client):
    response = client.get("/ratings/evidence-map/", {"by": "colour"})
    assert response.status_code == 400
    assert "Unknown column “colour”" in response.content.decode()


def add_evidence(n):
    """`n` evaluations commissioned by units of new agencies, each with a finding on every criterion
    and new theme, and a rating that finding supports."""
    themes = [make_theme() for _ in range(3)]
    for _ in range(n):
        evaluation = make_evaluation(commissioner=make_organisation(parent=make_organisation()))
        finding = make_finding(evaluation=evaluation, criteria=Criterion.objects.all(), themes=themes)
        make_rating(evaluation=evaluation).supporting_findings.add(finding)


@pytest.mark.parametrize("by", ["theme", "organisation", "evaluation"])
def test_queries_are_fixed_whatever_the_data(client, by):
    add_evidence(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/ratings/evidence-map/", {"by": by}).status_code == 200
    add_evidence(5)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/ratings/evidence-map/", {"by": by})
    assert response.status_code == 200
    assert len(many) == len(few) <= 8


def test_findings_without_a_criterion_count_in_the_untagged_row_never_as_a_gap(client):
    evaluation = make_evaluation(slug="untagged-case")
    for _ in range(3):
        make_finding(evaluation=evaluation)
    grid = evidence_map(by="evaluation")
    untagged = grid["rows"][-1]
    assert untagged["criterion"] is None
    column = [c.slug for c in grid["columns"]].index("untagged-case")
    assert untagged["cells"][column].findings == 3
    page = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    assert "No criterion tagged" in page
    linked = client.get(untagged["cells"][column].findings_url)
    assert linked.context["page"].paginator.count == 3
