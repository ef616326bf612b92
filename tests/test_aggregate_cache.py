"""Figures about a selection are cached per data version, and any committed change to the evidence,
whatever writes it, shows on the next page (evalbase/lib/aggregates.py, operations/data_version.py)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evalbase.lib.aggregates import data_version
from operations.data_version import evidence_tables
from projects.models import Allotment
from projects.services import refresh_totals

from .builders import make_finding, make_programme, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings):
    settings.AGGREGATE_CACHE = True
    from django.core.cache import caches

    caches["aggregates"].clear()


def commit():
    """What a commit does to the version: the tests run inside a transaction that is rolled back, so
    PostgreSQL's deferred triggers are fired as a commit would (SQLite's fire at once)."""
    connection.check_constraints()


def usd_total(response):
    return next(row["allotment"] for row in response.context["totals"]["by_currency"] if row["currency"] == "USD")


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return response, len(captured)


def test_every_table_of_the_evidence_carries_the_trigger():
    if connection.vendor == "postgresql":
        sql = "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid " \
              "WHERE t.tgname = 'evalbase_note_change'"
    else:
        sql = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'evalbase_%'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert {"projects_project", "projects_allotment", "findings_finding", "ratings_rating"} <= set(evidence_tables())
    assert set(evidence_tables()) - with_trigger == set()


def test_a_committed_change_raises_the_version_an_unchanged_database_keeps_it():
    before = data_version()
    commit()
    assert data_version() == before
    make_finding()
    commit()
    assert data_version() > before


def test_a_repeated_selection_is_served_from_the_cache(client, cache_on):
    programme = make_programme(slug="cached")
    make_project(programme=programme, amount="1000")
    commit()
    first, cold = queries(client, "/portfolio/", {"programme": "cached"})
    again, warm = queries(client, "/portfolio/", {"programme": "cached"})
    assert usd_total(first) == usd_total(again) == Decimal("1000")
    assert warm < cold
    _, other_page = queries(client, "/portfolio/", {"programme": "cached", "page": "1", "sort": "number"})
    assert other_page == cold  # another sort is another selection: its facet links differ


@pytest.mark.parametrize("change", ["orm", "raw sql", "bulk update", "delete"])
def test_any_write_shows_on_the_next_page(client, cache_on, change):
    programme = make_programme(slug="changing")
    project = make_project(programme=programme, amount="1000")
    commit()
    assert usd_total(client.get("/portfolio/", {"programme": "changing"})) == Decimal("1000")
    if change == "orm":
        make_project(programme=programme, amount="500")
        expected = Decimal("1500")
    elif change == "raw sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE projects_project SET allotment_total = 250 WHERE id = %s", [project.pk])
        expected = Decimal("250")
    elif change == "bulk update":
        Allotment.objects.filter(project=project).update(amount=Decimal("700"))
        refresh_totals([project.pk])
        expected = Decimal("700")
    else:
        Allotment.objects.filter(project=project).delete()
        refresh_totals([project.pk])
        expected = None
    commit()
    totals = client.get("/portfolio/", {"programme": "changing"}).context["totals"]
    usd = [row["allotment"] for row in totals["by_currency"] if row["currency"] == "USD"]
    assert usd == ([expected] if expected is not None else [])


def test_the_summary_is_cached_and_follows_changes_too(client, cache_on):
    programme = make_programme(slug="summarised")
    make_project(programme=programme, amount="100")
    commit()
    params = {"programme": "summarised", "by": "region", "format": "json"}
    assert client.get("/portfolio/summary/", params).json()["rows"][-1]["allotment"] == "100.00"
    make_project(programme=programme, amount="50")
    commit()
    assert client.get("/portfolio/summary/", params).json()["rows"][-1]["allotment"] == "150.00"
