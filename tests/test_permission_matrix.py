"""Every write URL x every role: redirect to login, 403, or the page."""

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import add_user

from .builders import make_rating, make_recommendation

pytestmark = pytest.mark.django_db

LOGIN, ADMIN_LOGIN, FORBIDDEN, OK = "login", "admin-login", 403, 200

# url factory, anonymous, evaluator, staff, admin
MATRIX = [
    ("/ratings/new/", LOGIN, FORBIDDEN, OK, OK),
    ("/ratings/{rating}/edit/", LOGIN, FORBIDDEN, OK, OK),
    ("/ratings/{rating}/delete/", LOGIN, FORBIDDEN, OK, OK),
    ("/portfolio/import/", LOGIN, FORBIDDEN, OK, OK),
    ("/ratings/import/", LOGIN, FORBIDDEN, OK, OK),
    ("/recommendations/{recommendation}/follow-up/", LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("/admin/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/findings/recommendation/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/findings/recommendation/{recommendation}/change/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/findings/responsibilityowner/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/findings/managementresponse/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/evaluations/evaluation/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/ratings/rating/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    ("/admin/auth/user/add/", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
]
ROLES = [None, "evaluator", "staff", "admin"]


@pytest.mark.parametrize("url, expected", [(row[0], row[1:]) for row in MATRIX], ids=[row[0] for row in MATRIX])
def test_write_urls_by_role(client, url, expected):
    rating, recommendation = make_rating(), make_recommendation()
    url = url.format(rating=rating.pk, recommendation=recommendation.pk)
    for role, outcome in zip(ROLES, expected):
        client.logout()
        if role:
            client.force_login(_user(f"m-{role}", role))
        response = client.get(url)
        where = f"{url} as {role or 'anonymous'}"
        if outcome == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), where
        elif outcome == ADMIN_LOGIN:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), where
        else:
            assert response.status_code == outcome, where


def test_a_refused_write_changes_nothing(client):
    rating = make_rating(value=4)
    client.force_login(add_user(username="eve", role="evaluator", password="matrix-Pass-phrase-9"))
    response = client.post(f"/ratings/{rating.pk}/edit/", {"value": "1", "version": rating.version})
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.value == 4


def _user(username, role):
    existing = get_user_model().objects.filter(username=username).first()
    return existing or add_user(username=username, role=role, password="matrix-Pass-phrase-9")
