"""Fidelity tests: what EvalBase holds of the four transcribed reports, read from the reports themselves.

The only tests that see the reports. tests/conftest.py runs them after all others, since the
reports, once loaded here, stay in the test database until the session ends.
"""

import pytest
from django.conf import settings

from reports.loading import load_fixtures


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_fixtures(settings.FIXTURES_DIR)
