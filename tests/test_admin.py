"""The Django admin: who may open what, filters and bulk actions, bounded query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import add_user
from evaluations.models import Evaluation
from findings.models import Action, Finding, ManagementResponse, Recommendation, ResponsibilityOwner
from ratings.models import Rating

from .builders import build_rating, make_conclusion, make_evaluation, make_project

pytestmark = pytest.mark.django_db

PASSWORD = "grey-heron-over-the-delta"

CHANGELISTS = [
    "evaluations/evaluation", "reference/organisation", "reference/sourcedocument", "reference/country",
    "reference/region", "evaluations/dataqualitynote", "evaluations/publishedfigure",
    "projects/programme", "projects/project", "projects/allotment",
    "ratings/rating", "reference/criterion", "reference/ratingscale",
    "findings/finding", "findings/lesson", "findings/conclusion", "findings/recommendation",
    "findings/responsibilityowner", "findings/managementresponse", "findings/action", "reference/theme",
    "findings/approachcomparison", "auth/user",
]
ADD_PAGES = [
    "findings/recommendation", "findings/responsibilityowner", "findings/managementresponse", "findings/action",
    "findings/conclusion", "findings/finding", "findings/lesson", "ratings/rating", "evaluations/evaluation",
    "reference/organisation", "projects/programme", "projects/project", "projects/allotment", "auth/user",
]


@pytest.fixture
def admin(client):
    user = add_user(username="ada", role="admin", password=PASSWORD)
    client.force_login(user)
    return user


def unido(number):
    return Recommendation.objects.get(evaluation__slug="unido-cnd-2010", number=number)


def make_recommendation(evaluation, number, *, owners=(), stance=None, **kwargs):
    recommendation = Recommendation.objects.create(evaluation=evaluation, number=number,
                                                   text=f"Recommendation text {number}", **kwargs)
    recommendation.owners.set(owners)
    if stance:
        response = ManagementResponse.objects.create(recommendation=recommendation, stance=stance)
        Action.objects.create(response=response, description=f"Action for {number}")
    return recommendation


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/findings/recommendation/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/findings/recommendation/"


@pytest.mark.parametrize("role", ["evaluator", "staff"])
def test_roles_without_the_admin_site_are_sent_to_the_admin_login(client, role):
    client.force_login(add_user(username="someone", role=role, password=PASSWORD))
    response = client.get("/admin/findings/recommendation/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_with_the_admin_site_may_not_add_recommendations(client):
    """is_staff lets a user into the admin; the Staff group's permissions still decide what they do."""
    user = add_user(username="sam", role="staff", password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get("/admin/findings/recommendation/add/").status_code == 403
    assert client.post("/admin/findings/recommendation/add/", {"number": "99"}).status_code == 403
    assert client.get("/admin/findings/recommendation/").status_code == 200  # view only
    assert client.get("/admin/ratings/rating/add/").status_code == 200


@pytest.mark.parametrize("page", CHANGELISTS)
def test_admins_open_every_changelist(client, admin, page):
    assert client.get(f"/admin/{page}/").status_code == 200


@pytest.mark.parametrize("page", ADD_PAGES)
def test_admins_open_every_add_page(client, admin, page):
    assert client.get(f"/admin/{page}/add/").status_code == 200


def test_admins_open_the_change_pages_with_their_inlines(client, admin):
    recommendation = Recommendation.objects.filter(response__actions__isnull=False).first()
    page = client.get(f"/admin/findings/recommendation/{recommendation.pk}/change/")
    assert page.status_code == 200 and "Management response" in page.content.decode()
    entered = make_recommendation(make_evaluation(slug="entered"), 1)
    conclusion = make_conclusion(evaluation=entered.evaluation)
    page = client.get(f"/admin/findings/recommendation/{entered.pk}/change/")
    assert f">entered: Conclusion {conclusion.number}</option>" in page.content.decode()

    response = client.get(f"/admin/findings/managementresponse/{recommendation.response.pk}/change/")
    assert response.status_code == 200 and recommendation.response.actions.first().description[:30] in response.content.decode()

    donors = ResponsibilityOwner.objects.get(name="Donors")
    owner = client.get(f"/admin/findings/responsibilityowner/{donors.pk}/change/").content.decode()
    assert "Recommendations addressed to this owner" in owner
    assert f'/admin/findings/recommendation/{unido(3).pk}/change/' in owner


def test_the_recommendation_list_shows_owners_and_response(client, admin):
    unido_list = client.get("/admin/findings/recommendation/", {"evaluation__id__exact": unido(3).evaluation_id})
    assert "CBL Unit, Donors" in unido_list.content.decode()
    seco = Evaluation.objects.get(slug="seco-smac-2019")
    seco_list = client.get("/admin/findings/recommendation/", {"evaluation__id__exact": seco.pk})
    assert seco_list.context["cl"].result_count == 3 and "Partially agrees" in seco_list.content.decode()
    by_stance = client.get("/admin/findings/recommendation/", {"response__stance": "partially_agrees"})
    assert by_stance.context["cl"].result_count == 1


def test_the_overdue_filter_follows_the_queryset(client, admin):
    evaluation = Evaluation.objects.get(slug="unido-cnd-2010")
    late = make_recommendation(evaluation, 91, due_date=date(2000, 1, 1))
    make_recommendation(evaluation, 92, due_date=date(2000, 1, 1), status="implemented", implementation_note="Done.")
    response = client.get("/admin/findings/recommendation/", {"overdue": "yes"})
    assert [r.pk for r in response.context["cl"].result_list] == list(Recommendation.objects.overdue().values_list("pk", flat=True))
    assert [r.pk for r in response.context["cl"].result_list] == [late.pk]
    not_overdue = client.get("/admin/findings/recommendation/", {"overdue": "no"}).context["cl"].result_count
    assert not_overdue == Recommendation.objects.count() - 1


def test_bulk_status_change_saves_each_recommendation_in_its_history(client, admin):
    chosen = [unido(1), unido(2)]
    response = client.post("/admin/findings/recommendation/", {
        "action": "mark_in_progress", "_selected_action": [r.pk for r in chosen],
    })
    assert response.status_code == 302
    for recommendation in chosen:
        recommendation.refresh_from_db()
        assert recommendation.status == Recommendation.Status.IN_PROGRESS
        latest = recommendation.history.first()
        assert (latest.history_user, latest.status, latest.prev_record.status) == (admin, "in_progress", "open")

    client.post("/admin/findings/recommendation/", {"action": "mark_not_accepted", "_selected_action": [chosen[0].pk]})
    chosen[0].refresh_from_db()
    assert chosen[0].status == Recommendation.Status.NOT_ACCEPTED


def test_staff_cannot_run_the_bulk_status_change(client):
    user = add_user(username="sam", role="staff", password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    client.post("/admin/findings/recommendation/", {"action": "mark_in_progress", "_selected_action": [unido(1).pk]})
    assert unido(1).status == Recommendation.Status.OPEN


def test_a_project_is_found_under_any_spelling_of_its_number(client, admin):
    response = client.get("/admin/projects/project/", {"q": "US/IND/01/193"})
    assert [p.number for p in response.context["cl"].result_list] == ["USIND01193"]


def add_recommendations():
    evaluation = Evaluation.objects.get(slug="seco-smac-2019")
    shared = ResponsibilityOwner.objects.get(name="SECO")
    for number in (71, 72, 73):
        owner = ResponsibilityOwner.objects.create(name=f"Owner {number}")
        make_recommendation(evaluation, number, owners=[shared, owner], stance="agrees")


def add_ratings():
    for _ in range(3):
        build_rating(project=make_project()).save()


def add_findings():
    evaluation = Evaluation.objects.get(slug="seco-smac-2019")
    for code in ("X1", "X2", "X3"):
        Finding.objects.create(evaluation=evaluation, code=code, title=code, text=code, evidence_kind="survey")


@pytest.mark.parametrize("page, add_rows", [
    ("findings/recommendation", add_recommendations),
    ("findings/managementresponse", add_recommendations),
    ("findings/action", add_recommendations),
    ("findings/responsibilityowner", add_recommendations),
    ("ratings/rating", add_ratings),
    ("projects/project", add_ratings),
    ("projects/allotment", add_ratings),
    ("findings/finding", add_findings),
])
def test_changelist_queries_do_not_grow_with_rows(client, admin, page, add_rows):
    client.get(f"/admin/{page}/")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(f"/admin/{page}/").status_code == 200
    add_rows()
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/admin/{page}/")
    assert response.context["cl"].result_count > 0
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_ratings_are_listed_with_their_subject(client, admin):
    html = client.get("/admin/ratings/rating/").content.decode()
    assert Rating.objects.filter(subject_kind="country").first().country.name in html
