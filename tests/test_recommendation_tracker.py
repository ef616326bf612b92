"""The recommendations tracker (/recommendations/): filters, counts and exports of the filtered rows."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from findings.models import Recommendation, ResponsibilityOwner
from follow_up.selectors import recommendation_counts

from .builders import make_evaluation, read_csv

pytestmark = pytest.mark.django_db

COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text", "status",
           "due_date", "source"]
DONORS = [("unido-cnd-2010", n) for n in (3, 5, 6, 7, 8)]


def listed(response):
    return [(r.evaluation.slug, r.number) for r in response.context["recommendations"]]


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["data"].values), list(workbook["about"].values)


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def make_recommendation(**kwargs):
    kwargs.setdefault("evaluation", make_evaluation())
    kwargs.setdefault("number", Recommendation.objects.filter(evaluation=kwargs["evaluation"]).count() + 1)
    kwargs.setdefault("text", "Do better.")
    return Recommendation.objects.create(**kwargs)


def test_it_lists_exactly_the_unido_recommendations_naming_donors(client):
    response = client.get("/recommendations/", {"owner": "Donors"})
    assert response.status_code == 200
    assert listed(response) == DONORS


def test_it_shows_counts_per_owner_and_status_for_the_filtered_set(client):
    response = client.get("/recommendations/", {"owner": "Donors"})
    counts = response.context["counts"]
    assert counts["owners"] == [{"name": "CBL Unit", "count": 5}, {"name": "Donors", "count": 5},
                                {"name": "Partner Governments", "count": 3}, {"name": "UNIDO Management", "count": 3}]
    assert counts["statuses"] == [{"name": "Open", "count": 5}]
    page = response.content.decode()
    assert "By responsibility owner" in page and '<dt>Partner Governments</dt><dd>3</dd>' in page


def test_counts_name_recommendations_without_an_owner_and_follow_the_status_order():
    evaluation = make_evaluation()
    make_recommendation(evaluation=evaluation, status=Recommendation.Status.IMPLEMENTED,
                        implementation_note="Done.")
    owned = make_recommendation(evaluation=evaluation)
    owned.owners.add(ResponsibilityOwner.objects.get(name="Donors"))
    counts = recommendation_counts(Recommendation.objects.filter(evaluation=evaluation))
    assert counts["owners"] == [{"name": "Donors", "count": 1}, {"name": "No owner named", "count": 1}]
    assert counts["statuses"] == [{"name": "Open", "count": 1}, {"name": "Implemented", "count": 1}]


def test_evaluation_stance_and_status_filters(client):
    assert len(listed(client.get("/recommendations/", {"evaluation": "seco-smac-2019"}))) == 3
    assert listed(client.get("/recommendations/", {"stance": "partially_agrees"})) == [("seco-smac-2019", 1)]
    assert len(listed(client.get("/recommendations/", {"stance": "none"}))) == 24 - 3
    assert len(listed(client.get("/recommendations/", {"status": "open", "owner": "ILO"}))) == 8


def test_the_overdue_filter_takes_open_or_in_progress_recommendations_past_their_due_date(client):
    evaluation = make_evaluation(slug="overdue-check")
    late = make_recommendation(evaluation=evaluation, due_date=days_from_today(-1))
    late_in_progress = make_recommendation(evaluation=evaluation, due_date=days_from_today(-30),
                                           status=Recommendation.Status.IN_PROGRESS)
    make_recommendation(evaluation=evaluation, due_date=days_from_today(-1), status=Recommendation.Status.IMPLEMENTED,
                        implementation_note="Done.")
    make_recommendation(evaluation=evaluation, due_date=days_from_today(0))
    make_recommendation(evaluation=evaluation)
    overdue = client.get("/recommendations/", {"overdue": "yes"})
    assert sorted(listed(overdue)) == [("overdue-check", late.number), ("overdue-check", late_in_progress.number)]
    on_time = listed(client.get("/recommendations/", {"overdue": "no", "evaluation": "overdue-check"}))
    assert sorted(on_time) == [("overdue-check", 3), ("overdue-check", 4), ("overdue-check", 5)]


def test_csv_export_holds_exactly_the_filtered_rows(client):
    rows = read_csv(client.get("/recommendations/", {"owner": "Donors", "format": "csv"}))
    assert list(rows[0]) == COLUMNS
    assert [(r["evaluation"], int(r["number"])) for r in rows] == DONORS
    assert all("Donors" in r["owners"].split("; ") for r in rows)


def test_xlsx_export_holds_exactly_the_filtered_rows_and_names_the_filters(client):
    response = client.get("/recommendations/", {"owner": "Donors", "status": "open", "format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="recommendations.xlsx"')
    data, about = read_xlsx(response)
    assert list(data[0]) == COLUMNS
    assert [(row[0], row[1]) for row in data[1:]] == DONORS
    filters = [tuple(row[:2]) for row in about]
    assert ("owner", "Donors") in filters and ("status", "open") in filters
    assert ("rows", 5) in filters


def test_an_empty_result_says_so(client):
    response = client.get("/recommendations/", {"status": "implemented"})
    assert response.status_code == 200
    assert "No recommendation matches these filters." in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"owner": "Nobody"}, "No responsibility owner is named “Nobody”."),
    ({"evaluation": "no-such-report"}, "No evaluation has the slug “no-such-report”."),
    ({"overdue": "maybe"}, "Overdue: Select a valid choice."),
])
def test_a_bad_filter_value_is_a_message_not_an_error(client, params, message):
    response = client.get("/recommendations/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get("/recommendations/", {**params, "format": "xlsx"}).status_code == 400


def test_the_filter_form_labels_every_field_and_keeps_its_state_in_the_url(client):
    page = client.get("/recommendations/", {"owner": "Donors"}).content.decode()
    for name in ("evaluation", "owner", "stance", "status", "overdue"):
        assert f'<label for="id_{name}">' in page and f'id="id_{name}"' in page
    assert '<form class="filters" method="get"' in page
    assert 'href="?owner=Donors&amp;format=csv"' in page


def test_the_nav_marks_recommendations_as_the_current_page(client):
    for url in ("/recommendations/", f"/recommendations/{Recommendation.objects.first().pk}/"):
        page = client.get(url).content.decode()
        assert re.findall(r'aria-current="page">([^<]+)</a>', page) == ["Recommendations"]


@pytest.mark.parametrize("params", [{}, {"owner": "Donors", "overdue": "no"}])
def test_tracker_queries_do_not_grow_with_rows(client, params):
    donors = ResponsibilityOwner.objects.get(name="Donors")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/recommendations/", params).status_code == 200
    evaluation = make_evaluation()
    for _ in range(20):
        make_recommendation(evaluation=evaluation, due_date=days_from_today(10)).owners.add(donors)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/recommendations/", params)
    assert len(response.context["recommendations"]) in (24 + 20, 5 + 20)
    assert len(after) == len(before) <= 15
