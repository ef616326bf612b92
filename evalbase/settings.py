"""EvalBase settings. Every deployment-specific value comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from evalbase.lib import secretkey

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default, *, minimum=0):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_origins(name):
    """CSRF_TRUSTED_ORIGINS: full origins such as https://evalbase.example.org."""
    origins = env_list(name, [])
    for origin in origins:
        if not origin.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{name} lists origins with their scheme (https://...), not {origin!r}")
    return origins


def env_proxy_header(name):
    """The header a TLS-terminating proxy sets, e.g. X-Forwarded-Proto, as Django's (META key, "https")."""
    header = os.environ.get(name, "").strip()
    if not header:
        return None
    if not header.replace("-", "").replace("_", "").isalnum():
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Forwarded-Proto, not {header!r}")
    return ("HTTP_" + header.upper().replace("-", "_").removeprefix("HTTP_"), "https")


def secret_key():
    """SECRET_KEY from the environment, else from a key file made once (README, "Configuration")."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        return secretkey.read_or_create(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / "var" / "secret_key")
    except secretkey.SecretKeyError as error:
        raise ImproperlyConfigured(str(error)) from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "concurrency",
    "accounts",
    "reference",
    "evaluations",
    "projects",
    "findings",
    "ratings",
    "follow_up",
    "reports",
    "overview",
    "demo",
    "operations",
    "axes",
    "health_check",
    # Imports run as background jobs: Django's tasks API (backported) with its database queue.
    "django_tasks",
    "django_tasks_db",
    "evalbase.lib.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "evalbase.lib.hostile_input.RejectMalformedTextMiddleware",
    "operations.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrivateBrowsingMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evalbase.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "evalbase.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "evalbase.wsgi.application"

# Anyone may browse and export unless this is false; writing always needs a signed-in user with
# the permission (roles are auth groups, see accounts/migrations/0001_role_groups.py).
EVALBASE_PUBLIC_BROWSING = env_bool("EVALBASE_PUBLIC_BROWSING", True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "overview:home"

# SQLite by default so `make run` works anywhere; DATABASE_URL=postgres://... for production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection the database dropped (a restart) is replaced, not used and failed.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The app's queries are short: PostgreSQL's JIT compiler costs more than it saves on them
    # (430-650 ms a query, measured at 100,000 projects); grouping and sorting get memory before disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c work_mem={os.environ.get('DB_WORK_MEM', '32MB')}")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: pages keep reading while the background worker writes a large import (SQLite
    # still takes one writer at a time: other writes wait for it; PostgreSQL has no such wait).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "evalbase.lib.staticfinders.PlotlyFinder",
    "evalbase.lib.staticfinders.TopojsonFinder",
]
# Uploads waiting between an import's preview and its confirmation (evalbase/lib/pending.py); never
# served. Every worker and host must share it: a shared volume, or another storage backend.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Only the app reads what it stores there: nobody else on the host.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, hash-named files with far-future cache headers (plotly.min.js is 4.8 MB).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background jobs (imports: evalbase/lib/jobs): queued in the database, run by `manage.py db_worker`,
# which `make run` and `make serve` start beside the web server. TASKS_BACKEND=immediate runs them
# inside the request instead (no worker; a long import then holds the request).
TASKS = {"default": {
    "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
    if os.environ.get("TASKS_BACKEND") == "immediate" else "django_tasks_db.DatabaseBackend",
}}

# Figures about a whole selection, cached per data version (evalbase/lib/aggregates.py).
AGGREGATE_CACHE = env_bool("AGGREGATE_CACHE", True)
# The most rows an XLSX download holds (Excel's limit); above, a page links to the CSV (evalbase/lib/exports.py).
EXPORT_XLSX_MAX_ROWS = env_int("EXPORT_XLSX_MAX_ROWS", 1_048_575, minimum=1)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "aggregates": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aggregates",
                   "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 500}},
}

# Where the transcribed reports live and where their seed texts are.
FIXTURES_DIR = Path(os.environ.get("EVALBASE_FIXTURES_DIR", BASE_DIR / "fixtures"))
SEEDS_DIR = Path(os.environ.get("EVALBASE_SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Production hardening (issue 10). The README's "Deployment" section lists every variable.

# HTTPS: off by default so `make run` works on http://127.0.0.1; a deployment behind TLS turns them on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies append to X-Forwarded-For in front of the app: the client address that
# login throttling counts (evalbase/lib/client_ip.py). 0: the connecting address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sessions end after this much inactivity: every request moves the expiry forward.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True

# Scripts only from this site: no inline script, no eval (plotly's strict bundle needs none).
# Styles as plotly.js needs them, and no more (README, "Content-Security-Policy"):
# - <style> elements: only two, by hash: the empty one plotly.js fills through the CSSOM with its
#   own rules, and the fixed stylesheet its map module (maplibre) inserts on load;
# - style="..." attributes: allowed, since plotly.js positions and colours its SVG through them.
PLOTLY_STYLE_ELEMENTS = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style>
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # maplibre's stylesheet, plotly.js 4.1.1
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF, *PLOTLY_STYLE_ELEMENTS],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login throttling on both login pages (site and admin), by django-axes: after LOGIN_FAILURE_LIMIT
# wrong passwords for one user name from one address, that pair waits LOGIN_COOLOFF_MINUTES.
# Every failure is logged at WARNING ("AXES: ... login failure by ...").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = []  # log the user name and address; axes always masks the password
AXES_LOCKOUT_CALLABLE = "operations.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "evalbase.lib.client_ip.client_ip"

# Where `manage.py backup` writes (git-ignored by default).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "var" / "backups")
