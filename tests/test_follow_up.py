"""Recommendation follow-up: the status workflow, due dates whose changes are kept, the overdue list
and the follow-up form."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import add_user
from findings.models import Recommendation, ResponsibilityOwner
from follow_up.selectors import due_date_changes, overdue_by_owner, recommendation_list, slip_count
from follow_up.services import update_recommendation
from follow_up.workflow import REOPENINGS, STATUS_TRANSITIONS

from .builders import make_evaluation, read_csv

pytestmark = pytest.mark.django_db

PASSWORD = "grey-heron-over-the-delta"
OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status


@pytest.fixture
def admin():
    return add_user(username="alice", role="admin", password=PASSWORD)


@pytest.fixture
def other_admin():
    return add_user(username="bruno", role="admin", password=PASSWORD)


def make_recommendation(**kwargs):
    kwargs.setdefault("evaluation", make_evaluation())
    kwargs.setdefault("number", Recommendation.objects.filter(evaluation=kwargs["evaluation"]).count() + 1)
    kwargs.setdefault("text", "Strengthen the monitoring of cluster projects.")
    return Recommendation.objects.create(**kwargs)


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


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

def test_the_transcribed_recommendations_are_all_open_so_they_stay_valid():
    assert set(Recommendation.objects.values_list("status", flat=True)) == {OPEN}
    for recommendation in Recommendation.objects.all():
        recommendation.full_clean()


def test_the_workflow_is_written_as_data():
    assert STATUS_TRANSITIONS[OPEN] == {IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED}
    assert STATUS_TRANSITIONS[IN_PROGRESS] == {IMPLEMENTED, NOT_ACCEPTED}
    assert STATUS_TRANSITIONS[IMPLEMENTED] == STATUS_TRANSITIONS[NOT_ACCEPTED] == set()
    assert REOPENINGS[IMPLEMENTED] == REOPENINGS[NOT_ACCEPTED] == {IN_PROGRESS}


@pytest.mark.parametrize("start, end", [
    (OPEN, IN_PROGRESS), (OPEN, IMPLEMENTED), (OPEN, NOT_ACCEPTED), (IN_PROGRESS, IMPLEMENTED),
    (IN_PROGRESS, NOT_ACCEPTED),
])
def test_it_allows_each_forward_transition(admin, start, end):
    recommendation = make_recommendation(status=start)
    follow_up(recommendation, admin, status=end, implementation_note="Guidelines issued in 2026.")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (end, 2)
    latest = recommendation.history.latest()
    assert (latest.history_user, latest.prev_record.status, latest.status) == (admin, start, end)


@pytest.mark.parametrize("start, end, message", [
    (IN_PROGRESS, OPEN, "A recommendation cannot go from “In progress” to “Open”: from “In progress” it can go "
                        "to “Implemented” or “Not accepted”."),
    (IMPLEMENTED, OPEN, "A recommendation cannot go from “Implemented” to “Open”: “Implemented” is final; an "
                        "Admin may reopen it to “In progress”, giving the reason."),
    (NOT_ACCEPTED, IMPLEMENTED, "A recommendation cannot go from “Not accepted” to “Implemented”"),
    (IMPLEMENTED, NOT_ACCEPTED, "A recommendation cannot go from “Implemented” to “Not accepted”"),
])
def test_it_refuses_a_forbidden_transition_naming_both_states(admin, start, end, message):
    recommendation = make_recommendation(status=start, implementation_note="Done.")
    with pytest.raises(ValidationError) as refused:
        follow_up(recommendation, admin, status=end)
    assert message in refused.value.message_dict["status"][0]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version, recommendation.history.count()) == (start, 1, 1)


def test_the_workflow_is_checked_against_the_stored_status_not_the_one_in_memory(admin):
    recommendation = make_recommendation(status=IN_PROGRESS)
    recommendation.status = OPEN  # a stale copy: the service reads the stored status under a lock
    with pytest.raises(ValidationError, match="cannot go from “In progress” to “Open”"):
        update_recommendation(recommendation, changes={"status": OPEN}, version=recommendation.version, user=admin)
    make_recommendation(status=NOT_ACCEPTED).full_clean()  # a new record may start in any status


@pytest.mark.parametrize("final", [IMPLEMENTED, NOT_ACCEPTED])
def test_an_admin_may_reopen_a_final_status_giving_the_reason(admin, final):
    recommendation = make_recommendation(status=final, implementation_note="Guidelines issued.")
    with pytest.raises(ValidationError, match="needs a reason"):
        follow_up(recommendation, admin, status=IN_PROGRESS)
    follow_up(recommendation, admin, status=IN_PROGRESS, reason="The guidelines were withdrawn.")
    recommendation.refresh_from_db()
    assert recommendation.status == IN_PROGRESS
    assert recommendation.history.latest().history_change_reason == "The guidelines were withdrawn."


def test_only_an_admin_may_reopen(admin):
    """A user given the change permission outside the Admin role follows up but does not reopen."""
    from django.contrib.auth.models import Permission

    clerk = add_user(username="carl", role="staff", password=PASSWORD)
    clerk.user_permissions.add(Permission.objects.get(codename="change_recommendation"))
    moving = make_recommendation()
    follow_up(moving, clerk, status=IN_PROGRESS)
    final = make_recommendation(status=NOT_ACCEPTED)
    with pytest.raises(ValidationError, match="Only an Admin may reopen a recommendation marked “Not accepted”"):
        follow_up(final, clerk, status=IN_PROGRESS, reason="Asked again.")


def test_implemented_needs_a_note_of_the_actions_taken(admin):
    recommendation = make_recommendation(status=IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        follow_up(recommendation, admin, status=IMPLEMENTED, implementation_note="  ")
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


# -- due dates whose changes are kept --------------------------------------------------------------

def test_every_due_date_change_is_kept_and_slips_are_counted(admin, other_admin):
    recommendation = make_recommendation()
    follow_up(recommendation, admin, due_date=datetime.date(2027, 1, 31))  # set: not a slip
    follow_up(recommendation, other_admin, due_date=datetime.date(2027, 3, 31))
    follow_up(recommendation, admin, due_date=datetime.date(2027, 2, 28))  # brought forward: not a slip
    follow_up(recommendation, admin, due_date=datetime.date(2027, 6, 30))
    follow_up(recommendation, admin, status=IN_PROGRESS)  # not a due-date change

    changes = due_date_changes(recommendation)
    assert [(c.changed_by, c.old, c.new, c.slipped) for c in changes] == [
        (admin, None, datetime.date(2027, 1, 31), False),
        (other_admin, datetime.date(2027, 1, 31), datetime.date(2027, 3, 31), True),
        (admin, datetime.date(2027, 3, 31), datetime.date(2027, 2, 28), False),
        (admin, datetime.date(2027, 2, 28), datetime.date(2027, 6, 30), True),
    ]
    assert slip_count(changes) == 2
    assert recommendation_list().get(pk=recommendation.pk).slips == 2  # counted by the database too


def test_slips_are_shown_on_the_recommendation_page_and_the_tracker(client, admin):
    recommendation = make_recommendation()
    follow_up(recommendation, admin, due_date=datetime.date(2027, 1, 31))
    follow_up(recommendation, admin, due_date=datetime.date(2027, 3, 31))
    follow_up(recommendation, admin, due_date=datetime.date(2027, 5, 31))
    today = timezone.localdate().isoformat()

    client.force_login(admin)
    page = " ".join(client.get(recommendation.get_absolute_url()).content.decode().split())
    assert "Due date moved later 2 times, changed 3 times:" in page
    assert f"<li>2027-01-31 → 2027-03-31 (alice, {today}) <span class=\"badge mismatch\">slipped</span></li>" in page
    assert f"<li>no due date → 2027-01-31 (alice, {today})</li>" in page

    tracker = client.get("/recommendations/", {"evaluation": recommendation.evaluation.slug})
    assert [r.slips for r in tracker.context["recommendations"]] == [2]
    html = " ".join(tracker.content.decode().split())
    assert '<th scope="col" class="num">Slipped</th>' in html and '<td>31 May 2027</td><td class="num">2</td>' in html


def test_tracker_queries_do_not_grow_with_rows_or_versions(client, admin):
    evaluation = make_evaluation()
    params = {"evaluation": evaluation.slug}
    make_recommendation(evaluation=evaluation)
    client.get("/recommendations/", params)
    with CaptureQueriesContext(connection) as before:
        client.get("/recommendations/", params)
    donors = ResponsibilityOwner.objects.get(name="Donors")
    for number in range(2, 12):
        recommendation = make_recommendation(evaluation=evaluation, number=number)
        recommendation.owners.add(donors)
        for month in (1, 2, 3):
            follow_up(recommendation, admin, due_date=datetime.date(2027, month, 1))
    with CaptureQueriesContext(connection) as after:
        response = client.get("/recommendations/", params)
    assert [r.slips for r in response.context["recommendations"]] == [0] + [2] * 10
    assert len(after) == len(before)


# -- the overdue list ------------------------------------------------------------------------------

@pytest.fixture
def overdue(admin):
    """Two overdue recommendations for Donors (one also for the CBL Unit), one without an owner,
    and some that are not overdue."""
    evaluation = make_evaluation(slug="follow-up-check")
    donors, cbl = (ResponsibilityOwner.objects.get(name=name) for name in ("Donors", "CBL Unit"))
    slipped = make_recommendation(evaluation=evaluation, due_date=days_from_today(-40))
    follow_up(slipped, admin, due_date=days_from_today(-20))
    follow_up(slipped, admin, due_date=days_from_today(-10), status=IN_PROGRESS)
    slipped.owners.set([donors, cbl])
    late = make_recommendation(evaluation=evaluation, due_date=days_from_today(-30))
    late.owners.set([donors])
    orphan = make_recommendation(evaluation=evaluation, due_date=days_from_today(-1))
    make_recommendation(evaluation=evaluation, due_date=days_from_today(0)).owners.set([donors])
    make_recommendation(evaluation=evaluation, due_date=days_from_today(-5), status=NOT_ACCEPTED).owners.set([donors])
    return {"slipped": slipped, "late": late, "orphan": orphan}


def test_the_overdue_list_groups_recommendations_per_owner(overdue):
    groups = overdue_by_owner()
    assert [(g.owner, [(row.recommendation, row.days_overdue, row.slips) for row in g.recommendations])
            for g in groups] == [
        ("CBL Unit", [(overdue["slipped"], 10, 2)]),
        ("Donors", [(overdue["late"], 30, 0), (overdue["slipped"], 10, 2)]),
        ("No owner named", [(overdue["orphan"], 1, 0)]),
    ]


def test_the_overdue_page_shows_each_owner_with_days_overdue_and_slips(client, overdue):
    response = client.get("/recommendations/overdue/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert '<h2 id="owner-2">Donors (2)</h2>' in page
    slipped = overdue["slipped"]
    assert (f'<td class="num">{slipped.number}</td> <td><a href="{slipped.get_absolute_url()}">') in page
    assert (f'<td>In progress</td> <td>{days_from_today(-10).isoformat()}</td><td class="num">10</td>'
            '<td class="num">2</td>') in page
    assert 'href="?format=csv"' in page and 'href="?format=xlsx"' in page


def test_the_overdue_list_exports_as_csv_and_xlsx(client, overdue):
    rows = read_csv(client.get("/recommendations/overdue/", {"format": "csv"}))
    assert list(rows[0]) == ["owner", "evaluation", "number", "text", "status", "due_date", "days_overdue", "slips"]
    assert [(r["owner"], int(r["number"]), r["status"], int(r["days_overdue"]), int(r["slips"])) for r in rows] == [
        ("CBL Unit", overdue["slipped"].number, "In progress", 10, 2),
        ("Donors", overdue["late"].number, "Open", 30, 0),
        ("Donors", overdue["slipped"].number, "In progress", 10, 2),
        ("No owner named", overdue["orphan"].number, "Open", 1, 0),
    ]
    response = client.get("/recommendations/overdue/", {"format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="overdue-recommendations.xlsx"')
    data = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["data"].values)
    assert [(row[0], row[6], row[7]) for row in data[1:]] == [("CBL Unit", 10, 2), ("Donors", 30, 0),
                                                            ("Donors", 10, 2), ("No owner named", 1, 0)]


def test_with_nothing_overdue_the_page_says_so(client):
    response = client.get("/recommendations/overdue/")
    assert response.context["groups"] == []
    assert "No recommendation is overdue." in response.content.decode()


def test_overdue_page_queries_do_not_grow_with_rows(client, overdue, admin):
    client.get("/recommendations/overdue/")
    with CaptureQueriesContext(connection) as before:
        client.get("/recommendations/overdue/")
    evaluation = make_evaluation()
    owner = ResponsibilityOwner.objects.create(name="Regional office")
    for number in range(1, 16):
        recommendation = make_recommendation(evaluation=evaluation, number=number, due_date=days_from_today(-60))
        recommendation.owners.set([owner])
        follow_up(recommendation, admin, due_date=days_from_today(-3))
    with CaptureQueriesContext(connection) as after:
        response = client.get("/recommendations/overdue/")
    assert sum(len(g.recommendations) for g in response.context["groups"]) == 4 + 15
    assert len(after) == len(before)


# -- the follow-up form ----------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_log_in(client):
    url = f"/recommendations/{make_recommendation().pk}/follow-up/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert client.post(url, {"status": IN_PROGRESS}).status_code == 302


@pytest.mark.parametrize("role", ["evaluator", "staff"])
def test_evaluators_and_staff_may_not_follow_up(client, role):
    client.force_login(add_user(username="someone", role=role, password=PASSWORD))
    recommendation = make_recommendation()
    url = f"/recommendations/{recommendation.pk}/follow-up/"
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(recommendation, status=IN_PROGRESS)).status_code == 403
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (OPEN, 1)
    assert "Follow up</a>" not in client.get(recommendation.get_absolute_url()).content.decode()


def test_the_form_labels_every_field_and_carries_the_version(client, admin):
    client.force_login(admin)
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


def test_an_admin_saves_the_follow_up_and_the_history_keeps_who_and_the_old_values(client, admin):
    client.force_login(admin)
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
    assert latest.history_user == admin
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
    assert "<td>alice</td>" in page


def test_the_form_shows_errors_next_to_the_fields_and_saves_nothing(client, admin):
    client.force_login(admin)
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


def test_an_unknown_recommendation_is_a_404(client, admin):
    client.force_login(admin)
    assert client.get("/recommendations/999999/follow-up/").status_code == 404


# -- the history on the recommendation page --------------------------------------------------------

def test_the_page_shows_the_latest_20_versions_with_a_constant_number_of_queries(client, admin):
    recommendation = make_recommendation()
    url = recommendation.get_absolute_url()
    follow_up(recommendation, admin, due_date=datetime.date(2027, 1, 1))
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    cbl = ResponsibilityOwner.objects.get(name="CBL Unit")
    recommendation.owners.add(cbl)  # a version of its own, recorded by django-simple-history
    for day in range(2, 27):
        follow_up(recommendation, admin, due_date=datetime.date(2027, 1, day))
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after) == len(before)
    history = response.context["history"]
    assert len(history) == 20 and recommendation.history.count() > 20
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [("Due date", "2027-01-25", "2027-01-26")]
    assert [(c.label, c.old, c.new) for c in history[-1].changes] == [("Due date", "2027-01-06", "2027-01-07")]


def recommendation_history_versions(response):
    return [[(c.label, c.old, c.new) for c in version.changes] for version in response.context["history"]]


def test_the_history_names_owner_changes(client, admin):
    recommendation = make_recommendation()
    recommendation.owners.add(ResponsibilityOwner.objects.get(name="CBL Unit"))
    follow_up(recommendation, admin, status=IN_PROGRESS, reason="Work plan agreed.")
    response = client.get(recommendation.get_absolute_url())
    versions = recommendation_history_versions(response)
    assert versions[0] == [("Status", "Open", "In progress")]
    assert ("Owners", "—", "CBL Unit") in versions[1]
    assert "<td>Work plan agreed.</td>" in response.content.decode()


def test_reloading_the_reports_keeps_the_follow_up(client):
    from django.conf import settings

    from reports.loading import load_fixtures

    recommendation = Recommendation.objects.get(evaluation__slug="seco-smac-2019", number=1)
    recommendation.status = Recommendation.Status.IN_PROGRESS
    recommendation.due_date = datetime.date(2027, 6, 30)
    recommendation.save()
    summary = load_fixtures(settings.FIXTURES_DIR)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.due_date) == ("in_progress", datetime.date(2027, 6, 30))
    assert summary.created == 0
