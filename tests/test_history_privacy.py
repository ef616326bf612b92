"""History tables name people only to signed-in readers; anonymous visitors see the role (issue 10)."""

from decimal import Decimal

import pytest

from follow_up.services import update_recommendation
from ratings.services import update_rating

from .builders import make_rating, make_recommendation

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_the_role_not_the_name(client, sam, ada, eve):
    rating = make_rating(value=Decimal("3"))
    update_rating(rating, version=rating.version, changes={"value": Decimal("2")}, user=sam)
    recommendation = make_recommendation()
    update_recommendation(recommendation, version=recommendation.version, changes={"status": "in_progress"}, user=ada)

    rating_page = client.get(rating.get_absolute_url()).content.decode()
    recommendation_page = client.get(recommendation.get_absolute_url()).content.decode()
    assert ">staff" in rating_page and "sam" not in rating_page
    assert "an admin" in recommendation_page and "ada" not in recommendation_page

    client.force_login(eve)
    assert "sam" in client.get(rating.get_absolute_url()).content.decode()
    assert "ada" in client.get(recommendation.get_absolute_url()).content.decode()
