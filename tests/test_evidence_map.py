"""The evidence map: criteria x theme / organisation / evaluation, counted in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import Evaluation
from findings.models import Finding
from overview.selectors import evidence_map
from ratings.models import Rating
from reference.models import Criterion, Theme

from .builders import build_rating, make_evaluation, make_organisation

pytestmark = pytest.mark.django_db


def cell(grid, criterion, column_slug):
    row = next(r for r in grid["rows"] if r["criterion"].code == criterion)
    return row["cells"][[c.slug for c in grid["columns"]].index(column_slug)]


def test_a_theme_cell_counts_what_a_direct_query_counts():
    grid = evidence_map(by="theme")
    expected = Finding.objects.filter(criteria__code="impact", themes__slug="monitoring-evaluation").distinct()
    assert expected.count() > 0
    assert cell(grid, "impact", "monitoring-evaluation").findings == expected.count()


def test_every_cell_matches_the_orm_for_every_column_kind():
    for by, lookup in [("theme", "themes__slug"), ("evaluation", "evaluation__slug")]:
        grid = evidence_map(by=by)
        for row in grid["rows"]:
            for column, found in zip(grid["columns"], row["cells"]):
                direct = Finding.objects.filter(criteria=row["criterion"], **{lookup: column.slug}).distinct()
                assert found.findings == direct.count(), (by, row["criterion"].code, column.slug)


def test_organisation_columns_are_commissioning_agencies_with_their_units():
    grid = evidence_map(by="organisation")
    assert [c.slug for c in grid["columns"]] == ["ilo", "seco", "unido"]
    # UNIDO's evaluation was commissioned by its Evaluation Group, a unit of UNIDO.
    unido = Finding.objects.filter(criteria__code="relevance", evaluation__slug="unido-cnd-2010").count()
    relevance = cell(grid, "relevance", "unido")
    assert relevance.findings == unido and relevance.ratings == 9
    assert relevance.average == Decimal("96.3")


def test_rating_counts_and_averages_per_evaluation():
    grid = evidence_map(by="evaluation")
    impact = cell(grid, "impact", "unido-cnd-2010")
    assert (impact.ratings, impact.assessed, impact.average) == (9, 1, Decimal("66.7"))
    seco = cell(grid, "relevance", "seco-smac-2019")
    assert (seco.ratings, seco.average) == (Rating.objects.filter(evaluation__slug="seco-smac-2019",
                                                                  criterion__code="relevance").count(), Decimal("83.3"))


def test_a_rating_counts_once_per_theme_however_many_of_its_findings_carry_it():
    rating = Rating.objects.get(evaluation__slug="seco-smac-2019", criterion__code="relevance")
    theme = Theme.objects.get(slug="market-access")
    for code in ("X1", "X2"):
        finding = Finding.objects.create(evaluation=rating.evaluation, code=code, title=code, text="...",
                                         evidence_kind="desk_review")
        finding.themes.add(theme)
        rating.supporting_findings.add(finding)
    found = cell(evidence_map(by="theme"), "relevance", "market-access")
    assert (found.ratings, found.average) == (1, Decimal("83.3"))


def test_rows_are_the_oecd_dac_criteria_then_the_report_specific_ones():
    codes = [row["criterion"].code for row in evidence_map(by="evaluation")["rows"]]
    assert codes[:6] == ["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability"]
    assert "design" in codes[6:]


def test_the_page_links_each_non_empty_cell_to_the_findings_search(client):
    html = client.get("/ratings/evidence-map/", {"by": "theme"}).content.decode()
    assert 'href="/findings/?criterion=impact&amp;theme=monitoring-evaluation&amp;type=finding"' in html
    html = client.get("/ratings/evidence-map/", {"by": "organisation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;organisation=unido&amp;type=finding"' in html
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    assert 'href="/findings/?criterion=relevance&amp;evaluation=unido-cnd-2010&amp;type=finding"' in html


@pytest.mark.parametrize("by", ["theme", "evaluation"])
def test_the_linked_search_lists_as_many_findings_as_the_cell_counts(client, by):
    grid = evidence_map(by=by)
    cells = [cell for row in grid["rows"] for cell in row["cells"] if cell.findings]
    assert cells
    for found in cells:
        response = client.get(found.findings_url)
        assert response.context["page"].paginator.count == found.findings, found.findings_url


def test_empty_cells_are_shown_and_explained_as_gaps(client):
    html = client.get("/ratings/evidence-map/", {"by": "evaluation"}).content.decode()
    coherence = cell(evidence_map(by="evaluation"), "coherence", "unido-cnd-2010")
    assert coherence.evidence == 0 and coherence.heat == 0
    assert '<td class="heat-0"><span class="gap">gap</span></td>' in html
    assert "evidence gaps" in html
    assert "criterion=coherence&amp;evaluation=unido-cnd-2010" not in html


def test_cells_are_coloured_by_count_with_classes_not_inline_styles(client):
    html = client.get("/ratings/evidence-map/", {"by": "organisation"}).content.decode()
    assert '<link rel="stylesheet" href="/static/css/ratings.css">' in html
    assert 'class="heat-4"' in html and "style=" not in html and "<script>" not in html
    assert "8 or more" in html  # the legend


def test_an_unknown_column_is_a_message_not_an_error(client):
    response = client.get("/ratings/evidence-map/", {"by": "colour"})
    assert response.status_code == 400
    assert "Unknown column “colour”" in response.content.decode()


@pytest.mark.parametrize("by", ["theme", "organisation", "evaluation"])
def test_queries_are_fixed_whatever_the_data(client, by):
    with CaptureQueriesContext(connection) as before:
        assert client.get("/ratings/evidence-map/", {"by": by}).status_code == 200
    themes = [Theme.objects.create(slug=f"test-theme-{n}", name=f"Test theme {n}") for n in range(5)]
    for n in range(5):
        evaluation = make_evaluation(commissioner=make_organisation(parent=make_organisation()))
        finding = Finding.objects.create(evaluation=evaluation, code="F1", title="t", text="...",
                                         evidence_kind="desk_review")
        finding.criteria.add(*Criterion.objects.all())
        finding.themes.add(*themes)
        rating = build_rating(evaluation=evaluation)
        rating.save()
        rating.supporting_findings.add(finding)
    with CaptureQueriesContext(connection) as after:
        assert client.get("/ratings/evidence-map/", {"by": by}).status_code == 200
    assert len(after) == len(before) <= 8
    assert Evaluation.objects.count() == 9
