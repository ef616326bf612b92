import pytest
from django.conf import settings

from reports.loading import load_fixtures


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the four transcribed reports; each test rolls back to them."""
    with django_db_blocker.unblock():
        load_fixtures(settings.FIXTURES_DIR)


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
