"""Recommendation follow-up: the status workflow, through the service and the follow-up form, and
the history on a recommendation's page. Due dates and the overdue list: test_overdue.py."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from findings.models import Recommendation
from follow_up.services import update_recommendation

from .builders import make_owner, make_recommendation

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status


def follow_up(recommendation, user, reason="", **changes):
    """Save `changes` through the service as `user`, from the recommendation's stored version."""
    recommendation.refresh_from_db()
    data = {"status": recommendation.status, "due_date": recommendation.due_date,
            "implementation_note": recommendation.implementation_note, **changes}
    return update_recommendation(recommendation, changes=data, version=recommendation.version,
                                 user=user, reason=reason)


def form_data(recommendation, **changes):
    recommendation.refresh_from_db()
    data = {"status": recommendation.status, "due_date": recommendation.due_date or "",
            "implementation_note": recommendation.implementation_note, "reason": "",
            "version": recommendation.version}
    return {**data, **changes}


# -- the status workflow ------------------------------------------------------------------------

@pytest.mark.parametrize("start, end", [
    (OPEN, IN_PROGRESS), (OPEN, IMPLEMENTED), (OPEN, NOT_ACCEPTED), (IN_PROGRESS, IMPLEMENTED),
    (IN_PROGRESS, NOT_ACCEPTED),
])
def test_it_allows_each_forward_transition(ada, start, end):
    recommendation = make_recommendation(status=start)
    follow_up(recommendation, ada, status=end, implementation_note="Guidelines issued in 2026.")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (end, 2)
    latest = recommendation.history.latest()
    assert (latest.history_user, latest.prev_record.status, latest.status) == (ada, start, end)


@pytest.mark.parametrize("start, end, message", [
    (IN_PROGRESS, OPEN, "A recommendation cannot go from “In progress” to “Open”: from “In progress” it can go "
                        "to “Implemented” or “Not accepted”."),
    (IMPLEMENTED, OPEN, "A recommendation cannot go from “Implemented” to “Open”: “Implemented” is final; an "
                        "Admin may reopen it to “In progress”, giving the reason."),
    (NOT_ACCEPTED, OPEN, "A recommendation cannot go from “Not accepted” to “Open”: “Not accepted” is final; an "
                         "Admin may reopen it to “In progress”, giving the reason."),
    (NOT_ACCEPTED, IMPLEMENTED, "A recommendation cannot go from “Not accepted” to “Implemented”"),
    (IMPLEMENTED, NOT_ACCEPTED, "A recommendation cannot go from “Implemented” to “Not accepted”"),
])
def test_it_refuses_a_forbidden_transition_naming_both_states(ada, start, end, message):
    recommendation = make_recommendation(status=start, implementation_note="Done.")
    with pytest.raises(ValidationError) as refused:
        follow_up(recommendation, ada, status=end)
    assert message in refused.value.message_dict["status"][0]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version, recommendation.history.count()) == (start, 1, 1)


# Every move between two statuses, as an Admin makes it on the follow-up page: "saved", "refused",
# or "needs a reason" (a final status reopened).
MOVES = [
    (OPEN, IN_PROGRESS, "saved"), (OPEN, IMPLEMENTED, "saved"), (OPEN, NOT_ACCEPTED, "saved"),
    (IN_PROGRESS, OPEN, "refused"), (IN_PROGRESS, IMPLEMENTED, "saved"), (IN_PROGRESS, NOT_ACCEPTED, "saved"),
    (IMPLEMENTED, OPEN, "refused"), (IMPLEMENTED, IN_PROGRESS, "needs a reason"),
    (IMPLEMENTED, NOT_ACCEPTED, "refused"),
    (NOT_ACCEPTED, OPEN, "refused"), (NOT_ACCEPTED, IN_PROGRESS, "needs a reason"),
    (NOT_ACCEPTED, IMPLEMENTED, "refused"),
]


@pytest.mark.parametrize("start, end, outcome", MOVES)
def test_the_follow_up_page_saves_or_refuses_each_move(client, ada, start, end, outcome):
    client.force_login(ada)
    recommendation = make_recommendation(status=start, implementation_note="Guidelines issued.")
    url = f"/recommendations/{recommendation.pk}/follow-up/"
    response = client.post(url, form_data(recommendation, status=end))
    if outcome == "saved":
        assert response.status_code == 302
    else:
        assert response.status_code == 400
        expected = "cannot go from" if outcome == "refused" else "needs a reason"
        assert expected in response.context["form"].errors["status"][0]
        recommendation.refresh_from_db()
        assert (recommendation.status, recommendation.version) == (start, 1)
        response = client.post(url, form_data(recommendation, status=end, reason="The guidelines were withdrawn."))
        assert response.status_code == (302 if outcome == "needs a reason" else 400)
    recommendation.refresh_from_db()
    assert recommendation.status == (start if outcome == "refused" else end)


def test_the_workflow_is_checked_against_the_stored_status_not_the_one_in_memory(ada):
    recommendation = make_recommendation(status=IN_PROGRESS)
    recommendation.status = OPEN  # a stale copy: the service reads the stored status under a lock
    with pytest.raises(ValidationError, match="cannot go from “In progress” to “Open”"):
        update_recommendation(recommendation, changes={"status": OPEN}, version=recommendation.version, user=ada)
    make_recommendation(status=NOT_ACCEPTED).full_clean()  # a new record may start in any status


@pytest.mark.parametrize("final", [IMPLEMENTED, NOT_ACCEPTED])
def test_an_admin_may_reopen_a_final_status_giving_the_reason(ada, final):
    recommendation = make_recommendation(status=final, implementation_note="Guidelines issued.")
    with pytest.raises(ValidationError, match="needs a reason"):
        follow_up(recommendation, ada, status=IN_PROGRESS)
    follow_up(recommendation, ada, status=IN_PROGRESS, reason="The guidelines were withdrawn.")
    recommendation.refresh_from_db()
    assert recommendation.status == IN_PROGRESS
    assert recommendation.history.latest().history_change_reason == "The guidelines were withdrawn."


def test_only_an_admin_may_reopen(sam):
    """A user given the change permission outside the Admin role follows up but does not reopen."""
    sam.user_permissions.add(Permission.objects.get(codename="change_recommendation"))
    moving = make_recommendation()
    follow_up(moving, sam, status=IN_PROGRESS)
    final = make_recommendation(status=NOT_ACCEPTED)
    with pytest.raises(ValidationError, match="Only an Admin may reopen a recommendation marked “Not accepted”"):
        follow_up(final, sam, status=IN_PROGRESS, reason="Asked again.")
    final.refresh_from_db()
    assert (final.status, final.version) == (NOT_ACCEPTED, 1)


def test_implemented_needs_a_note_of_the_actions_taken(ada):
    recommendation = make_recommendation(status=IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        follow_up(recommendation, ada, status=IMPLEMENTED, implementation_note="  ")
    assert refused.value.message_dict == {
        "implementation_note": ["Describe the actions taken before marking the recommendation implemented."]
    }


def test_the_database_refuses_implemented_without_a_note():
    recommendation = make_recommendation(status=IN_PROGRESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(status=IMPLEMENTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_recommendation(status=IMPLEMENTED)
    make_recommendation(status=IMPLEMENTED, implementation_note="Manual published.")


# -- the follow-up form ----------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_log_in(client):
    url = f"/recommendations/{make_recommendation().pk}/follow-up/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert client.post(url, {"status": IN_PROGRESS}).status_code == 302


@pytest.mark.parametrize("role", ["evaluator", "staff"])
def test_evaluators_and_staff_may_not_follow_up(client, person, role):
    client.force_login(person(role))
    recommendation = make_recommendation()
    url = f"/recommendations/{recommendation.pk}/follow-up/"
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(recommendation, status=IN_PROGRESS)).status_code == 403
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (OPEN, 1)
    assert "Follow up</a>" not in client.get(recommendation.get_absolute_url()).content.decode()


def test_the_form_labels_every_field_and_carries_the_version(client, ada):
    client.force_login(ada)
    recommendation = make_recommendation(due_date=datetime.date(2027, 1, 31))
    assert f'href="/recommendations/{recommendation.pk}/follow-up/">Follow up</a>' in client.get(
        recommendation.get_absolute_url()).content.decode()
    response = client.get(f"/recommendations/{recommendation.pk}/follow-up/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("status", "due_date", "implementation_note", "reason"):
        assert f'<label for="id_{name}">' in page and f'id="id_{name}"' in page
    assert '<input type="hidden" name="version" value="1" id="id_version">' in page
    assert 'value="2027-01-31"' in page
    assert "<script" not in page.split("<main")[1] and "style=" not in page


def test_an_admin_saves_the_follow_up_and_the_history_keeps_who_and_the_old_values(client, ada):
    client.force_login(ada)
    recommendation = make_recommendation(due_date=datetime.date(2027, 1, 31))
    response = client.post(f"/recommendations/{recommendation.pk}/follow-up/", form_data(
        recommendation, status=IMPLEMENTED, due_date="2027-03-31",
        implementation_note="Monitoring guidelines issued to all field offices.",
    ))
    assert response.status_code == 302 and response["Location"] == recommendation.get_absolute_url()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.due_date, recommendation.version) == (
        IMPLEMENTED, datetime.date(2027, 3, 31), 2)
    latest = recommendation.history.latest()
    assert latest.history_user == ada
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {
        "status": (OPEN, IMPLEMENTED),
        "due_date": (datetime.date(2027, 1, 31), datetime.date(2027, 3, 31)),
        "implementation_note": ("", "Monitoring guidelines issued to all field offices."),
        "version": (1, 2),
    }

    page = " ".join(client.get(recommendation.get_absolute_url()).content.decode().split())
    assert "The follow-up of Recommendation 1 was saved." in page
    assert "<dt>Actions taken</dt><dd class=\"prose\">Monitoring guidelines issued to all field offices.</dd>" in page
    assert "<li>Status: Open → Implemented</li>" in page
    assert "<li>Due date: 2027-01-31 → 2027-03-31</li>" in page
    assert "<td>ada</td>" in page


def test_the_form_shows_errors_next_to_the_fields_and_saves_nothing(client, ada):
    client.force_login(ada)
    recommendation = make_recommendation(status=IN_PROGRESS)
    url = f"/recommendations/{recommendation.pk}/follow-up/"
    response = client.post(url, form_data(recommendation, status=IMPLEMENTED))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "implementation_note": ["Describe the actions taken before marking the recommendation implemented."]
    }
    response = client.post(url, form_data(recommendation, status=OPEN))
    assert "cannot go from “In progress” to “Open”" in response.context["form"].errors["status"][0]
    response = client.post(url, form_data(recommendation, due_date="2027-02-30"))
    assert response.context["form"].errors == {"due_date": ["Enter a valid date."]}
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version, recommendation.history.count()) == (IN_PROGRESS, 1, 1)


def test_an_unknown_recommendation_is_a_404(client, ada):
    client.force_login(ada)
    assert client.get("/recommendations/999999/follow-up/").status_code == 404


# -- the history on the recommendation page --------------------------------------------------------

def test_the_page_shows_the_latest_20_versions_with_a_constant_number_of_queries(client, ada):
    recommendation = make_recommendation()
    url = recommendation.get_absolute_url()
    follow_up(recommendation, ada, due_date=datetime.date(2027, 1, 1))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    recommendation.owners.add(make_owner())  # a version of its own, recorded by django-simple-history
    for day in range(2, 27):
        follow_up(recommendation, ada, due_date=datetime.date(2027, 1, day))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    history = response.context["history"]
    assert len(history) == 20 and recommendation.history.count() > 20
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [("Due date", "2027-01-25", "2027-01-26")]
    assert [(c.label, c.old, c.new) for c in history[-1].changes] == [("Due date", "2027-01-06", "2027-01-07")]


def recommendation_history_versions(response):
    return [[(c.label, c.old, c.new) for c in version.changes] for version in response.context["history"]]


def test_the_history_names_owner_changes(client, ada):
    recommendation = make_recommendation()
    recommendation.owners.add(make_owner("Cluster unit"))
    follow_up(recommendation, ada, status=IN_PROGRESS, reason="Work plan agreed.")
    response = client.get(recommendation.get_absolute_url())
    versions = recommendation_history_versions(response)
    assert versions[0] == [("Status", "Open", "In progress")]
    assert ("Owners", "—", "Cluster unit") in versions[1]
    assert "<td>Work plan agreed.</td>" in response.content.decode()
