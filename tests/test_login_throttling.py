"""Login throttling (django-axes) on both login pages: a lock-out after repeated failures, a cool-off
that ends it, and every failure logged."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def fail(client, page, username="eve", times=1, **extra):
    for _ in range(times):
        response = client.post(page, {"username": username, "password": "wrong-password-1234"}, **extra)
    return response


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_it_locks_out_after_five_wrong_passwords_even_with_the_right_one(client, ada, eve, page, settings):
    user = ada if page.startswith("/admin") else eve
    assert fail(client, page, user.username, times=4).status_code == 200
    locked = fail(client, page, user.username)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    right = client.post(page, {"username": user.username, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_lock_out_ends_after_the_cool_off(client, ada, eve, page):
    user = ada if page.startswith("/admin") else eve
    fail(client, page, user.username, times=5)
    assert client.post(page, {"username": user.username, "password": PASSWORD}).status_code == 429
    # Sixteen minutes pass: the stored failures grow older, as they would.
    AccessAttempt.objects.filter(username=user.username).update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = client.post(page, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_lock_out_holds_one_user_name_from_one_address(client, eve, sam):
    fail(client, "/accounts/login/", "eve", times=5)
    assert client.post("/accounts/login/", {"username": "sam", "password": PASSWORD}).status_code == 302
    other_address = client.post("/accounts/login/", {"username": "eve", "password": PASSWORD},
                                REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


def test_behind_a_proxy_it_counts_the_clients_address(client, eve, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, "/accounts/login/", "eve", times=5, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert fail(client, "/accounts/login/", "eve", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    another_client = client.post("/accounts/login/", {"username": "eve", "password": PASSWORD},
                                 HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert another_client.status_code == 302


def test_every_failed_login_is_logged_with_user_name_and_address(client, eve, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, "/accounts/login/", "eve", times=2)
    failures = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) == 2
    assert all("eve" in message and "127.0.0.1" in message for message in failures)


def test_a_successful_login_clears_the_failures(client, eve):
    fail(client, "/accounts/login/", "eve", times=4)
    assert client.post("/accounts/login/", {"username": "eve", "password": PASSWORD}).status_code == 302
    client.logout()
    assert fail(client, "/accounts/login/", "eve", times=4).status_code == 200
