"""Production settings: a safe first run, security headers, sessions that end, `check --deploy` clean."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from evalbase import settings as evalbase_settings
from evalbase.lib import secretkey

ROOT = Path(__file__).resolve().parents[1]

# What the README's production block sets: HTTPS behind a proxy, PostgreSQL or not.
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-production-like-secret-key-for-the-deploy-check-0123456789",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "evalbase.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "CSRF_TRUSTED_ORIGINS": "https://evalbase.example.org",
}


def run_manage(args, tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "SECRET_KEY_FILE"}
    env.update({"STATIC_ROOT": str(tmp_path / "static"), "SECRET_KEY_FILE": str(tmp_path / "secret_key"), **overrides})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, env=env)


def test_it_passes_check_deploy_under_production_settings(tmp_path):
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_warns_under_check_deploy_without_the_production_settings(tmp_path):
    result = run_manage(["check", "--deploy"], tmp_path, SECRET_KEY=PRODUCTION["SECRET_KEY"], DEBUG="false")
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_commands_work_with_debug_off_before_collectstatic(tmp_path):
    """`migrate` and every other command import the URLs; the favicon's hashed name is looked up
    per request, not at import, so no collected static files are needed."""
    result = run_manage(["check"], tmp_path, DEBUG="false")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "static").exists()


def test_a_first_run_makes_a_private_secret_key_once(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    key = secretkey.read_or_create(key_file)
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secretkey.read_or_create(key_file) == key
    assert list(key_file.parent.iterdir()) == [key_file]


def test_commands_read_the_key_file_and_need_no_debug(tmp_path):
    result = run_manage(["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (tmp_path / "secret_key").read_text().strip()


def test_secret_key_in_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert evalbase_settings.secret_key() == "from-the-environment"


def test_a_short_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(secretkey.SecretKeyError, match="delete it"):
        secretkey.read_or_create(tmp_path / "secret_key")


@pytest.mark.parametrize("name, value, message", [
    ("SECURE_HSTS_SECONDS", "a year", "whole number"),
    ("SESSION_IDLE_SECONDS", "5", "at least 60"),
    ("CSRF_TRUSTED_ORIGINS", "evalbase.example.org", "with their scheme"),
    ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "header name"),
])
def test_bad_values_fail_loudly_at_start_up(tmp_path, name, value, message):
    result = run_manage(["check"], tmp_path, **{name: value})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_proxy_header_becomes_djangos_meta_key(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert evalbase_settings.env_proxy_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "")
    assert evalbase_settings.env_proxy_header("SECURE_PROXY_SSL_HEADER") is None


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured):
        evalbase_settings.env_int("SOME_NUMBER", 1)


# Security headers, one test each.

@pytest.fixture
def https_settings(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


@pytest.mark.django_db
def test_it_sends_a_content_security_policy_without_unsafe_scripts(client):
    policy = client.get("/sources/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe-eval" not in policy
    assert [name for name, sources in directives.items() if "unsafe" in sources] == ["style-src-attr"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["style-src-elem"] == " ".join(["'self'", *evalbase_settings.PLOTLY_STYLE_ELEMENTS])


@pytest.mark.django_db
def test_it_sends_hsts_over_https(client, https_settings):
    response = client.get("/sources/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_it_redirects_plain_http_to_https_but_not_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/sources/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/sources/"
    assert client.get("/health/", HTTP_ACCEPT="text/plain").status_code == 200


@pytest.mark.django_db
def test_it_trusts_the_proxys_https_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/sources/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_it_forbids_framing_and_sniffing(client):
    response = client.get("/sources/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_over_https(client, https_settings, eve):
    login_page = client.get("/accounts/login/", secure=True)
    assert login_page.cookies["csrftoken"]["secure"] is True
    client.force_login(eve)
    page = client.get("/sources/", secure=True)
    assert page.cookies["sessionid"]["secure"] is True and page.cookies["sessionid"]["httponly"] is True


# Passwords and sessions.

def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("heron-delta")  # 11
    validate_password("heron-deltas")


@pytest.mark.django_db
def test_each_request_moves_the_session_expiry_two_hours_ahead(client, eve):
    client.force_login(eve)
    session = Session.objects.filter(pk=client.session.session_key)
    session.update(expire_date=timezone.now() + timezone.timedelta(minutes=5))
    client.get("/sources/")
    left = session.get().expire_date - timezone.now()
    assert timezone.timedelta(minutes=119) < left <= timezone.timedelta(hours=2)


@pytest.mark.django_db
def test_an_idle_session_has_ended(client, eve):
    client.force_login(eve)
    idle = timezone.now() - timezone.timedelta(seconds=1)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=idle)
    response = client.get("/ratings/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
