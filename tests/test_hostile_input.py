"""Hostile input: NUL bytes, lone surrogates and malformed formsets get a 400 with a message, never a 500."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest

from ratings.models import Rating

from .builders import make_evaluation, make_programme, make_project, make_scale

pytestmark = pytest.mark.django_db

CRITERIA = ["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability"]


@pytest.mark.parametrize("address", [
    "/findings/?q=cluster%00",
    "/portfolio/?q=%00",
    "/ratings/?evaluation=%00",
    "/findings/?q=%ED%A0%80",  # a lone surrogate, as UTF-8 would encode it
    "/findings/?q=%FF",
    "/portfolio/US%00IND/",
    "/recommendations/?%00=x",
])
def test_nul_bytes_and_broken_text_in_the_address_are_refused(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_the_message_says_what_was_wrong(client):
    assert "The query string contains a NUL byte." in client.get("/findings/?q=a%00").content.decode()
    assert "not UTF-8" in client.get("/findings/?q=%ED%A0%80").content.decode()
    assert "The address contains a NUL byte." in client.get("/portfolio/A%00B/").content.decode()


def test_plain_unicode_passes(client):
    assert client.get("/findings/", {"q": "Pérou – coopératives 🌲"}).status_code == 200


def test_a_nul_byte_in_a_form_is_refused_before_the_login(client, eve):
    urlencoded = client.post("/accounts/login/", urlencode({"username": "eve\x00", "password": "x"}),
                             content_type="application/x-www-form-urlencoded")
    multipart = client.post("/accounts/login/", {"username": "eve\x00", "password": "x"})
    assert urlencoded.status_code == multipart.status_code == 400
    assert "The form contains a NUL byte." in multipart.content.decode()


@pytest.fixture
def grid(client, sam):
    evaluation = make_evaluation()
    project = make_project(programme=make_programme(evaluations=[evaluation]))
    scale = make_scale()
    client.force_login(sam)
    url = (f"/ratings/new/?evaluation={evaluation.slug}&subject_kind=project&subject={project.number}"
           f"&scale={scale.code}")
    return url, project


def management(total, initial):
    return {"form-TOTAL_FORMS": str(total), "form-INITIAL_FORMS": str(initial),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "50"}


def test_a_grid_row_without_its_criterion_is_refused(client, grid):
    url, project = grid
    data = {**management(2, 1), "form-0-criterion": "relevance", "form-0-value": "3"}  # form-1 sends nothing
    response = client.post(url, data)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


@pytest.mark.parametrize("data, message", [
    ({"form-0-criterion": "relevance", "form-0-value": "3"}, "(Hidden field TOTAL_FORMS) This field is required."),
    ({**management("many", 0), "form-0-criterion": "relevance"}, "(Hidden field TOTAL_FORMS) Enter a whole number."),
    ({**management(5000, 0)}, "Please submit at most 50 forms."),
    ({**management(2, 2), "form-0-criterion": "relevance", "form-0-value": "3", "form-1-criterion": "relevance",
      "form-1-value": "2"}, "A criterion appears twice in the grid."),
    ({**management(1, 1), "form-0-value": "3"}, "This field is required."),
    ({**management(1, 1), "form-0-criterion": "no-such-criterion", "form-0-value": "3"}, "is not a criterion"),
    ({**management(1, 1), "form-0-criterion": "relevance", "form-0-value": "NaN"}, "Enter a number."),
])
def test_a_malformed_grid_is_refused_with_a_message_and_nothing_saved(client, grid, data, message):
    url, project = grid
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rating.objects.filter(project=project).exists()


def test_a_well_formed_grid_still_saves(client, grid):
    url, project = grid
    data = {**management(1, 1), "form-0-criterion": "relevance", "form-0-value": "3"}
    assert client.post(url, data).status_code == 302
    assert Rating.objects.get(project=project).value == Decimal("3")
