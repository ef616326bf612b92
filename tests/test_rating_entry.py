"""Staff enter ratings in a grid; bad values, duplicates and stale edits are refused, nothing lost."""

from decimal import Decimal

import pytest

from accounts.roles import add_user
from ratings.models import Rating

from .builders import make_project

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-test-passphrase-77"


@pytest.fixture
def staff(client):
    user = add_user(username="sam", role="staff", password=PASSWORD)
    client.force_login(user)
    return user


def grid_url(project, scale="unido-table8", evaluation="unido-cnd-2010"):
    return (f"/ratings/new/?evaluation={evaluation}&subject_kind=project&subject={project.number}"
            f"&scale={scale}")


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
       ("efficiency", "2", False), ("impact", "", True), ("sustainability", "1", False), ("design", "4", False)]


def test_it_shows_a_grid_with_every_criterion(client, staff):
    project = make_project()
    page = client.get(grid_url(project)).content.decode()
    for name in ["Relevance", "Coherence", "Effectiveness", "Efficiency", "Impact", "Sustainability", "Design"]:
        assert name in page
    assert "0 = not assessed" in page


def test_it_saves_all_criteria_of_one_subject_at_once(client, staff):
    project = make_project()
    response = client.post(grid_url(project), grid_data(ALL))
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    ratings = {r.criterion.code: r for r in Rating.objects.filter(project=project)}
    assert len(ratings) == 7
    assert ratings["relevance"].value == 4 and ratings["impact"].not_assessed and ratings["impact"].value is None
    assert ratings["relevance"].history.first().history_user == staff


def test_an_out_of_scale_value_is_refused_and_nothing_is_saved(client, staff):
    project = make_project()
    rows = [("relevance", "4", False), ("efficiency", "7", False)]
    response = client.post(grid_url(project), grid_data(rows))
    assert response.status_code == 400
    assert "7 is outside the scale" in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


def test_a_missing_criterion_is_refused(client, staff):
    project = make_project()
    response = client.post(grid_url(project), grid_data([("relevance", "4", False), ("beauty", "3", False)]))
    assert response.status_code == 400
    assert "Missing criterion: “beauty” is not a criterion." in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


def test_an_empty_grid_asks_for_at_least_one_rating(client, staff):
    project = make_project()
    response = client.post(grid_url(project), grid_data([("relevance", "", False)]))
    assert "Rate at least one criterion" in response.content.decode()


def test_a_duplicate_is_shown_with_a_link_to_edit_the_existing_rating(client, staff):
    project = make_project()
    client.post(grid_url(project), grid_data([("relevance", "3", False)]))
    existing = Rating.objects.get(project=project, criterion__code="relevance")
    response = client.post(grid_url(project), grid_data([("relevance", "4", False), ("impact", "2", False)]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "already rated 3" in page and f"/ratings/{existing.pk}/edit/" in page
    assert Rating.objects.filter(project=project).count() == 1
    existing.refresh_from_db()
    assert existing.value == 3


def test_an_unknown_subject_is_named(client, staff):
    response = client.get("/ratings/new/?evaluation=unido-cnd-2010&subject_kind=project&subject=NOPE123&scale=unido-table8")
    assert "No project has the number “NOPE123”." in response.content.decode()


def test_a_stale_edit_is_refused_with_what_changed(client, staff):
    rating = Rating.objects.get(evaluation__slug="unido-cnd-2010", country__iso2="PE", criterion__code="relevance")
    loaded = rating.version
    form = {"value": "3", "not_assessed": "", "label": "", "justification": "first", "version": loaded}
    assert client.post(f"/ratings/{rating.pk}/edit/", form).status_code == 302
    second = {"value": "2", "label": "", "justification": "second", "version": loaded}
    response = client.post(f"/ratings/{rating.pk}/edit/", second)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: this rating was changed after you opened it." in page
    assert "justification" in page and "sam" in page
    rating.refresh_from_db()
    assert (rating.value, rating.justification, rating.version) == (Decimal("3"), "first", loaded + 1)


def test_an_edit_out_of_scale_is_refused(client, staff):
    rating = Rating.objects.get(evaluation__slug="unido-cnd-2010", country__iso2="PE", criterion__code="design")
    response = client.post(f"/ratings/{rating.pk}/edit/", {"value": "9", "version": rating.version})
    assert response.status_code == 400 and "9 is outside the scale" in response.content.decode()
    rating.refresh_from_db()
    assert rating.value == 2


def test_deleting_a_rating_keeps_its_history(client, django_user_model):
    admin = add_user(username="ada", role="admin", password=PASSWORD)
    client.force_login(admin)
    rating = Rating.objects.get(evaluation__slug="unido-cnd-2010", country__iso2="PE", criterion__code="design")
    assert client.post(f"/ratings/{rating.pk}/delete/").status_code == 302
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert Rating.history.filter(id=rating.pk, history_type="-").exists()


def test_the_rating_page_shows_its_history(client, staff):
    rating = Rating.objects.get(evaluation__slug="unido-cnd-2010", country__iso2="PE", criterion__code="relevance")
    client.post(f"/ratings/{rating.pk}/edit/", {"value": "3", "justification": "revisited", "version": rating.version})
    page = client.get(f"/ratings/{rating.pk}/").content.decode()
    assert "sam" in page and "value: 4.00 → 3.00" in page


@pytest.mark.parametrize("role, expected", [(None, 302), ("evaluator", 403), ("staff", 200), ("admin", 200)])
def test_who_may_open_the_rating_grid(client, role, expected):
    if role:
        client.force_login(add_user(username=f"user-{role}", role=role, password=PASSWORD))
    response = client.get("/ratings/new/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role, expected", [(None, 302), ("evaluator", 403), ("staff", 200), ("admin", 200)])
def test_staff_and_admins_may_delete_ratings(client, role, expected):
    if role:
        client.force_login(add_user(username=f"del-{role}", role=role, password=PASSWORD))
    rating = Rating.objects.filter(evaluation__slug="unido-cnd-2010").first()
    assert client.get(f"/ratings/{rating.pk}/delete/").status_code == expected
