"""Every URL pattern x every person, with public browsing on and off: the page, a redirect to a login
page, a refusal. The matrix is walked from the URL resolver, so a pattern without an entry fails:
a new page cannot ship until someone has written down who may open it (issue 8, bug 8).

Admin pages come from each registered model: ADMIN_MODELS says what an Admin (not a superuser) gets
on its list, add, change, history and delete pages; everyone else is sent to the admin's login,
or told they have no role.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver

from evaluations.models import DataQualityNote
from findings.models import ApproachComparison, Finding

from .builders import (
    country,
    criterion,
    make_allotment,
    make_conclusion,
    make_evaluation,
    make_finding,
    make_lesson,
    make_organisation,
    make_owner,
    make_programme,
    make_project,
    make_published_figure,
    make_rating,
    make_recommendation,
    make_response,
    make_scale,
    make_source_document,
    make_theme,
    region,
)

pytestmark = pytest.mark.django_db

# What a person gets: the page, a redirect to the site's login or to the admin's login, another
# redirect, a refusal (403), the 403 page for a signed-in person without a role, a wrong method, none.
OK, LOGIN, ADMIN_LOGIN, REDIRECT, FORBIDDEN, NO_ROLE, NOT_ALLOWED, NOT_FOUND = (
    "page", "login", "admin login", "redirect", "forbidden", "no role", "method not allowed", "not found")
PEOPLE = ["anonymous", "evaluator", "staff", "admin", "outsider"]

# Rows used by many pages, for the five people in the order of PEOPLE.
EVERYONE = (OK, OK, OK, OK, OK)
WITH_A_ROLE = (LOGIN, OK, OK, OK, NO_ROLE)  # private browsing
STAFF = (LOGIN, FORBIDDEN, OK, OK, FORBIDDEN)
STAFF_PRIVATE = (LOGIN, FORBIDDEN, OK, OK, NO_ROLE)
ADMINS = (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)
ADMINS_PRIVATE = (LOGIN, FORBIDDEN, FORBIDDEN, OK, NO_ROLE)
ADMIN_SITE = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, ADMIN_LOGIN)
ADMIN_SITE_PRIVATE = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, NO_ROLE)

# pattern: (address, people's outcomes with public browsing on, with it off). An address starting
# with "POST " is posted to (empty), the others are fetched; {names} are records made for the test.
PAGES = {
    "": ("/", EVERYONE, WITH_A_ROLE),
    "evaluations/": ("/evaluations/", EVERYONE, WITH_A_ROLE),
    "evaluations/<slug:slug>/": ("/evaluations/{evaluation}/", EVERYONE, WITH_A_ROLE),
    "reconciliation/": ("/reconciliation/", EVERYONE, WITH_A_ROLE),
    "sources/": ("/sources/", EVERYONE, WITH_A_ROLE),
    "sources/<int:pk>/": ("/sources/{source_document}/", EVERYONE, WITH_A_ROLE),
    "ratings/evidence-map/": ("/ratings/evidence-map/", EVERYONE, WITH_A_ROLE),
    "map/": ("/map/", EVERYONE, WITH_A_ROLE),
    "portfolio/": ("/portfolio/", EVERYONE, WITH_A_ROLE),
    "portfolio/summary/": ("/portfolio/summary/", EVERYONE, WITH_A_ROLE),
    "portfolio/<path:number>/": ("/portfolio/{project}/", EVERYONE, WITH_A_ROLE),
    "portfolio/import/": ("/portfolio/import/", STAFF, STAFF_PRIVATE),
    "portfolio/import/confirm/": ("POST /portfolio/import/confirm/", (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, FORBIDDEN),
                                  (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, NO_ROLE)),
    # The ratings import's old addresses send everyone to the new ones (308: a POST keeps its file).
    "portfolio/import/ratings/": ("/portfolio/import/ratings/", (REDIRECT,) * 5, (LOGIN, REDIRECT, REDIRECT, REDIRECT,
                                                                                  NO_ROLE)),
    "portfolio/import/ratings/confirm/": ("POST /portfolio/import/ratings/confirm/", (REDIRECT,) * 5,
                                          (LOGIN, REDIRECT, REDIRECT, REDIRECT, NO_ROLE)),
    "ratings/import/": ("/ratings/import/", STAFF, STAFF_PRIVATE),
    # An import job's page: only who started it (tests/test_background_imports.py); no one else finds it.
    "imports/<uuid:job_id>/": ("/imports/00000000-0000-4000-8000-000000000000/",
                               (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
                               (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NO_ROLE)),
    "ratings/import/confirm/": ("POST /ratings/import/confirm/", (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, FORBIDDEN),
                                (LOGIN, FORBIDDEN, REDIRECT, REDIRECT, NO_ROLE)),
    "ratings/import/template.<str:extension>": ("/ratings/import/template.csv", (LOGIN, OK, OK, OK, OK),
                                                (LOGIN, OK, OK, OK, NO_ROLE)),
    "portfolio/import/template.<str:extension>": ("/portfolio/import/template.csv", (LOGIN, OK, OK, OK, OK),
                                                  WITH_A_ROLE),
    "ratings/": ("/ratings/", EVERYONE, WITH_A_ROLE),
    "ratings/compare/": ("/ratings/compare/", EVERYONE, WITH_A_ROLE),
    "ratings/new/": ("/ratings/new/", STAFF, STAFF_PRIVATE),
    "ratings/<int:pk>/": ("/ratings/{rating}/", EVERYONE, WITH_A_ROLE),
    "ratings/<int:pk>/edit/": ("/ratings/{rating}/edit/", STAFF, STAFF_PRIVATE),
    "ratings/<int:pk>/delete/": ("/ratings/{rating}/delete/", STAFF, STAFF_PRIVATE),
    "findings/": ("/findings/", EVERYONE, WITH_A_ROLE),
    "findings/new/": ("/findings/new/?evaluation={evaluation}", STAFF, STAFF_PRIVATE),
    "findings/<int:pk>/": ("/findings/{finding}/", EVERYONE, WITH_A_ROLE),
    "findings/<int:pk>/edit/": ("/findings/{finding}/edit/", STAFF, STAFF_PRIVATE),
    "findings/<int:pk>/delete/": ("/findings/{finding}/delete/", STAFF, STAFF_PRIVATE),
    "findings/lessons/new/": ("/findings/lessons/new/?evaluation={evaluation}", STAFF, STAFF_PRIVATE),
    "findings/lessons/<int:pk>/edit/": ("/findings/lessons/{lesson}/edit/", STAFF, STAFF_PRIVATE),
    "findings/lessons/<int:pk>/delete/": ("/findings/lessons/{lesson}/delete/", STAFF, STAFF_PRIVATE),
    "recommendations/": ("/recommendations/", EVERYONE, WITH_A_ROLE),
    "recommendations/overdue/": ("/recommendations/overdue/", EVERYONE, WITH_A_ROLE),
    "recommendations/<int:pk>/": ("/recommendations/{recommendation}/", EVERYONE, WITH_A_ROLE),
    "recommendations/<int:pk>/follow-up/": ("/recommendations/{recommendation}/follow-up/", ADMINS, ADMINS_PRIVATE),
    "accounts/login/": ("/accounts/login/", EVERYONE, EVERYONE),
    "accounts/logout/": ("/accounts/logout/", (NOT_ALLOWED,) * 5, (NOT_ALLOWED,) * 5),
    "favicon.ico": ("/favicon.ico", (REDIRECT,) * 5, (REDIRECT,) * 5),
    "health/": ("/health/", EVERYONE, EVERYONE),  # for load balancers, open in private browsing too
    # Admin addresses of the reference data from before it had an app of its own.
    "^admin/(?:evaluations|ratings|findings)/(?P<rest>(?:sourcedocument|organisation|region|country|criterion"
    "|ratingscale|scalelevel|theme)/.*)$": ("/admin/evaluations/organisation/", (REDIRECT,) * 5,
                                            (LOGIN, REDIRECT, REDIRECT, REDIRECT, NO_ROLE)),
    # The admin site's own pages.
    "admin/": ("/admin/", ADMIN_SITE, ADMIN_SITE_PRIVATE),
    "admin/login/": ("/admin/login/", (OK, OK, OK, REDIRECT, OK), (OK, OK, OK, REDIRECT, OK)),
    "admin/logout/": ("/admin/logout/", (REDIRECT, REDIRECT, REDIRECT, NOT_ALLOWED, REDIRECT),
                      (REDIRECT, REDIRECT, REDIRECT, NOT_ALLOWED, REDIRECT)),
    "admin/password_change/": ("/admin/password_change/", ADMIN_SITE, ADMIN_SITE_PRIVATE),
    "admin/password_change/done/": ("/admin/password_change/done/", ADMIN_SITE, ADMIN_SITE_PRIVATE),
    "admin/autocomplete/": ("/admin/autocomplete/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, FORBIDDEN, ADMIN_LOGIN),
                            (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, FORBIDDEN, NO_ROLE)),  # asks for a field
    "admin/jsi18n/": ("/admin/jsi18n/", ADMIN_SITE, ADMIN_SITE_PRIVATE),
    "admin/r/<path:content_type_id>/<path:object_id>/": (  # "view on site"
        "/admin/r/{finding_type}/{finding}/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT, ADMIN_LOGIN),
        (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT, NO_ROLE)),
    "admin/^(?P<app_label>auth|reference|evaluations|projects|findings|ratings|axes)/$": (
        "/admin/findings/", ADMIN_SITE, ADMIN_SITE_PRIVATE),
    "admin/(?P<url>.*)$": ("/admin/no-such-page/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, NOT_FOUND, ADMIN_LOGIN),
                           (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, NOT_FOUND, NO_ROLE)),
}

# What an Admin (not a superuser) gets on each registered model's admin pages.
NO = FORBIDDEN
#                                 list  add   change history delete
ADMIN_MODELS = {
    "auth.user":                  (OK,  OK,   OK,    OK,     OK),
    "auth.group":                 (NO,  NO,   NO,    NO,     NO),
    "reference.sourcedocument":   (OK,  NO,   OK,    OK,     NO),
    "reference.organisation":     (OK,  OK,   OK,    OK,     OK),
    "reference.region":           (OK,  NO,   OK,    OK,     NO),
    "reference.country":          (OK,  NO,   OK,    OK,     NO),
    "reference.criterion":        (OK,  NO,   OK,    OK,     NO),
    "reference.ratingscale":      (OK,  NO,   OK,    OK,     NO),
    "reference.theme":            (OK,  NO,   OK,    OK,     NO),
    "evaluations.evaluation":     (OK,  OK,   OK,    OK,     OK),
    "evaluations.dataqualitynote": (OK, NO,   OK,    OK,     NO),
    "evaluations.publishedfigure": (OK, NO,   OK,    OK,     NO),
    "projects.programme":         (OK,  OK,   OK,    OK,     OK),
    "projects.project":           (OK,  OK,   OK,    OK,     OK),
    "projects.allotment":         (OK,  OK,   OK,    OK,     OK),
    "findings.finding":           (OK,  OK,   OK,    OK,     OK),
    "findings.lesson":            (OK,  OK,   OK,    OK,     OK),
    "findings.conclusion":        (OK,  OK,   OK,    OK,     OK),
    "findings.approachcomparison": (OK, NO,   OK,    OK,     NO),
    "ratings.rating":             (OK,  OK,   OK,    OK,     OK),
    "findings.recommendation":    (OK,  OK,   OK,    OK,     OK),
    "findings.managementresponse": (OK, OK,   OK,    OK,     OK),
    "findings.action":            (OK,  OK,   OK,    OK,     OK),
    "findings.responsibilityowner": (OK, OK,  OK,    OK,     OK),
    # django-axes' records of logins: superusers only.
    "axes.accessattempt":         (NO,  NO,   NO,    NO,     NO),
    "axes.accesslog":             (NO,  NO,   NO,    NO,     NO),
    "axes.accessfailurelog":      (NO,  NO,   NO,    NO,     NO),
}
ADMIN_PAGE_KINDS = ["changelist", "add", "change", "history", "delete"]
# Further pages some model admins have: the bare record address (redirects to its change page), a
# version from the history (django-simple-history's revert page), a user's password page.
EXTRA_ADMIN_PAGES = {"object": REDIRECT, "simple_history": OK, "password_change": OK}
# Everyone else on any admin page of a model, with public browsing on and off (the Admin's place is None).
NOT_AN_ADMIN = {True: (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, None, ADMIN_LOGIN),
                False: (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, None, NO_ROLE)}

RECORDS = {
    "auth.user": lambda: get_user_model().objects.create_user(username="someone"),
    "auth.group": lambda: Group.objects.get(name="Evaluator"),
    "reference.sourcedocument": make_source_document,
    "reference.organisation": make_organisation,
    "reference.region": lambda: region("AF"),
    "reference.country": lambda: country("SN"),
    "reference.criterion": lambda: criterion("relevance"),
    "reference.ratingscale": make_scale,
    "reference.theme": make_theme,
    "evaluations.evaluation": make_evaluation,
    "evaluations.dataqualitynote": lambda: DataQualityNote.objects.create(
        evaluation=make_evaluation(), code="note", title="A note", text="How EvalBase reads it."),
    "evaluations.publishedfigure": make_published_figure,
    "projects.programme": make_programme,
    "projects.project": make_project,
    "projects.allotment": lambda: make_allotment(project=make_project(lines=0)),
    "findings.finding": make_finding,
    "findings.lesson": make_lesson,
    "findings.conclusion": make_conclusion,
    "findings.approachcomparison": lambda: ApproachComparison.objects.create(
        evaluation=make_evaluation(), organisation=make_organisation(), aspect="Partners", text="Chosen locally."),
    "ratings.rating": make_rating,
    "findings.recommendation": make_recommendation,
    "findings.managementresponse": make_response,
    "findings.action": lambda: make_response(actions=["Publish the manual"]).actions.get(),
    "findings.responsibilityowner": make_owner,
    "axes.accessattempt": lambda: AccessAttempt.objects.create(username="someone", ip_address="127.0.0.1",
                                                               failures_since_start=1),
    "axes.accesslog": lambda: AccessLog.objects.create(username="someone", ip_address="127.0.0.1"),
    "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(username="someone", ip_address="127.0.0.1"),
}


class Samples(dict):
    """The records an address names ({finding}...), made when first named."""

    MAKERS = {
        "evaluation": lambda samples: make_evaluation().slug,
        "project": lambda samples: make_project().number,
        "rating": lambda samples: make_rating().pk,
        "finding": lambda samples: make_finding().pk,
        "finding_type": lambda samples: ContentType.objects.get_for_model(Finding).pk,
        "lesson": lambda samples: make_lesson().pk,
        "recommendation": lambda samples: make_recommendation().pk,
        "source_document": lambda samples: make_source_document().pk,
    }

    def __missing__(self, name):
        self[name] = value = self.MAKERS[name](self)
        return value


def url_patterns(resolver=None, prefix=""):
    """Every URL pattern as (route, pattern), walking every include."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        else:
            yield route, pattern


def admin_model_pages():
    """{route: (model label, page kind)} for the admin pages of every registered model."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        label, name = model._meta.label_lower, f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.urls:
            kind = pattern.name.removeprefix(name) if pattern.name else "object"
            pages[f"admin/{model._meta.app_label}/{model._meta.model_name}/{pattern.pattern}"] = (label, kind)
    return pages


def outcome(client, address):
    method, _, url = address.rpartition(" ")
    response = client.post(url) if method == "POST" else client.get(url)
    if response.status_code in (301, 302, 308):
        where = response["Location"]
        return LOGIN if where.startswith("/accounts/login/") else (
            ADMIN_LOGIN if where.startswith("/admin/login/") else REDIRECT)
    if response.status_code == 403:
        return NO_ROLE if b"You have no role in EvalBase yet" in response.content else FORBIDDEN
    return {200: OK, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(response.status_code, response.status_code)


@pytest.fixture
def clients(person):
    """A client per person, signed in but for the anonymous one."""
    signed_in = {"anonymous": Client()}
    for role in PEOPLE[1:]:
        signed_in[role] = Client()
        signed_in[role].force_login(person(role))
    return signed_in


def outcomes(clients, settings, address):
    """{public browsing: (each person's outcome)}."""
    found = {}
    for public in (True, False):
        settings.EVALBASE_PUBLIC_BROWSING = public
        found[public] = tuple(outcome(clients[role], address) for role in PEOPLE)
    return found


def test_every_url_pattern_has_an_entry():
    admin_pages = admin_model_pages()
    routes = [route for route, _ in url_patterns()]
    missing = [route for route in routes if route not in PAGES and route not in admin_pages]
    assert not missing, f"Say in tests/test_permission_matrix.py who may open: {missing}"
    assert not set(PAGES) - set(routes), "entries for patterns that no longer exist"
    assert set(ADMIN_MODELS) == {label for label, _ in admin_pages.values()}
    kinds = {kind for _, kind in admin_pages.values()}
    assert kinds <= {*ADMIN_PAGE_KINDS, *EXTRA_ADMIN_PAGES}, f"admin pages of unknown kinds: {kinds}"


@pytest.mark.parametrize("route", list(PAGES))
def test_who_may_open_each_page(clients, settings, route):
    address, public, private = PAGES[route]
    expected = {True: public, False: private}
    assert outcomes(clients, settings, address.format_map(Samples())) == expected


@pytest.mark.parametrize("label", list(ADMIN_MODELS))
def test_who_may_open_each_admin_page_of_each_model(clients, settings, label):
    record = RECORDS[label]()
    admins_outcome = dict(zip(ADMIN_PAGE_KINDS, ADMIN_MODELS[label])) | EXTRA_ADMIN_PAGES
    base = f"/admin/{record._meta.app_label}/{record._meta.model_name}/"
    pages = {"changelist": base, "add": f"{base}add/", "change": f"{base}{record.pk}/change/",
             "history": f"{base}{record.pk}/history/", "delete": f"{base}{record.pk}/delete/",
             "object": f"{base}{record.pk}/", "password_change": f"{base}{record.pk}/password/"}
    if hasattr(record, "history"):
        pages["simple_history"] = f"{base}{record.pk}/history/{record.history.latest().history_id}/"
    kinds = {kind for model, kind in admin_model_pages().values() if model == label}
    for kind in kinds:
        expected = {public: tuple(admins_outcome[kind] if role == "admin" else row[i]
                                  for i, role in enumerate(PEOPLE)) for public, row in NOT_AN_ADMIN.items()}
        assert outcomes(clients, settings, pages[kind]) == expected, f"{label}: {kind} ({pages[kind]})"


def test_a_refused_write_changes_nothing(eve):
    rating = make_rating(value=4)
    client = Client()
    client.force_login(eve)
    response = client.post(f"/ratings/{rating.pk}/edit/", {"value": "1", "version": rating.version})
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.value == 4
