"""Staff enter ratings in a grid; bad values, duplicates, stale edits and subjects outside the
evaluation's scope are refused, and nothing is lost. Transcribed ratings are not edited here."""

from decimal import Decimal

import pytest

from ratings.models import Rating

from .builders import cited, make_evaluation, make_programme, make_project, make_rating, make_scale

pytestmark = pytest.mark.django_db

LEVELS = {"0": "not assessed", "1": "poor", "2": "fair", "3": "good", "4": "very good"}


@pytest.fixture
def evaluation():
    return make_evaluation(slug="cluster-review")


@pytest.fixture
def scale():
    return make_scale(code="cluster-scale", not_assessed_value=Decimal("0"), levels=LEVELS)


@pytest.fixture
def project(evaluation):
    return make_project(programme=make_programme(evaluations=[evaluation]))


@pytest.fixture
def signed_in(client, sam):
    client.force_login(sam)
    return client


def grid_url(project, evaluation, scale):
    return (f"/ratings/new/?evaluation={evaluation.slug}&subject_kind=project&subject={project.number}"
            f"&scale={scale.code}")


def grid_data(rows):
    """rows: list of (criterion code, value, not_assessed)."""
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "50"}
    for i, (code, value, not_assessed) in enumerate(rows):
        data[f"form-{i}-criterion"] = code
        data[f"form-{i}-value"] = value
        if not_assessed:
            data[f"form-{i}-not_assessed"] = "on"
        data[f"form-{i}-justification"] = f"why {code}"
    return data


ALL = [("relevance", "4", False), ("coherence", "3", False), ("effectiveness", "3", False),
       ("efficiency", "2", False), ("impact", "", True), ("sustainability", "1", False)]


def test_it_shows_a_grid_with_every_criterion(signed_in, project, evaluation, scale):
    page = signed_in.get(grid_url(project, evaluation, scale)).content.decode()
    for name in ["Relevance", "Coherence", "Effectiveness", "Efficiency", "Impact", "Sustainability"]:
        assert name in page
    assert "0 = not assessed" in page


def test_it_saves_all_criteria_of_one_subject_at_once(signed_in, sam, project, evaluation, scale):
    response = signed_in.post(grid_url(project, evaluation, scale), grid_data(ALL))
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    ratings = {r.criterion.code: r for r in Rating.objects.filter(project=project)}
    assert len(ratings) == 6
    assert ratings["relevance"].value == 4 and ratings["impact"].not_assessed and ratings["impact"].value is None
    assert ratings["relevance"].history.first().history_user == sam


def test_an_out_of_scale_value_is_refused_and_nothing_is_saved(signed_in, project, evaluation, scale):
    rows = [("relevance", "4", False), ("efficiency", "7", False)]
    response = signed_in.post(grid_url(project, evaluation, scale), grid_data(rows))
    assert response.status_code == 400
    assert "7 is outside the scale" in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


def test_a_project_outside_the_evaluations_programmes_is_refused(signed_in, evaluation, scale):
    elsewhere = make_project()
    response = signed_in.post(grid_url(elsewhere, evaluation, scale), grid_data([("relevance", "4", False)]))
    assert response.status_code == 400
    assert f"{elsewhere} is not in a programme {evaluation} evaluates." in response.content.decode()
    assert not Rating.objects.filter(project=elsewhere).exists()


def test_a_missing_criterion_is_refused(signed_in, project, evaluation, scale):
    data = grid_data([("relevance", "4", False), ("nonsense", "3", False)])
    response = signed_in.post(grid_url(project, evaluation, scale), data)
    assert response.status_code == 400
    assert "Missing criterion: “nonsense” is not a criterion." in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


def test_an_empty_grid_asks_for_at_least_one_rating(signed_in, project, evaluation, scale):
    response = signed_in.post(grid_url(project, evaluation, scale), grid_data([("relevance", "", False)]))
    assert response.status_code == 400
    assert "Rate at least one criterion" in response.content.decode()


def test_a_duplicate_is_shown_with_a_link_to_edit_the_existing_rating(signed_in, project, evaluation, scale):
    existing = make_rating(evaluation=evaluation, project=project, scale=scale, value=Decimal("2"))
    response = signed_in.post(grid_url(project, evaluation, scale), grid_data([("relevance", "4", False)]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Relevance is already rated 2 in this evaluation for this subject" in page
    assert f"/ratings/{existing.pk}/edit/" in page
    assert Rating.objects.filter(project=project).count() == 1


def test_an_unknown_subject_is_named(signed_in, evaluation, scale):
    response = signed_in.get(f"/ratings/new/?evaluation={evaluation.slug}&subject_kind=project&subject=NOPE123"
                             f"&scale={scale.code}")
    assert "No project has the number “NOPE123”." in response.content.decode()


def test_a_stale_edit_is_refused_with_what_changed(signed_in, project, evaluation, scale):
    rating = make_rating(evaluation=evaluation, project=project, scale=scale, value=Decimal("4"))
    loaded = rating.version
    form = {"value": "3", "not_assessed": "", "label": "", "justification": "first", "version": loaded}
    assert signed_in.post(f"/ratings/{rating.pk}/edit/", form).status_code == 302
    second = {"value": "2", "label": "", "justification": "second", "version": loaded}
    response = signed_in.post(f"/ratings/{rating.pk}/edit/", second)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: this rating was changed after you opened it." in page
    assert "justification" in page and "sam" in page
    rating.refresh_from_db()
    assert (rating.value, rating.justification, rating.version) == (Decimal("3"), "first", loaded + 1)


def test_an_edit_out_of_scale_is_refused(signed_in, project, evaluation, scale):
    rating = make_rating(evaluation=evaluation, project=project, scale=scale, value=Decimal("2"))
    response = signed_in.post(f"/ratings/{rating.pk}/edit/", {"value": "9", "version": rating.version})
    assert response.status_code == 400 and "9 is outside the scale" in response.content.decode()
    rating.refresh_from_db()
    assert rating.value == 2


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_transcribed_rating_is_neither_edited_nor_deleted_by_hand(signed_in, project, evaluation, scale, action):
    rating = make_rating(evaluation=evaluation, project=project, scale=scale, value=Decimal("2"),
                         **cited(section="Table 8"))
    response = signed_in.post(f"/ratings/{rating.pk}/{action}/", {"value": "3", "version": rating.version})
    assert response.status_code == 403
    assert "transcribed from" in response.content.decode() and "YAML file" in response.content.decode()
    rating.refresh_from_db()
    assert (rating.value, rating.version) == (Decimal("2"), 1)
    assert "Edit</a>" not in signed_in.get(rating.get_absolute_url()).content.decode()


def test_deleting_a_rating_keeps_its_history(client, ada, project, evaluation, scale):
    client.force_login(ada)
    rating = make_rating(evaluation=evaluation, project=project, scale=scale)
    assert client.post(f"/ratings/{rating.pk}/delete/").status_code == 302
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert Rating.history.filter(id=rating.pk, history_type="-", history_user=ada).exists()


def test_the_rating_page_shows_its_history(signed_in, project, evaluation, scale):
    rating = make_rating(evaluation=evaluation, project=project, scale=scale, value=Decimal("4"))
    signed_in.post(f"/ratings/{rating.pk}/edit/", {"value": "3", "justification": "revisited",
                                                    "version": rating.version})
    page = signed_in.get(f"/ratings/{rating.pk}/").content.decode()
    assert "sam" in page and "value: 4.00 → 3.00" in page


@pytest.mark.parametrize("role, expected", [(None, 302), ("evaluator", 403), ("staff", 200), ("admin", 200)])
def test_who_may_open_the_rating_grid(client, person, role, expected):
    if role:
        client.force_login(person(role))
    response = client.get("/ratings/new/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role, expected", [(None, 302), ("evaluator", 403), ("staff", 200), ("admin", 200)])
def test_staff_and_admins_may_delete_ratings(client, person, role, expected):
    if role:
        client.force_login(person(role))
    rating = make_rating()
    assert client.get(f"/ratings/{rating.pk}/delete/").status_code == expected
