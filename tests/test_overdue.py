"""Due dates whose changes are kept (slips) and the overdue list (/recommendations/overdue/)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import add_user
from findings.models import Recommendation
from follow_up.selectors import due_date_changes, overdue_by_owner, recommendation_list, slip_count, with_keys
from follow_up.services import update_recommendation

from .builders import make_evaluation, make_owner, make_recommendation, read_csv
from .conftest import PASSWORD
from .responses import read_xlsx

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def follow_up(recommendation, user, **changes):
    """Save `changes` through the service as `user`, from the recommendation's stored version."""
    recommendation.refresh_from_db()
    data = {"status": recommendation.status, "due_date": recommendation.due_date,
            "implementation_note": recommendation.implementation_note, **changes}
    return update_recommendation(recommendation, changes=data, version=recommendation.version, user=user)


# -- due dates whose changes are kept --------------------------------------------------------------

def test_every_due_date_change_is_kept_and_slips_are_counted(ada):
    bruno = add_user(username="bruno", role="admin", password=PASSWORD)
    recommendation = make_recommendation()
    follow_up(recommendation, ada, due_date=datetime.date(2027, 1, 31))  # set: not a slip
    follow_up(recommendation, bruno, due_date=datetime.date(2027, 3, 31))
    follow_up(recommendation, ada, due_date=datetime.date(2027, 2, 28))  # brought forward: not a slip
    follow_up(recommendation, ada, due_date=datetime.date(2027, 6, 30))
    follow_up(recommendation, ada, status=IN_PROGRESS)  # not a due-date change

    changes = due_date_changes(recommendation)
    assert [(c.changed_by, c.old, c.new, c.slipped) for c in changes] == [
        (ada, None, datetime.date(2027, 1, 31), False),
        (bruno, datetime.date(2027, 1, 31), datetime.date(2027, 3, 31), True),
        (ada, datetime.date(2027, 3, 31), datetime.date(2027, 2, 28), False),
        (ada, datetime.date(2027, 2, 28), datetime.date(2027, 6, 30), True),
    ]
    assert slip_count(changes) == 2
    assert recommendation_list().get(pk=recommendation.pk).slips == 2  # counted by the database too


def test_slips_are_shown_on_the_recommendation_page_and_the_tracker(client, ada):
    recommendation = make_recommendation()
    follow_up(recommendation, ada, due_date=datetime.date(2027, 1, 31))
    follow_up(recommendation, ada, due_date=datetime.date(2027, 3, 31))
    follow_up(recommendation, ada, due_date=datetime.date(2027, 5, 31))
    today = timezone.localdate().isoformat()

    client.force_login(ada)  # names are shown to signed-in readers only
    page = " ".join(client.get(recommendation.get_absolute_url()).content.decode().split())
    assert "Due date moved later 2 times, changed 3 times:" in page
    assert f"<li>2027-01-31 → 2027-03-31 (ada, {today}) <span class=\"badge mismatch\">slipped</span></li>" in page
    assert f"<li>no due date → 2027-01-31 (ada, {today})</li>" in page

    tracker = client.get("/recommendations/", {"evaluation": recommendation.evaluation.slug})
    assert [r.slips for r in tracker.context["page"]] == [2]
    html = " ".join(tracker.content.decode().split())
    assert '<th scope="col" class="num">Slipped</th>' in html
    assert '<td class="due" data-label="Due">2027-05-31</td><td class="num" data-label="Slipped">2</td>' in html


def test_tracker_queries_do_not_grow_with_rows_or_versions(client, ada):
    evaluation = make_evaluation()
    params = {"evaluation": evaluation.slug}
    owner = make_owner()
    make_recommendation(evaluation=evaluation, owners=[owner])
    client.get("/recommendations/", params)
    with CaptureQueriesContext(connection) as few:
        client.get("/recommendations/", params)
    for _ in range(10):
        recommendation = make_recommendation(evaluation=evaluation, owners=[owner])
        for month in (1, 2, 3):
            follow_up(recommendation, ada, due_date=datetime.date(2027, month, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/recommendations/", params)
    assert [r.slips for r in response.context["page"]] == [0] + [2] * 10
    assert len(many) == len(few)


# -- the overdue list ------------------------------------------------------------------------------

DONORS, UNIT = "Donors of the overdue check", "Unit of the overdue check"


@pytest.fixture
def overdue(ada):
    """Two overdue recommendations for the donors (one also for the unit), one without an owner,
    and some that are not overdue, all in one evaluation."""
    evaluation = make_evaluation(slug="follow-up-check")
    donors, unit = make_owner(DONORS), make_owner(UNIT)
    slipped = make_recommendation(evaluation=evaluation, due_date=days_from_today(-40))
    follow_up(slipped, ada, due_date=days_from_today(-20))
    follow_up(slipped, ada, due_date=days_from_today(-10), status=IN_PROGRESS)
    slipped.owners.set([donors, unit])
    late = make_recommendation(evaluation=evaluation, due_date=days_from_today(-30), owners=[donors])
    orphan = make_recommendation(evaluation=evaluation, due_date=days_from_today(-1))
    make_recommendation(evaluation=evaluation, due_date=days_from_today(0), owners=[donors])
    make_recommendation(evaluation=evaluation, due_date=days_from_today(-5), status=NOT_ACCEPTED, owners=[donors])
    return {"evaluation": evaluation, "slipped": slipped, "late": late, "orphan": orphan}


def of_evaluation(groups, evaluation):
    """A page's overdue groups with only `evaluation`'s recommendations: (owner, [(recommendation, days, slips)])."""
    mine = [(g.owner, [(row, row.days_overdue, row.slips) for row in g.rows if row.evaluation_id == evaluation.pk])
            for g in groups]
    return [(owner, rows) for owner, rows in mine if rows]


def test_the_overdue_list_groups_recommendations_per_owner(client, overdue):
    response = client.get("/recommendations/overdue/", {"evaluation": "follow-up-check"})
    assert of_evaluation(response.context["groups"], overdue["evaluation"]) == [
        (DONORS, [(overdue["late"], 30, 0), (overdue["slipped"], 10, 2)]),
        (UNIT, [(overdue["slipped"], 10, 2)]),
        ("No owner named", [(overdue["orphan"], 1, 0)]),
    ]


def test_overdue_figures_per_owner_are_counted_by_the_database(overdue):
    chosen = with_keys(Recommendation.objects.filter(evaluation=overdue["evaluation"]))
    assert [(row["name"], row["count"], row["days"]) for row in overdue_by_owner(chosen)] == [
        (DONORS, 2, 30), (UNIT, 1, 10), ("No owner named", 1, 1)]
    assert [row["name"] for row in overdue_by_owner(chosen, owners=[UNIT])] == [UNIT]


def test_the_overdue_page_shows_each_owner_with_days_overdue_and_slips(client, overdue):
    response = client.get("/recommendations/overdue/", {"evaluation": "follow-up-check"})
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert re.search(rf'<h2 class="owner-group" id="owner-\d+">{DONORS}</h2>', page)
    assert (f'<a href="?evaluation=follow-up-check&amp;owner={DONORS.replace(" ", "+")}">{DONORS}</a></td> '
            '<td class="num key" data-label="Overdue">2</td>'
            '<td class="num" data-label="Most overdue, days">30</td>') in page
    slipped = overdue["slipped"]
    assert (f'<td class="num" data-label="No.">{slipped.number}</td> <td class="rec-text" data-label="Recommendation">'
            f'<a href="{slipped.get_absolute_url()}">') in page
    assert ('<td data-label="Status">In progress</td> '
            f'<td class="due" data-label="Due">{days_from_today(-10).isoformat()}</td>'
            '<td class="num key" data-label="Days overdue">10</td><td class="num" data-label="Slipped">2</td>') in page
    assert 'href="?evaluation=follow-up-check&amp;format=csv"' in page
    assert 'href="?evaluation=follow-up-check&amp;format=xlsx"' in page


def test_the_overdue_list_exports_as_csv_and_xlsx(client, overdue):
    rows = read_csv(client.get("/recommendations/overdue/", {"format": "csv"}))
    assert list(rows[0]) == ["owner", "evaluation", "number", "text", "status", "due_date", "days_overdue", "slips"]
    assert [(r["owner"], int(r["number"]), r["status"], int(r["days_overdue"]), int(r["slips"]))
            for r in rows if r["evaluation"] == "follow-up-check"] == [
        (DONORS, overdue["late"].number, "Open", 30, 0),
        (DONORS, overdue["slipped"].number, "In progress", 10, 2),
        (UNIT, overdue["slipped"].number, "In progress", 10, 2),
        ("No owner named", overdue["orphan"].number, "Open", 1, 0),
    ]
    response = client.get("/recommendations/overdue/", {"format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="overdue-recommendations.xlsx"')
    data, _ = read_xlsx(response)
    assert [(row[0], row[6], row[7]) for row in data[1:] if row[1] == "follow-up-check"] == [
        (DONORS, 30, 0), (DONORS, 10, 2), (UNIT, 10, 2), ("No owner named", 1, 0)]
    assert len(data) - 1 == len(rows)


def test_with_nothing_overdue_the_page_says_so(client):
    make_recommendation(due_date=days_from_today(0))
    make_recommendation(due_date=days_from_today(-3), status=IMPLEMENTED, implementation_note="Done.")
    Recommendation.objects.overdue().update(due_date=None)  # whatever else the database holds
    response = client.get("/recommendations/overdue/")
    assert response.context["groups"] == []
    assert "No recommendation is overdue." in response.content.decode()


def test_overdue_page_queries_do_not_grow_with_rows(client, overdue, ada):
    client.get("/recommendations/overdue/")
    with CaptureQueriesContext(connection) as few:
        client.get("/recommendations/overdue/")
    evaluation = make_evaluation()
    owner = make_owner("Regional office")
    for _ in range(15):
        recommendation = make_recommendation(evaluation=evaluation, due_date=days_from_today(-60), owners=[owner])
        follow_up(recommendation, ada, due_date=days_from_today(-3))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/recommendations/overdue/")
    assert [(owner, len(rows)) for owner, rows in of_evaluation(response.context["groups"], evaluation)] == [
        ("Regional office", 15)]
    assert len(many) == len(few)
