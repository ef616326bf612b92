"""What loading the four reports leaves behind: first versions in the history, recommendations
that satisfy the follow-up rules, and a follow-up that reloading the reports keeps."""

import datetime

import pytest
from django.conf import settings

from findings.models import Recommendation
from ratings.models import Rating
from reports.loading import load_fixtures

pytestmark = pytest.mark.django_db


def owner_names(version):
    return {row.responsibilityowner.name for row in version.owners.all()}


def test_loading_the_reports_recorded_their_first_version():
    recommendation = Recommendation.objects.get(evaluation__slug="seco-smac-2019", number=1)
    first = recommendation.history.earliest()
    assert first.history_type == "+" and first.history_user is None
    assert owner_names(recommendation.history.latest()) == {"SECO"}
    assert Rating.history.count() >= Rating.objects.count()


def test_the_transcribed_recommendations_are_all_open_so_they_stay_valid():
    assert set(Recommendation.objects.values_list("status", flat=True)) == {Recommendation.Status.OPEN}
    for recommendation in Recommendation.objects.all():
        recommendation.full_clean()


def test_reloading_the_reports_keeps_the_follow_up():
    recommendation = Recommendation.objects.get(evaluation__slug="seco-smac-2019", number=1)
    recommendation.status = Recommendation.Status.IN_PROGRESS
    recommendation.due_date = datetime.date(2027, 6, 30)
    recommendation.save()
    summary = load_fixtures(settings.FIXTURES_DIR)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.due_date) == ("in_progress", datetime.date(2027, 6, 30))
    assert summary.created == 0
