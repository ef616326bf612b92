"""The Django admin: who may open what, filters and bulk actions, bounded query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import DataQualityNote, Participation
from findings.models import ApproachComparison, Recommendation, ResponsibilityOwner

from .builders import (
    cited,
    country,
    make_conclusion,
    make_evaluation,
    make_evidence,
    make_finding,
    make_lesson,
    make_organisation,
    make_owner,
    make_project,
    make_published_figure,
    make_rating,
    make_recommendation,
    make_response,
    make_theme,
)

pytestmark = pytest.mark.django_db

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
def admin(client, ada):
    client.force_login(ada)
    return ada


@pytest.fixture
def admin_site_staff(sam):
    """sam let into the Django admin: is_staff opens the site, the Staff group's permissions still decide."""
    sam.is_staff = True
    sam.save(update_fields=["is_staff"])
    return sam


@pytest.fixture
def one_of_each():
    """A record of every kind the admin lists, so that each changelist shows rows."""
    evaluation = make_evaluation(**cited())
    finding = make_finding(evaluation=evaluation, themes=[make_theme()])
    make_evidence(finding=finding)
    make_lesson(evaluation=evaluation)
    recommendation = make_recommendation(evaluation=evaluation, owners=[make_owner()], findings=[finding],
                                         conclusion=make_conclusion(evaluation=evaluation, findings=[finding]))
    make_response(recommendation, actions=["Publish the manual."])
    make_rating(project=make_project())
    make_published_figure(evaluation=evaluation)
    DataQualityNote.objects.create(evaluation=evaluation, code="note", title="Two totals", text="They differ.")
    Participation.objects.create(evaluation=evaluation, organisation=make_organisation(), role="evaluator")
    ApproachComparison.objects.create(evaluation=evaluation, organisation=make_organisation(), aspect="Scope",
                                      text="Wider.")


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/findings/recommendation/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/findings/recommendation/"


@pytest.mark.parametrize("role", ["evaluator", "staff"])
def test_roles_without_the_admin_site_are_sent_to_the_admin_login(client, person, role):
    client.force_login(person(role))
    response = client.get("/admin/findings/recommendation/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_with_the_admin_site_may_not_add_recommendations(client, admin_site_staff):
    client.force_login(admin_site_staff)
    assert client.get("/admin/findings/recommendation/add/").status_code == 403
    assert client.post("/admin/findings/recommendation/add/", {"number": "99"}).status_code == 403
    assert client.get("/admin/findings/recommendation/").status_code == 200  # view only
    assert client.get("/admin/ratings/rating/add/").status_code == 200


@pytest.mark.parametrize("page", CHANGELISTS)
def test_admins_open_every_changelist(client, admin, one_of_each, page):
    response = client.get(f"/admin/{page}/")
    assert response.status_code == 200 and response.context["cl"].result_count > 0


@pytest.mark.parametrize("page", ADD_PAGES)
def test_admins_open_every_add_page(client, admin, page):
    assert client.get(f"/admin/{page}/add/").status_code == 200


def test_admins_open_the_change_pages_with_their_inlines(client, admin):
    evaluation = make_evaluation(slug="inline-check")
    conclusion = make_conclusion(evaluation=evaluation)
    donors = make_owner("Donors of the inline check")
    recommendation = make_recommendation(evaluation=evaluation, owners=[donors], conclusion=conclusion)
    response = make_response(recommendation, actions=["Publish a monitoring manual for cluster projects."])

    page = client.get(f"/admin/findings/recommendation/{recommendation.pk}/change/").content.decode()
    assert "Management response" in page
    assert ">inline-check: Conclusion 1</option>" in page
    response_page = client.get(f"/admin/findings/managementresponse/{response.pk}/change/")
    assert response_page.status_code == 200
    assert "Publish a monitoring manual for cluster projects." in response_page.content.decode()
    owner = client.get(f"/admin/findings/responsibilityowner/{donors.pk}/change/").content.decode()
    assert "Recommendations addressed to this owner" in owner
    assert f"/admin/findings/recommendation/{recommendation.pk}/change/" in owner


def test_the_recommendation_list_shows_owners_and_response(client, admin):
    evaluation = make_evaluation()
    make_recommendation(evaluation=evaluation, owners=["Donors", "CBL Unit"])
    make_response(make_recommendation(evaluation=evaluation), stance="partially_agrees")
    make_response(make_recommendation(evaluation=evaluation), stance="agrees")
    listed = client.get("/admin/findings/recommendation/", {"evaluation__id__exact": evaluation.pk})
    page = listed.content.decode()
    assert listed.context["cl"].result_count == 3
    assert "CBL Unit, Donors" in page and "Partially agrees" in page
    by_stance = client.get("/admin/findings/recommendation/", {"evaluation__id__exact": evaluation.pk,
                                                               "response__stance": "partially_agrees"})
    assert [r.number for r in by_stance.context["cl"].result_list] == [2]


def test_the_overdue_filter_follows_the_queryset(client, admin):
    evaluation = make_evaluation()
    late = make_recommendation(evaluation=evaluation, due_date=date(2000, 1, 1))
    done = make_recommendation(evaluation=evaluation, due_date=date(2000, 1, 1), status="implemented",
                               implementation_note="Done.")
    undated = make_recommendation(evaluation=evaluation)
    mine = {"evaluation__id__exact": evaluation.pk}
    overdue = client.get("/admin/findings/recommendation/", mine | {"overdue": "yes"}).context["cl"].result_list
    assert [r.pk for r in overdue] == [late.pk]
    assert list(Recommendation.objects.filter(evaluation=evaluation).overdue()) == [late]
    not_overdue = client.get("/admin/findings/recommendation/", mine | {"overdue": "no"}).context["cl"].result_list
    assert sorted(r.pk for r in not_overdue) == sorted([done.pk, undated.pk])


def test_bulk_status_change_saves_each_recommendation_in_its_history(client, admin):
    evaluation = make_evaluation()
    chosen = [make_recommendation(evaluation=evaluation), make_recommendation(evaluation=evaluation)]
    left_alone = make_recommendation(evaluation=evaluation)
    response = client.post("/admin/findings/recommendation/", {
        "action": "mark_in_progress", "_selected_action": [r.pk for r in chosen],
    })
    assert response.status_code == 302
    for recommendation in chosen:
        recommendation.refresh_from_db()
        assert recommendation.status == Recommendation.Status.IN_PROGRESS
        latest = recommendation.history.first()
        assert (latest.history_user, latest.status, latest.prev_record.status) == (admin, "in_progress", "open")
    left_alone.refresh_from_db()
    assert (left_alone.status, left_alone.version) == (Recommendation.Status.OPEN, 1)

    client.post("/admin/findings/recommendation/", {"action": "mark_not_accepted", "_selected_action": [chosen[0].pk]})
    chosen[0].refresh_from_db()
    assert chosen[0].status == Recommendation.Status.NOT_ACCEPTED


def test_staff_cannot_run_the_bulk_status_change(client, admin_site_staff):
    client.force_login(admin_site_staff)
    recommendation = make_recommendation()
    client.post("/admin/findings/recommendation/", {"action": "mark_in_progress",
                                                    "_selected_action": [recommendation.pk]})
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (Recommendation.Status.OPEN, 1)


def test_a_project_is_found_under_any_spelling_of_its_number(client, admin):
    make_project(number="XXSEN09123")
    make_project(number="XXSEN09124")
    for spelling in ("XX/SEN/09/123", "xxsen09123", "XX-SEN-09-123"):
        response = client.get("/admin/projects/project/", {"q": spelling})
        assert [p.number for p in response.context["cl"].result_list] == ["XXSEN09123"], spelling


def add_recommendations():
    evaluation = make_evaluation()
    shared, _ = ResponsibilityOwner.objects.get_or_create(name="Owner shared by the query check")
    for _ in range(3):
        make_response(make_recommendation(evaluation=evaluation, owners=[shared, make_owner()]),
                      actions=["An action."])


def add_ratings():
    for _ in range(3):
        make_rating(project=make_project())


def add_findings():
    evaluation = make_evaluation()
    for _ in range(3):
        make_finding(evaluation=evaluation, evidence_kind="survey")


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
    add_rows()
    client.get(f"/admin/{page}/")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/admin/{page}/").status_code == 200
    for _ in range(3):
        add_rows()
    with CaptureQueriesContext(connection) as more:
        response = client.get(f"/admin/{page}/")
    assert response.context["cl"].result_count > 0
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_ratings_are_listed_with_their_subject(client, admin):
    rating = make_rating(country=country("SN"))
    project_rating = make_rating(project=make_project(number="XXSEN09125"))
    for made in (rating, project_rating):
        page = client.get("/admin/ratings/rating/", {"evaluation__id__exact": made.evaluation_id}).content.decode()
        assert str(made.subject) in page
    assert str(rating.subject) == "Senegal"
