"""Audit history: who changed what, seen and reverted in the admin."""

import pytest

from follow_up.services import transcribe_recommendation

from .builders import (
    admin_form_data,
    make_evaluation,
    make_finding,
    make_owner,
    make_rating,
    make_recommendation,
    make_response,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, ada):
    client.force_login(ada)
    return ada


@pytest.fixture
def recommendation():
    """A recommendation with one owner and a management response (its inline is posted back unchanged)."""
    recommendation = make_recommendation(owners=[make_owner("Cluster unit")])
    make_response(recommendation, actions=["Publish a monitoring manual."])
    return recommendation


def change_status(client, recommendation, status):
    url = f"/admin/findings/recommendation/{recommendation.pk}/change/"
    data = admin_form_data(client.get(url)) | {"status": status}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    recommendation.refresh_from_db()


def owner_names(version):
    return {row.responsibilityowner.name for row in version.owners.all()}


def test_loading_a_report_records_the_first_version_without_a_user():
    owner = make_owner("Cluster unit")
    recommendation, state = transcribe_recommendation(
        evaluation=make_evaluation(), number=1, values={"text": "As printed."},
        follow_up={"status": "open", "due_date": None}, m2m={"owners": [owner]})
    assert state == "created"
    first = recommendation.history.earliest()
    assert (first.history_type, first.history_user, first.history_change_reason) == (
        "+", None, "Loaded from the report")
    assert owner_names(recommendation.history.latest()) == {"Cluster unit"}


def test_a_change_in_the_admin_records_the_user_and_the_old_value(client, admin, recommendation):
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


def test_the_admin_reverts_to_an_earlier_version(client, admin, recommendation):
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


def test_owner_changes_are_in_the_recommendation_history(client, admin, recommendation):
    url = f"/admin/findings/recommendation/{recommendation.pk}/change/"
    donors = make_owner("Donors of the history check")
    data = admin_form_data(client.get(url))
    data["owners"] = [*data["owners"], str(donors.pk)]
    assert client.post(url, data).status_code == 302
    versions = list(recommendation.history.all()[:2])
    assert owner_names(versions[0]) == {"Cluster unit", "Donors of the history check"}
    assert owner_names(versions[1]) == {"Cluster unit"}


def test_who_may_only_view_a_record_sees_its_history_but_cannot_revert_it(client, sam, recommendation):
    """django-simple-history's revert view checks only the view permission; accounts.history adds the check."""
    sam.is_staff = True
    sam.save(update_fields=["is_staff"])
    client.force_login(sam)
    text = recommendation.text
    url = f"/admin/findings/recommendation/{recommendation.pk}/history/{recommendation.history.earliest().history_id}/"
    assert client.get(f"/admin/findings/recommendation/{recommendation.pk}/history/").status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    revert = client.post(url, admin_form_data(page) | {"status": "implemented", "text": "Rewritten"})
    assert revert.status_code == 403
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.text, recommendation.version) == ("open", text, 1)


def test_evaluators_never_reach_the_history(client, eve, recommendation):
    client.force_login(eve)
    response = client.get(f"/admin/findings/recommendation/{recommendation.pk}/history/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_rating_changed_in_the_admin_keeps_its_earlier_value(client, admin):
    rating = make_rating(value=3)
    url = f"/admin/ratings/rating/{rating.pk}/change/"
    response = client.post(url, admin_form_data(client.get(url)) | {"value": "2"})
    assert response.status_code == 302
    latest = rating.history.latest()
    assert (latest.history_user, latest.value, latest.prev_record.value) == (admin, 2, 3)


def test_a_finding_page_shows_who_changed_it(client, sam):
    finding = make_finding(title="A blunt title")
    finding._history_user = sam
    finding.title = "A sharper title"
    finding.save()
    client.force_login(sam)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "sam" in page and "A sharper title" in page and "title:" in page
