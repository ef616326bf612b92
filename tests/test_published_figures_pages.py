"""Pages that show published figures answer on any data a figure can hold (issue 8, bug 3):
/reconciliation/, /ratings/ and the evaluation page never answer 500."""

from decimal import Decimal

import pytest

from reports.reconciliation import Status, reconcile
from reports.reconciliation import tolerance as reconciliation_tolerance

from .builders import criterion, make_evaluation, make_programme, make_project, make_published_figure, make_rating

pytestmark = pytest.mark.django_db

PAGES = ["/reconciliation/", "/reconciliation/?format=csv", "/ratings/", "/ratings/?format=csv"]


@pytest.fixture
def evaluation():
    """An evaluation with two projects of one line each (1,000 allotted), closed, in Africa, started 2005."""
    evaluation = make_evaluation()
    programme = make_programme(evaluations=[evaluation])
    make_project(programme=programme)
    make_project(programme=programme)
    return evaluation


def answers(client, evaluation):
    return {url: client.get(url).status_code for url in [*PAGES, evaluation.get_absolute_url()]}


def status_of(figure):
    return next(result for result in reconcile(evaluation=figure.evaluation) if result.figure == figure).status


@pytest.mark.parametrize("figure", [
    {"measure": "projects", "dimension": "region", "group": "ASIA"},
    {"measure": "allotment_pct", "dimension": "status", "group": "ongoing"},
    {"measure": "average_project_usd", "dimension": "approach", "group": "global_forum"},
    {"measure": "projects_over_average", "dimension": "country", "group": "PE"},
    {"measure": "countries", "dimension": "year", "group": "1990,1991"},
], ids=lambda figure: figure["measure"])
def test_a_figure_whose_group_names_no_line(client, evaluation, figure):
    made = make_published_figure(evaluation=evaluation, **figure)
    assert set(answers(client, evaluation).values()) == {200}
    assert status_of(made) in (Status.MATCH, Status.MISMATCH, Status.NOT_RECOMPUTABLE)


@pytest.mark.parametrize("figure", [
    {"measure": "projects_over", "group": "a million"},
    {"measure": "projects_under"},
    {"measure": "countries", "dimension": "year", "group": "the nineties"},
], ids=lambda figure: figure["measure"])
def test_a_figure_that_cannot_be_recomputed_says_so(client, evaluation, figure):
    made = make_published_figure(evaluation=evaluation, **figure)
    assert set(answers(client, evaluation).values()) == {200}
    assert status_of(made) in (Status.NOT_RECOMPUTABLE, Status.MISMATCH)


@pytest.mark.parametrize("unit, printed, tolerance", [
    ("percent", "50.", Decimal("1")), ("USD", "$2. million", Decimal("1000000")), ("percent", "", Decimal("1")),
])
def test_a_figure_printed_with_a_bare_decimal_point(client, evaluation, unit, printed, tolerance):
    made = make_published_figure(evaluation=evaluation, measure="allotment_usd", unit=unit, printed_value=printed)
    assert set(answers(client, evaluation).values()) == {200}
    assert reconciliation_tolerance(made) == tolerance


def test_a_figure_with_no_line_items(client):
    evaluation = make_evaluation()
    made = make_published_figure(evaluation=evaluation, measure="allotment_usd", unit="USD")
    assert set(answers(client, evaluation).values()) == {200}
    assert status_of(made) == Status.NOT_RECOMPUTABLE


def test_shares_of_a_portfolio_with_nothing_allotted(client):
    evaluation = make_evaluation()
    make_project(programme=make_programme(evaluations=[evaluation]), amount="0", expenditure="0")
    made = make_published_figure(evaluation=evaluation, measure="allotment_pct", value=Decimal("100"), unit="percent")
    assert set(answers(client, evaluation).values()) == {200}
    assert status_of(made) == Status.NOT_RECOMPUTABLE


def test_a_rating_average_with_no_ratings_and_one_with_only_not_assessed(client):
    rating = make_rating(value=None, not_assessed=True)
    evaluation = rating.evaluation
    for code in ("relevance", "impact"):
        make_published_figure(evaluation=evaluation, measure="rating_average", criterion=criterion(code),
                              unit="score")
    assert set(answers(client, evaluation).values()) == {200}
