"""Property tests (hypothesis) over every list page's parameters and every form: whatever is sent,
never a 500, never a partial write, never a `<script>` echoed unescaped.

Examples are bounded (FUZZ_EXAMPLES, 20 by default) so CI stays fast; set FUZZ_EXAMPLES=500 for a
longer hunt. Each example runs in a transaction that is rolled back, so examples never see each
other's writes.
"""

import os
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.models import Recommendation
from ratings.models import Rating

from .builders import make_evaluation, make_programme, make_project, make_rating, make_recommendation, make_scale
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
fuzz = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")), deadline=None, derandomize=True,
                database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as people and attackers type it: any character (NUL and lone surrogates included), markup,
# numbers in every shape, and values the pages know.
TEXT = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Lu", "Nd"]), max_size=6),
    st.sampled_from([SCRIPT, f"x{SCRIPT}", "\x00", "\ud800", "-1", "0", "1e309", "NaN", "99999999999999999999",
                     "2021-02-30", "relevance", "FR", "AF", "status", "region", "theme", "csv", "xlsx", "yes", "-title",
                     "' OR 1=1 --", "%", "_", "\\"]),
)

LIST_PAGES = {
    "/portfolio/": ["q", "organisation", "programme", "evaluation", "country", "region", "approach", "type", "status",
                    "year_from", "year_to", "allotment_min", "allotment_max", "sort", "page", "format"],
    "/portfolio/summary/": ["by", "q", "region", "status", "year_from", "format"],
    "/ratings/": ["evaluation", "criterion", "subject_kind", "country", "assessed", "format"],
    "/ratings/compare/": ["format"],
    "/ratings/evidence-map/": ["by", "format"],
    "/findings/": ["q", "evaluation", "organisation", "criterion", "theme", "country", "evidence_kind", "type",
                   "page", "format"],
    "/recommendations/": ["evaluation", "owner", "stance", "status", "overdue", "format"],
    "/recommendations/overdue/": ["format"],
    "/evaluations/": ["page"],
    "/reconciliation/": ["format"],
    "/sources/": ["q"],
}


def unacceptable(values):
    """Text the site refuses outright: NUL bytes and lone surrogates."""
    return any("\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value) for value in values)


def query(params):
    return urlencode(params, errors="surrogatepass")


def assert_safe(response, sent):
    assert response.status_code < 500, response.status_code
    if unacceptable(sent):
        assert response.status_code == 400
    content_type = response.get("Content-Type", "")
    if response.streaming:
        body = b"".join(response.streaming_content)
        assert b"# EXPORT FAILED" not in body
    elif content_type.startswith("text/html"):
        assert SCRIPT not in response.content.decode()


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("page", LIST_PAGES)
@fuzz
@given(data=st.data())
def test_list_pages_survive_any_parameters(client, page, data):
    params = data.draw(st.dictionaries(st.sampled_from(LIST_PAGES[page]), TEXT, max_size=4))
    response = client.get(f"{page}?{query(params)}")
    assert_safe(response, params.values())


@pytest.fixture
def grid(client, sam):
    evaluation = make_evaluation()
    project = make_project(programme=make_programme(evaluations=[evaluation]))
    scale = make_scale(not_assessed_value=Decimal("0"))
    client.force_login(sam)
    subject = {"evaluation": evaluation.slug, "subject_kind": "project", "subject": project.number, "scale": scale.code}
    return f"/ratings/new/?{query(subject)}", project


CRITERIA = ["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability"]
ROW = st.fixed_dictionaries({"value": st.one_of(st.sampled_from(["", "1", "2.5", "4", "0", "-1", "5"]), TEXT),
                             "not_assessed": st.sampled_from(["", "on"]), "justification": TEXT})


def post(client, url, data, urlencoded):
    """As a browser posts a form: URL-encoded, or multipart as with a file field (whose encoding
    turns lone surrogates into U+FFFD). Returns the response and the values as sent."""
    if urlencoded:
        return client.post(url, query(data), content_type="application/x-www-form-urlencoded"), data
    sent = {key: value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for key, value in data.items()}
    return client.post(url, sent), sent


@fuzz
@given(rows=st.lists(ROW, min_size=0, max_size=7), total=st.one_of(st.none(), TEXT), urlencoded=st.booleans(),
       drop_criterion=st.booleans())
def test_the_rating_grid_saves_all_rows_or_none(client, grid, rows, total, urlencoded, drop_criterion):
    url, project = grid
    data = {"form-TOTAL_FORMS": str(len(rows)) if total is None else total, "form-INITIAL_FORMS": str(len(rows)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "50"}
    for i, row in enumerate(rows):
        data.update({f"form-{i}-{key}": value for key, value in row.items()})
        if not (drop_criterion and i == 0):
            data[f"form-{i}-criterion"] = CRITERIA[i % len(CRITERIA)]
    with rolled_back():
        response, sent = post(client, url, data, urlencoded)
        assert_safe(response, sent.values())
        saved = Rating.objects.filter(project=project).count()
        assert saved == 0 if response.status_code != 302 else saved > 0


@pytest.fixture
def rating(client, sam):
    client.force_login(sam)
    return make_rating(project=make_project(), justification="Before.")


@fuzz
@given(value=TEXT, label=TEXT, justification=TEXT, version=st.one_of(st.none(), TEXT), urlencoded=st.booleans())
def test_a_rating_edit_saves_all_or_nothing(client, rating, value, label, justification, version, urlencoded):
    data = {"value": value, "label": label, "justification": justification,
            "version": str(rating.version) if version is None else version}
    with rolled_back():
        response, sent = post(client, f"/ratings/{rating.pk}/edit/", data, urlencoded)
        assert_safe(response, sent.values())
        stored = Rating.objects.get(pk=rating.pk)
        if response.status_code == 302:
            assert stored.justification == sent["justification"].strip() and stored.version > rating.version
        else:
            assert (stored.value, stored.justification, stored.version) == (rating.value, "Before.", rating.version)


@pytest.fixture
def recommendation(client, ada):
    client.force_login(ada)
    return make_recommendation(text="Strengthen monitoring.")


@fuzz
@given(status=st.one_of(st.sampled_from(Recommendation.Status.values), TEXT), due_date=TEXT, note=TEXT, reason=TEXT,
       version=st.one_of(st.none(), TEXT), urlencoded=st.booleans())
def test_the_follow_up_form_saves_all_or_nothing(client, recommendation, status, due_date, note, reason, version,
                                                 urlencoded):
    data = {"status": status, "due_date": due_date, "implementation_note": note, "reason": reason,
            "version": str(recommendation.version) if version is None else version}
    with rolled_back():
        response, sent = post(client, f"/recommendations/{recommendation.pk}/follow-up/", data, urlencoded)
        assert_safe(response, sent.values())
        stored = Recommendation.objects.get(pk=recommendation.pk)
        if response.status_code == 302:
            assert stored.status == status  # saved (a save that changes nothing keeps the version)
        else:
            assert (stored.status, stored.implementation_note, stored.version) == (
                recommendation.status, recommendation.implementation_note, recommendation.version)


@fuzz
@given(username=TEXT, password=st.one_of(TEXT, st.just(PASSWORD)), urlencoded=st.booleans(),
       page=st.sampled_from(["/accounts/login/", "/admin/login/"]))
def test_the_login_pages_survive_any_credentials(client, eve, username, password, urlencoded, page):
    data = {"username": username, "password": password}
    with rolled_back():
        response, sent = post(client, page, data, urlencoded)
        assert_safe(response, sent.values())
        assert response.status_code in (200, 302, 400, 429)
        client.logout()
