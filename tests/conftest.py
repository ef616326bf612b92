"""What every test shares: a database holding the reference data only, and four named people.

Tests build the records they need (tests/builders.py); only the fidelity tests under
tests/fidelity/ read the transcribed reports, which their own conftest loads.

The people, one per role:
- `ada`, an Admin: manages recommendations, reports' metadata and users, uses the Django admin;
- `sam`, a Staff member: keeps the evidence up to date (ratings, findings, projects);
- `eve`, an Evaluator: browses and exports;
- `otto`, an outsider: signed in, but holds no role.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.roles import add_user
from reports.loading import load_reference

PASSWORD = "grey-heron-over-the-delta"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Countries, regions and the OECD-DAC criteria are part of every database, as after `make run`."""
    with django_db_blocker.unblock():
        load_reference(settings.FIXTURES_DIR)


def pytest_collection_modifyitems(items):
    """Fidelity tests after the others: their session fixture loads the reports, which must not leak
    into other tests. Browser tests last of all: Playwright's event loop, once started, makes Django
    refuse database access from the test thread."""
    def order(item):
        path = str(item.path)
        return 2 if "/browser/" in path else 1 if "/fidelity/" in path else 0
    items.sort(key=order)


@pytest.fixture
def ada(db):
    return add_user(username="ada", role="admin", password=PASSWORD, email="ada@example.org")


@pytest.fixture
def sam(db):
    return add_user(username="sam", role="staff", password=PASSWORD)


@pytest.fixture
def eve(db):
    return add_user(username="eve", role="evaluator", password=PASSWORD)


@pytest.fixture
def otto(db):
    return get_user_model().objects.create_user(username="otto", password=PASSWORD)


@pytest.fixture
def person(request):
    """One of the people by role name, for tests parametrised over roles: `person("staff")`."""
    names = {"admin": "ada", "staff": "sam", "evaluator": "eve", "outsider": "otto"}
    return lambda role: request.getfixturevalue(names[role])


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Unit tests need no collected, hashed static files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Users are created in many tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_aggregate_cache(settings):
    """Figures computed afresh in every test; tests/test_aggregate_cache.py tests the cache itself."""
    settings.AGGREGATE_CACHE = False
