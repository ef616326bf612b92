"""Roles as auth groups, the commands that create users, logging in and out, private browsing."""

import io
import sys

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from accounts.roles import add_user

pytestmark = pytest.mark.django_db

PASSWORD = "grey-heron-over-the-delta"

BROWSED_MODELS = [
    "reference.sourcedocument", "reference.organisation", "reference.region", "reference.country",
    "evaluations.evaluation", "evaluations.participation", "evaluations.dataqualitynote",
    "evaluations.publishedfigure", "projects.programme", "projects.project", "projects.allotment",
    "reference.criterion", "reference.ratingscale", "reference.scalelevel", "ratings.rating",
    "reference.theme", "findings.finding", "findings.quantitativeevidence", "findings.lesson",
    "findings.conclusion", "findings.responsibilityowner", "findings.recommendation",
    "findings.managementresponse", "findings.action", "findings.approachcomparison",
    "findings.historicalrecommendation", "ratings.historicalrating",
]
STAFF_WRITES = ["ratings.rating", "findings.finding", "findings.findingcriterion", "findings.quantitativeevidence",
                "findings.lesson", "projects.project", "projects.allotment"]
STAFF_IMPORTS = {"projects.import_portfolio", "ratings.import_ratings"}
ADMIN_WRITES = ["findings.recommendation", "findings.responsibilityowner", "findings.managementresponse",
                "findings.action", "findings.conclusion", "evaluations.evaluation", "reference.organisation",
                "projects.programme", "auth.user"]


def group_permissions(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def writes(models, actions=("add", "change", "delete")):
    result = set()
    for label in models:
        app_label, model = label.split(".")
        result |= {f"{app_label}.{action}_{model}" for action in actions}
    return result


def test_it_gives_evaluators_view_permissions_only():
    evaluator = group_permissions("Evaluator")
    assert writes(BROWSED_MODELS, ["view"]) <= evaluator
    assert all(p.split(".")[1].startswith("view_") for p in evaluator)
    assert {p.split(".")[0] for p in evaluator} == {"reference", "evaluations", "projects", "ratings", "findings"}


def test_it_lets_staff_keep_the_evidence_up_to_date():
    assert group_permissions("Staff") - group_permissions("Evaluator") == writes(STAFF_WRITES) | STAFF_IMPORTS


def test_it_lets_admins_manage_recommendations_metadata_and_users():
    extra = group_permissions("Admin") - group_permissions("Staff")
    assert extra == writes(ADMIN_WRITES) | {"auth.view_user", "findings.reopen_recommendation"}
    assert "findings.change_recommendation" not in group_permissions("Staff")
    assert "ratings.change_criterion" not in group_permissions("Admin")


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


def test_the_login_page_renders_in_the_site_and_logs_in(client):
    add_user(username="eve", role="evaluator", password=PASSWORD)
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


def test_the_header_offers_log_in_or_the_user_and_log_out(client):
    assert '<a href="/accounts/login/?next=/sources/">Log in</a>' in client.get("/sources/").content.decode()
    client.force_login(add_user(username="eve", role="evaluator", password=PASSWORD))
    html = client.get("/sources/").content.decode()
    assert 'action="/accounts/logout/"' in html and "eve · <button" in html and "csrfmiddlewaretoken" in html


def test_logging_out_takes_a_post_and_returns_home(client):
    client.force_login(add_user(username="eve", role="evaluator", password=PASSWORD))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_with_public_browsing_anyone_may_browse(client, settings):
    settings.EVALBASE_PUBLIC_BROWSING = True
    assert client.get("/portfolio/").status_code == 200


def test_without_public_browsing_every_page_asks_for_a_login(client, settings):
    settings.EVALBASE_PUBLIC_BROWSING = False
    response = client.get("/portfolio/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/portfolio/"
    assert client.get("/recommendations/", {"format": "csv"})["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and "/accounts/login/" not in favicon["Location"]
    assert "/accounts/login/" not in client.get("/static/css/evalbase.css").get("Location", "")

    client.force_login(add_user(username="eve", role="evaluator", password=PASSWORD))
    assert client.get("/portfolio/").status_code == 200
