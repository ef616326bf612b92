"""Two people editing one recommendation: a save from a form loaded before someone else's save is
refused with what changed, on the follow-up form and in the Django admin alike."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import add_user
from evalbase.lib.versioning import EditConflict
from findings.models import Recommendation
from follow_up.services import update_recommendation

from .builders import admin_form_data, make_evaluation, make_recommendation
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status


@pytest.fixture
def bruno(db):
    """A second Admin, editing at the same time as ada."""
    return add_user(username="bruno", role="admin", password=PASSWORD)


@pytest.fixture
def recommendation():
    return make_recommendation(text="Publish a monitoring manual.", due_date=datetime.date(2027, 1, 31))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def now():
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def loaded_follow_up(client, recommendation):
    """What the follow-up form holds when `client` opens it."""
    form = client.get(f"/recommendations/{recommendation.pk}/follow-up/").context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def post_follow_up(client, recommendation, data):
    return client.post(f"/recommendations/{recommendation.pk}/follow-up/", data)


def page_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def admin_url(recommendation):
    return f"/admin/findings/recommendation/{recommendation.pk}/change/"


def loaded_admin_form(client, url):
    return admin_form_data(client.get(url))


# -- the follow-up form ----------------------------------------------------------------------------

def test_a_stale_follow_up_is_refused_and_the_first_save_is_kept(ada, bruno, recommendation):
    first, second = signed_in(ada), signed_in(bruno)
    ada_form, bruno_form = loaded_follow_up(first, recommendation), loaded_follow_up(second, recommendation)
    assert ada_form["version"] == bruno_form["version"] == 1

    saved = post_follow_up(first, recommendation, ada_form | {"status": IN_PROGRESS, "due_date": "2027-03-31"})
    assert saved.status_code == 302
    refused = post_follow_up(second, recommendation, bruno_form | {
        "status": NOT_ACCEPTED, "due_date": "2027-06-30", "implementation_note": "Not our mandate."})

    assert refused.status_code == 409
    text = page_text(refused)
    assert "Someone saved this recommendation after you opened the form, so your changes were not saved." in text
    assert f"Status: you entered “Not accepted”; it is now “In progress” (changed by ada on {now()})." in text
    assert f"Due date: you entered “2027-06-30”; it is now “2027-03-31” (changed by ada on {now()})." in text
    assert "Implementation note" not in text.split("so your changes were not saved.")[1].split("Your values")[0]
    recommendation.refresh_from_db()
    r = recommendation
    assert (r.status, r.due_date, r.implementation_note, r.version) == (IN_PROGRESS, datetime.date(2027, 3, 31), "", 2)
    assert [v.history_user for v in recommendation.history.all()] == [ada, None]


def test_after_reading_what_changed_saving_again_is_deliberate(ada, bruno, recommendation):
    first, second = signed_in(ada), signed_in(bruno)
    ada_form, bruno_form = loaded_follow_up(first, recommendation), loaded_follow_up(second, recommendation)
    post_follow_up(first, recommendation, ada_form | {"status": IN_PROGRESS})
    refused = post_follow_up(second, recommendation, bruno_form | {"status": NOT_ACCEPTED})

    form = refused.context["form"]
    assert form["status"].value() == NOT_ACCEPTED  # bruno's values are kept, on the current version
    assert '<input type="hidden" name="version" value="2" id="id_version">' in refused.content.decode()
    again = post_follow_up(second, recommendation, bruno_form | {"status": NOT_ACCEPTED, "version": 2})
    assert again.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version, recommendation.history.latest().history_user) == (
        NOT_ACCEPTED, 3, bruno)


def test_the_service_refuses_a_stale_version_and_writes_nothing(ada, bruno, recommendation):
    data = {"status": IN_PROGRESS, "due_date": recommendation.due_date, "implementation_note": ""}
    update_recommendation(recommendation, changes=data, version=1, user=ada)
    versions = recommendation.history.count()
    with pytest.raises(EditConflict) as refused:
        update_recommendation(recommendation, changes=data | {"due_date": datetime.date(2028, 1, 1)},
                         version=1, user=bruno)
    assert [(c.label, c.yours, c.current, c.changed_by) for c in refused.value.conflicts] == [
        ("Status", "In progress", "In progress", ada)]
    assert refused.value.version == 2
    recommendation.refresh_from_db()
    assert (recommendation.due_date, recommendation.version, recommendation.history.count()) == (
        datetime.date(2027, 1, 31), 2, versions)


def test_a_save_that_changes_nothing_keeps_the_version(ada, recommendation):
    data = {"status": OPEN, "due_date": recommendation.due_date, "implementation_note": ""}
    update_recommendation(recommendation, changes=data, version=1, user=ada)
    recommendation.refresh_from_db()
    assert (recommendation.version, recommendation.history.count()) == (1, 1)


# -- the Django admin ------------------------------------------------------------------------------

def test_a_stale_admin_edit_is_refused_with_the_same_message(ada, bruno, recommendation):
    first, second = signed_in(ada), signed_in(bruno)
    url = admin_url(recommendation)
    ada_form, bruno_form = loaded_admin_form(first, url), loaded_admin_form(second, url)
    assert ada_form["version"] == bruno_form["version"] == "1"

    assert first.post(url, ada_form | {"status": IN_PROGRESS, "due_date": "2027-03-31"}).status_code == 302
    refused = second.post(url, bruno_form | {"status": NOT_ACCEPTED, "text": "Rewritten by bruno."})

    assert refused.status_code == 200
    errors = list(refused.context["adminform"].form.non_field_errors())
    assert errors[0] == "Someone saved this recommendation after you opened the form, so your changes were not saved."
    assert f"Status: you entered “Not accepted”; it is now “In progress” (changed by ada on {now()})." in errors
    assert f"Due date: you entered “2027-01-31”; it is now “2027-03-31” (changed by ada on {now()})." in errors
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.due_date, recommendation.text, recommendation.version) == (
        IN_PROGRESS, datetime.date(2027, 3, 31), "Publish a monitoring manual.", 2)
    assert recommendation.history.latest().history_user == ada


def test_the_admin_and_the_follow_up_form_share_one_version(ada, bruno, recommendation):
    in_admin, on_site = signed_in(ada), signed_in(bruno)
    url = admin_url(recommendation)
    ada_form = loaded_admin_form(in_admin, url)
    bruno_form = loaded_follow_up(on_site, recommendation)
    assert post_follow_up(on_site, recommendation, bruno_form | {"status": IN_PROGRESS}).status_code == 302

    refused = in_admin.post(url, ada_form | {"due_date": "2027-12-31"})
    assert f"Status: you entered “Open”; it is now “In progress” (changed by bruno on {now()})." in refused.context[
        "adminform"].form.non_field_errors()

    saved = in_admin.post(url, loaded_admin_form(in_admin, url) | {"due_date": "2027-12-31"})
    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.due_date, recommendation.version) == (
        IN_PROGRESS, datetime.date(2027, 12, 31), 3)
    stale_site = post_follow_up(on_site, recommendation, bruno_form | {"status": NOT_ACCEPTED})
    assert stale_site.status_code == 409


def test_the_admin_follows_the_workflow_and_keeps_the_reason_for_reopening(client, ada, recommendation):
    client.force_login(ada)
    url = admin_url(recommendation)
    implemented = client.post(url, loaded_admin_form(client, url) | {"status": IMPLEMENTED})
    assert implemented.context["adminform"].form.errors["implementation_note"] == [
        "Describe the actions taken before marking the recommendation implemented."]
    assert client.post(url, loaded_admin_form(client, url) | {
        "status": IMPLEMENTED, "implementation_note": "Manual published in 2026."}).status_code == 302

    to_open = client.post(url, loaded_admin_form(client, url) | {"status": OPEN})
    refusal = to_open.context["adminform"].form.errors["status"][0]
    assert refusal.startswith("A recommendation cannot go from “Implemented” to “Open”")
    without_reason = client.post(url, loaded_admin_form(client, url) | {"status": IN_PROGRESS})
    assert "needs a reason" in without_reason.context["adminform"].form.errors["status"][0]
    reopened = client.post(url, loaded_admin_form(client, url) | {
        "status": IN_PROGRESS, "change_reason": "The manual was withdrawn."})
    assert reopened.status_code == 302, reopened.context["adminform"].form.errors
    recommendation.refresh_from_db()
    latest = recommendation.history.latest()
    assert (recommendation.status, recommendation.version, latest.history_change_reason) == (
        IN_PROGRESS, 3, "The manual was withdrawn.")


def test_a_revert_restores_an_earlier_status_and_raises_the_version(client, ada, recommendation):
    client.force_login(ada)
    url = admin_url(recommendation)
    client.post(url, loaded_admin_form(client, url) | {"status": NOT_ACCEPTED})
    first = recommendation.history.earliest()
    revert_url = f"/admin/findings/recommendation/{recommendation.pk}/history/{first.history_id}/"
    assert client.post(revert_url, loaded_admin_form(client, revert_url)).status_code == 302
    recommendation.refresh_from_db()
    latest = recommendation.history.latest()
    assert (recommendation.status, recommendation.version, latest.history_change_reason) == (
        OPEN, 3, "Reverted to version 1")


def test_a_stale_revert_is_refused(ada, bruno, recommendation):
    reverting, editing = signed_in(ada), signed_in(bruno)
    first = recommendation.history.earliest()
    revert_url = f"/admin/findings/recommendation/{recommendation.pk}/history/{first.history_id}/"
    loaded = loaded_admin_form(reverting, revert_url)
    post_follow_up(editing, recommendation, loaded_follow_up(editing, recommendation) | {"status": IN_PROGRESS})
    refused = reverting.post(revert_url, loaded)
    assert refused.status_code == 200
    assert f"Status: you entered “Open”; it is now “In progress” (changed by bruno on {now()})." in refused.context[
        "adminform"].form.non_field_errors()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (IN_PROGRESS, 2)


def test_bulk_status_changes_raise_the_version_and_leave_final_statuses_alone(client, ada):
    client.force_login(ada)
    evaluation = make_evaluation()
    moving = make_recommendation(evaluation=evaluation)
    final = make_recommendation(evaluation=evaluation, status=IMPLEMENTED, implementation_note="Done.")
    response = client.post("/admin/findings/recommendation/", {
        "action": "mark_in_progress", "_selected_action": [moving.pk, final.pk]}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "1 recommendation(s) marked in progress." in messages
    assert any(m.startswith(f"Not changed, as their status cannot go to “in progress”: {evaluation.slug}: "
                            "Recommendation 2 (implemented).") for m in messages)
    moving.refresh_from_db()
    final.refresh_from_db()
    assert (moving.status, moving.version) == (IN_PROGRESS, 2)
    assert (final.status, final.version) == (IMPLEMENTED, 1)
