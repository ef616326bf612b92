"""The evidence map of the four reports: every cell as the ORM counts it, the agencies that
commissioned them, and UNIDO's and SECO's ratings on the common scale."""

from decimal import Decimal

import pytest

from findings.models import Finding
from overview.selectors import evidence_map
from ratings.models import Rating

pytestmark = pytest.mark.django_db


def cell(grid, criterion, column_slug):
    row = next(r for r in grid["rows"] if r["criterion"] and r["criterion"].code == criterion)
    return row["cells"][[c.slug for c in grid["columns"]].index(column_slug)]


def test_a_theme_cell_counts_what_a_direct_query_counts():
    expected = Finding.objects.filter(criteria__code="impact", themes__slug="monitoring-evaluation").distinct()
    assert expected.count() > 0
    assert cell(evidence_map(by="theme"), "impact", "monitoring-evaluation").findings == expected.count()


def test_every_cell_matches_the_orm_for_every_column_kind():
    for by, lookup in [("theme", "themes__slug"), ("evaluation", "evaluation__slug")]:
        grid = evidence_map(by=by)
        for row in grid["rows"][:-1]:  # the last row holds the untagged findings
            for column, found in zip(grid["columns"], row["cells"]):
                direct = Finding.objects.filter(criteria=row["criterion"], **{lookup: column.slug}).distinct()
                assert found.findings == direct.count(), (by, row["criterion"].code, column.slug)


def test_the_commissioning_agencies_are_ilo_seco_and_unido():
    grid = evidence_map(by="organisation")
    assert [c.slug for c in grid["columns"]] == ["ilo", "seco", "unido"]
    # UNIDO's evaluation was commissioned by its Evaluation Group, a unit of UNIDO.
    unido = Finding.objects.filter(criteria__code="relevance", evaluation__slug="unido-cnd-2010").count()
    relevance = cell(grid, "relevance", "unido")
    assert relevance.findings == unido and relevance.ratings == 9
    assert relevance.average == Decimal("96.3")


def test_unido_and_seco_rating_counts_and_averages():
    grid = evidence_map(by="evaluation")
    impact = cell(grid, "impact", "unido-cnd-2010")
    assert (impact.ratings, impact.assessed, impact.average) == (9, 1, Decimal("66.7"))
    seco = cell(grid, "relevance", "seco-smac-2019")
    assert (seco.ratings, seco.average) == (Rating.objects.filter(evaluation__slug="seco-smac-2019",
                                                                  criterion__code="relevance").count(), Decimal("83.3"))


def test_unidos_design_criterion_comes_after_the_oecd_dac_ones():
    codes = [row["criterion"].code for row in evidence_map(by="evaluation")["rows"][:-1]]
    assert codes[:6] == ["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability"]
    assert "design" in codes[6:]


def test_the_page_links_the_reports_cells_to_the_findings_search(client):
    html = client.get("/ratings/evidence-map/", {"by": "theme"}).content.decode()
    assert 'href="/findings/?criterion=impact&amp;theme=monitoring-evaluation&amp;type=finding"' in html
    html = client.get("/ratings/evidence-map/", {"by": "organisation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;organisation=unido&amp;type=finding"' in html
    assert 'class="heat-4"' in html
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;evaluation=unido-cnd-2010&amp;type=finding"' in html


@pytest.mark.parametrize("by", ["theme", "evaluation"])
def test_every_linked_search_lists_as_many_findings_as_the_cell_counts(client, by):
    cells = [found for row in evidence_map(by=by)["rows"] for found in row["cells"] if found.findings]
    assert cells
    for found in cells:
        response = client.get(found.findings_url)
        assert response.context["page"].paginator.count == found.findings, found.findings_url


def test_unido_coherence_is_an_evidence_gap(client):
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    coherence = cell(evidence_map(by="evaluation"), "coherence", "unido-cnd-2010")
    assert coherence.evidence == 0 and coherence.heat == 0
    assert "criterion=coherence&amp;evaluation=unido-cnd-2010" not in html
