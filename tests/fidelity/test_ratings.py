"""UNIDO Table 8 and SECO's portfolio ratings, cell by cell."""

from decimal import Decimal

import pytest

from ratings.models import Rating
from reports.reconciliation import reconcile

pytestmark = pytest.mark.django_db

COUNTRIES = ["CO", "EC", "ET", "IN", "MA", "NI", "PE", "SN", "TN"]
TABLE_8 = {
    "design": ("2 3 2 4 4 4 2 4 4", "3.22", "3.22"),
    "relevance": ("4 4 4 4 4 3 4 4 4", "3.89", "3.89"),
    "efficiency": ("2 3 4 4 4 3 3 3 4", "3.33", "3.33"),
    "effectiveness": ("3 3 4 4 4 3 3 3 3", "3.33", "3.33"),
    "impact": ("0 0 0 3 0 0 0 0 0", "0.33", "3.00"),
    "sustainability": ("4 2 3 4 3 2 1 0 2", "2.33", "2.63"),
}


@pytest.mark.parametrize("criterion", TABLE_8)
def test_every_table_8_cell(criterion):
    ratings = Rating.objects.filter(evaluation__slug="unido-cnd-2010", criterion__code=criterion)
    cells = {r.country.iso2: r for r in ratings.select_related("country")}
    assert sorted(cells) == sorted(COUNTRIES)
    for country, printed in zip(COUNTRIES, TABLE_8[criterion][0].split()):
        rating = cells[country]
        assert rating.value == Decimal(printed)
        assert rating.not_assessed is (printed == "0")
        assert rating.normalised_value is None if printed == "0" else rating.normalised_value is not None


@pytest.mark.parametrize("criterion", TABLE_8)
def test_table_8_published_and_assessed_only_averages(criterion):
    result = next(r for r in reconcile() if r.figure.key == f"t8-{criterion}-average")
    _, published, assessed_only = TABLE_8[criterion]
    assert result.figure.value == Decimal(published)
    assert result.recomputed == Decimal(published) and result.status == "match"
    assert result.alternative == Decimal(assessed_only)


def test_not_assessed_is_not_zero_on_the_normalised_scale():
    impact = Rating.objects.filter(evaluation__slug="unido-cnd-2010", criterion__code="impact")
    india_impact, colombia_impact = impact.get(country__iso2="IN"), impact.get(country__iso2="CO")
    assert india_impact.normalised_value == Decimal("66.7")
    assert colombia_impact.display_value == "not assessed" and colombia_impact.normalised_value is None


@pytest.mark.parametrize("criterion, value, normalised", [
    ("relevance", "1.5", "83.3"), ("effectiveness", "2", "66.7"),
    ("efficiency", "1.9", "70.0"), ("sustainability", "2.4", "53.3"),
])
def test_seco_four_portfolio_averages(criterion, value, normalised):
    rating = Rating.objects.get(evaluation__slug="seco-smac-2019", criterion__code=criterion,
                                programme__slug="seco-smac")
    assert rating.value == Decimal(value)
    assert rating.scale.best_is_high is False  # 1 = highly satisfactory
    assert rating.normalised_value == Decimal(normalised)
    figure = next(r for r in reconcile() if r.figure.key == f"portfolio-{criterion}-average")
    assert figure.figure.value == Decimal(value) and figure.alternative == Decimal(value)


def test_seco_gives_no_impact_rating():
    assert not Rating.objects.filter(evaluation__slug="seco-smac-2019", criterion__code="impact").exists()
