"""While the database is out of reach: a 503 page with Retry-After, logged; a health endpoint for load balancers."""

import logging
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from evalbase.urls import handler500

pytestmark = pytest.mark.django_db


@contextmanager
def unreachable(error=OperationalError):
    """Every new query fails as it does while PostgreSQL restarts: plain cursors and the server-side
    cursors that streamed exports read through on PostgreSQL."""
    failure = error("connection to server at \"127.0.0.1\", port 5432 failed")
    connection = connections["default"]
    with mock.patch.object(connection, "cursor", side_effect=failure), \
            mock.patch.object(connection, "chunked_cursor", side_effect=failure):
        yield


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("page", ["/portfolio/", "/findings/?q=cluster", "/recommendations/?format=csv"])
def test_pages_answer_503_with_retry_after(client, page, error, caplog):
    with unreachable(error), caplog.at_level(logging.ERROR, logger="operations"):
        response = client.get(page)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Temporarily unavailable" in response.content.decode()
    assert "Database unavailable: GET" in caplog.text


def test_a_write_during_the_outage_answers_503_and_says_nothing_was_saved(sam):
    client = Client(raise_request_exception=False)  # saving the session after the view fails too
    client.force_login(sam)
    with unreachable():
        response = client.post("/ratings/1/edit/", {"value": "3"})
    assert response.status_code == 503
    assert "it was not saved" in response.content.decode()


def test_a_database_error_outside_a_view_is_a_503_too(client, eve):
    """The session is saved after the view (every request moves the idle expiry); `handler500` answers."""
    client = Client(raise_request_exception=False)
    client.force_login(eve)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.save",
                    side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get("/sources/")
    assert response.status_code == 503 and response["Retry-After"]
    assert handler500 == "operations.views.server_error_or_unavailable"


def test_other_errors_stay_500(client):
    client = Client(raise_request_exception=False)
    with mock.patch("overview.views.render", side_effect=ValueError("a bug")):
        response = client.get("/sources/")
    assert response.status_code == 500


def test_persistent_connections_are_checked_before_use():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_health_endpoint_answers_without_a_login(client, settings):
    settings.EVALBASE_PUBLIC_BROWSING = False
    response = client.get("/health/", HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert "Database" in response.content.decode() and "OK" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_the_health_endpoint_fails_while_the_database_is_unreachable(client):
    """The check opens a connection of its own (in a worker thread): make connecting fail."""
    backend = type(connections["default"])
    with mock.patch.object(backend, "get_new_connection", side_effect=OperationalError("connection refused")):
        response = client.get("/health/", {"format": "json"})
    assert response.status_code == 500
    assert "connection refused" in response.content.decode()
