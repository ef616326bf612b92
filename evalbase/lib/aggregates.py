"""Figures about a whole selection (totals, facet counts, chart data), computed once per state of the
data and reused until anything changes.

The state is a number, the data version, kept by the database itself: triggers on every table of
the evidence raise it when a transaction that changed any of them commits, whatever wrote it (a
form, the admin, an import, the loader, SQL by hand). A cached figure is therefore never older than
the data a page shows beside it: the version is read BEFORE the figures are computed, so a figure
stored under a version was computed from that state or a newer one. `operations.data_version`
installs the table and its triggers after every `migrate`.

The cache is per process (Django's local-memory cache `aggregates`); a worker fills it at its first
request for a selection after a change. `AGGREGATE_CACHE=false` turns it off (the test suite does,
except where it tests the cache; `make bench` measures both).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import connection

TABLE = "evalbase_data_version"


def data_version():
    """The current data version (one indexed single-row read)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n FROM {TABLE} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return row[0] if row else 0


def selection_key(request, ignore=("page", "format")):
    """The request's parameters, in a stable order, without those that do not change the figures."""
    params = sorted((name, value) for name, values in request.GET.lists() if name not in ignore
                    for value in values)
    return hashlib.sha256(repr(params).encode()).hexdigest()


def cached(name, key, compute):
    """`compute()` once per (`name`, `key`, data version); its value must be picklable."""
    if not settings.AGGREGATE_CACHE:
        return compute()
    full_key = f"{name}:{data_version()}:{key}"
    store = caches["aggregates"]
    value = store.get(full_key)
    if value is None:
        value = compute()
        store.set(full_key, value)
    return value
