"""Roles as auth groups and permissions; the commands that create users; logging in and out; private
browsing, where only a person with a role may browse (issue 8, bug 8)."""

import io
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from accounts.roles import add_user

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

BROWSED_APPS = {"reference", "evaluations", "projects", "ratings", "findings"}
BROWSED_MODELS = [
    "reference.sourcedocument", "reference.organisation", "reference.region", "reference.country",
    "reference.criterion", "reference.ratingscale", "reference.scalelevel", "reference.theme",
    "evaluations.evaluation", "evaluations.participation", "evaluations.dataqualitynote",
    "evaluations.publishedfigure", "projects.programme", "projects.project", "projects.allotment",
    "ratings.rating", "ratings.historicalrating", "findings.finding", "findings.quantitativeevidence",
    "findings.lesson", "findings.conclusion", "findings.responsibilityowner", "findings.recommendation",
    "findings.managementresponse", "findings.action", "findings.approachcomparison",
    "findings.historicalrecommendation", "findings.historicalfinding",
]
STAFF_WRITES = ["ratings.rating", "findings.finding", "findings.findingcriterion", "findings.quantitativeevidence",
                "findings.lesson", "projects.project", "projects.allotment"]
STAFF_IMPORTS = {"projects.import_portfolio", "ratings.import_ratings"}
ADMIN_WRITES = ["findings.recommendation", "findings.responsibilityowner", "findings.managementresponse",
                "findings.action", "findings.conclusion", "evaluations.evaluation", "reference.organisation",
                "projects.programme", "auth.user"]
BROWSE = "accounts.browse"


def on_models(models, actions=("add", "change", "delete")):
    return {f"{label.split('.')[0]}.{action}_{label.split('.')[1]}" for label in models for action in actions}


# -- what each role may do --------------------------------------------------------------------------

def test_evaluators_may_browse_and_view_but_not_write(eve):
    granted = eve.get_all_permissions()
    assert on_models(BROWSED_MODELS, ["view"]) | {BROWSE} <= granted
    assert all(p == BROWSE or p.split(".")[1].startswith("view_") for p in granted)
    assert {p.split(".")[0] for p in granted} == BROWSED_APPS | {"accounts"}


def test_staff_also_keep_the_evidence_up_to_date_and_import_files(sam, eve):
    assert sam.get_all_permissions() - eve.get_all_permissions() == on_models(STAFF_WRITES) | STAFF_IMPORTS
    assert not sam.is_staff  # no Django admin: the staff pages are theirs


def test_admins_also_manage_recommendations_metadata_and_users(ada, sam):
    extra = ada.get_all_permissions() - sam.get_all_permissions()
    assert extra == on_models(ADMIN_WRITES) | {"auth.view_user", "findings.reopen_recommendation"}
    assert ada.is_staff and not ada.is_superuser
    assert not sam.has_perm("findings.change_recommendation") and not ada.has_perm("reference.change_criterion")


def test_a_person_without_a_role_holds_no_permission(otto):
    assert otto.get_all_permissions() == set()


# -- the commands that create people ----------------------------------------------------------------

def test_add_user_puts_the_user_in_the_role_group_and_only_admins_get_the_admin_site(monkeypatch):
    monkeypatch.setenv("EVALBASE_USER_PASSWORD", PASSWORD)
    call_command("add_user", "--username", "sam", "--role", "staff", stdout=io.StringIO())
    call_command("add_user", "--username", "ada", "--role", "admin", stdout=io.StringIO())
    sam, ada = User.objects.get(username="sam"), User.objects.get(username="ada")
    assert [g.name for g in sam.groups.all()] == ["Staff"] and not sam.is_staff
    assert [g.name for g in ada.groups.all()] == ["Admin"] and ada.is_staff and not ada.is_superuser
    assert sam.check_password(PASSWORD)
    assert sam.has_perm("ratings.change_rating") and not sam.has_perm("findings.change_recommendation")


def test_create_admin_refuses_to_run_without_a_password_source(monkeypatch):
    monkeypatch.delenv("EVALBASE_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: nobody can type a password
    with pytest.raises(CommandError, match="EVALBASE_ADMIN_PASSWORD"):
        call_command("create_admin", "--username", "root", "--email", "root@example.org")
    assert not User.objects.filter(username="root").exists()


def test_create_admin_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("EVALBASE_ADMIN_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("create_admin", "--username", "root", "--email", "root@example.org", stdout=out)
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.email == "root@example.org"
    assert [g.name for g in root.groups.all()] == ["Admin"]
    assert root.check_password(PASSWORD)
    assert "Created superuser root" in out.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_create_admin_prompts_in_a_terminal_and_asks_twice(monkeypatch):
    monkeypatch.delenv("EVALBASE_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", Terminal())
    typed = iter([PASSWORD, "something-else-entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    with pytest.raises(CommandError, match="differ"):
        call_command("create_admin", "--username", "root", "--email", "root@example.org")
    typed = iter([PASSWORD, PASSWORD])
    call_command("create_admin", "--username", "root", "--email", "root@example.org", stdout=io.StringIO())
    assert User.objects.get(username="root").check_password(PASSWORD)


def test_it_refuses_a_weak_password_or_a_taken_name(monkeypatch):
    monkeypatch.setenv("EVALBASE_USER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="too common"):
        call_command("add_user", "--username", "sam", "--role", "evaluator")
    assert not User.objects.filter(username="sam").exists()
    add_user(username="sam", role="evaluator", password=PASSWORD)
    monkeypatch.setenv("EVALBASE_USER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        call_command("add_user", "--username", "sam", "--role", "staff")


# -- logging in and out -----------------------------------------------------------------------------

def test_the_login_page_renders_in_the_site_and_logs_in(client, eve):
    page = client.get("/accounts/login/", {"next": "/ratings/"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_username">Username' in html and '<label for="id_password">Password' in html
    assert 'name="next" value="/ratings/"' in html and 'class="brand"' in html

    wrong = client.post("/accounts/login/", {"username": "eve", "password": "nope", "next": "/ratings/"})
    assert wrong.status_code == 200 and "enter a correct username and password" in wrong.content.decode()

    response = client.post("/accounts/login/", {"username": "eve", "password": PASSWORD, "next": "/ratings/"})
    assert response.status_code == 302 and response["Location"] == "/ratings/"
    assert client.get("/accounts/login/").wsgi_request.user.username == "eve"


def test_the_header_offers_log_in_or_the_user_and_log_out(client, eve):
    assert '<a href="/accounts/login/?next=/sources/">Log in</a>' in client.get("/sources/").content.decode()
    client.force_login(eve)
    html = client.get("/sources/").content.decode()
    assert 'action="/accounts/logout/"' in html and "eve · <button" in html and "csrfmiddlewaretoken" in html


def test_logging_out_takes_a_post_and_returns_home(client, eve):
    client.force_login(eve)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# -- public and private browsing --------------------------------------------------------------------

def test_with_public_browsing_anyone_may_browse(client, settings, otto):
    settings.EVALBASE_PUBLIC_BROWSING = True
    assert client.get("/portfolio/").status_code == 200
    client.force_login(otto)
    assert client.get("/portfolio/").status_code == 200


def test_without_public_browsing_every_page_asks_for_a_login(client, settings):
    settings.EVALBASE_PUBLIC_BROWSING = False
    response = client.get("/portfolio/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/portfolio/"
    assert client.get("/recommendations/", {"format": "csv"})["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and "/accounts/login/" not in favicon["Location"]
    assert "/accounts/login/" not in client.get("/static/css/evalbase.css").get("Location", "")


@pytest.mark.parametrize("role", ["evaluator", "staff", "admin"])
def test_without_public_browsing_every_role_may_browse(client, settings, person, role):
    settings.EVALBASE_PUBLIC_BROWSING = False
    client.force_login(person(role))
    assert client.get("/portfolio/").status_code == 200
    assert client.get("/findings/", {"format": "csv"}).status_code == 200


def test_without_public_browsing_a_person_without_a_role_is_told_so_and_may_log_out(client, settings, otto):
    settings.EVALBASE_PUBLIC_BROWSING = False
    client.force_login(otto)
    for url in ("/", "/portfolio/", "/findings/?format=csv", "/evaluations/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You have no role in EvalBase yet" in response.content.decode()
    page = client.get("/").content.decode()
    assert "signed in as <strong>otto</strong>" in page and 'action="/accounts/logout/"' in page
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/portfolio/")["Location"] == "/accounts/login/?next=/portfolio/"


def test_a_role_given_later_opens_the_site(client, settings, otto):
    settings.EVALBASE_PUBLIC_BROWSING = False
    client.force_login(otto)
    assert client.get("/portfolio/").status_code == 403
    otto.groups.add(*add_user(username="eve", role="evaluator", password=PASSWORD).groups.all())
    assert client.get("/portfolio/").status_code == 200
