"""Audit history: who changed what, seen and reverted in the admin."""

import pytest

from accounts.roles import add_user
from findings.models import Recommendation, ResponsibilityOwner
from ratings.models import Rating

from .builders import admin_form_data, make_rating, make_recommendation

pytestmark = pytest.mark.django_db

PASSWORD = "grey-heron-over-the-delta"


@pytest.fixture
def admin(client):
    user = add_user(username="ada", role="admin", password=PASSWORD)
    client.force_login(user)
    return user


def change_status(client, recommendation, status):
    url = f"/admin/findings/recommendation/{recommendation.pk}/change/"
    data = admin_form_data(client.get(url)) | {"status": status}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    recommendation.refresh_from_db()


def owner_names(version):
    return {row.responsibilityowner.name for row in version.owners.all()}


def seco(number):
    return Recommendation.objects.get(evaluation__slug="seco-smac-2019", number=number)


def test_loading_the_reports_recorded_their_first_version():
    recommendation = seco(1)
    first = recommendation.history.earliest()
    assert first.history_type == "+" and first.history_user is None
    assert owner_names(recommendation.history.latest()) == {"SECO"}
    assert Rating.history.count() >= Rating.objects.count()


def test_a_change_in_the_admin_records_the_user_and_the_old_value(client, admin):
    recommendation = seco(1)  # it has a management response: the inline is posted back unchanged
    versions = recommendation.history.count()
    change_status(client, recommendation, "in_progress")
    assert recommendation.status == "in_progress"
    assert recommendation.history.count() == versions + 1
    latest = recommendation.history.latest()
    assert (latest.history_type, latest.history_user, latest.status) == ("~", admin, "in_progress")
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("status", "open", "in_progress"), ("version", 1, 2)]
    page = " ".join(client.get(f"/admin/findings/recommendation/{recommendation.pk}/history/").content.decode().split())
    assert f'<a href="/admin/auth/user/{admin.pk}/change/">ada</a>' in page
    assert "<strong>Status:</strong> open &nbsp;&rarr;&nbsp;&nbsp;in_progress" in page


def test_the_admin_reverts_to_an_earlier_version(client, admin):
    recommendation = seco(2)
    before = recommendation.history.latest()
    change_status(client, recommendation, "not_accepted")

    url = f"/admin/findings/recommendation/{recommendation.pk}/history/{before.history_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "Revert" in page.content.decode()
    response = client.post(url, admin_form_data(page))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "open"
    assert (recommendation.history.latest().history_user, recommendation.history.latest().status) == (admin, "open")


def test_owner_changes_are_in_the_recommendation_history(client, admin):
    recommendation = make_recommendation(owners=["SECO"])
    url = f"/admin/findings/recommendation/{recommendation.pk}/change/"
    donors = ResponsibilityOwner.objects.get(name="Donors")
    data = admin_form_data(client.get(url))
    data["owners"] = [*data["owners"], str(donors.pk)]
    assert client.post(url, data).status_code == 302
    versions = list(recommendation.history.all()[:2])
    assert owner_names(versions[0]) == {"SECO", "Donors"}
    assert owner_names(versions[1]) == {"SECO"}


def test_who_may_only_view_a_record_sees_its_history_but_cannot_revert_it(client):
    """django-simple-history's revert view checks only the view permission; accounts.history adds the check."""
    user = add_user(username="sam", role="staff", password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    recommendation = seco(1)
    text = recommendation.text
    url = f"/admin/findings/recommendation/{recommendation.pk}/history/{recommendation.history.earliest().history_id}/"
    assert client.get(f"/admin/findings/recommendation/{recommendation.pk}/history/").status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    revert = client.post(url, admin_form_data(page) | {"status": "implemented", "text": "Rewritten"})
    assert revert.status_code == 403
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.text) == ("open", text)


def test_evaluators_never_reach_the_history(client):
    client.force_login(add_user(username="eve", role="evaluator", password=PASSWORD))
    response = client.get(f"/admin/findings/recommendation/{seco(1).pk}/history/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_rating_changed_in_the_admin_keeps_its_earlier_value(client, admin):
    rating = make_rating(value=3)
    url = f"/admin/ratings/rating/{rating.pk}/change/"
    response = client.post(url, admin_form_data(client.get(url)) | {"value": "2"})
    assert response.status_code == 302
    latest = rating.history.latest()
    assert (latest.history_user, latest.value, latest.prev_record.value) == (admin, 2, 3)


def test_a_finding_page_shows_who_changed_it(client):
    from django.contrib.auth import get_user_model

    from findings.models import Finding

    finding = Finding.objects.get(evaluation__slug="seco-smac-2019", code="F01")
    editor = get_user_model().objects.create_user("fiona")
    finding._history_user = editor
    finding.title = "A sharper title"
    finding.save()
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "staff" in page and "fiona" not in page and "A sharper title" in page and "title:" in page
    client.force_login(editor)
    assert "fiona" in client.get(f"/findings/{finding.pk}/").content.decode()
