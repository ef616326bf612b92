"""The recommendations tracker (/recommendations/): filters, counts and exports of the filtered rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from findings.models import Recommendation
from follow_up.selectors import recommendation_counts

from .builders import make_evaluation, make_owner, make_recommendation, make_response, read_csv
from .responses import read_xlsx

pytestmark = pytest.mark.django_db

COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text", "status",
           "due_date", "source"]
IMPLEMENTED = Recommendation.Status.IMPLEMENTED


def listed(response):
    return [(r.evaluation.slug, r.number) for r in response.context["page"]]


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def tracked():
    """Five recommendations of one evaluation: the donors' own three (one with a partial agreement),
    one shared with a ministry, one implemented."""
    evaluation = make_evaluation(slug="tracker-check")
    donors, ministry = make_owner("Donors of the tracker check"), make_owner("Ministry of the tracker check")
    make_response(make_recommendation(evaluation=evaluation, owners=[donors]), stance="partially_agrees")
    make_recommendation(evaluation=evaluation, owners=[donors, ministry])
    make_recommendation(evaluation=evaluation, owners=[ministry])
    make_recommendation(evaluation=evaluation, owners=[donors], status=IMPLEMENTED, implementation_note="Done.")
    make_response(make_recommendation(evaluation=evaluation), stance="agrees")
    return {"evaluation": evaluation, "donors": donors, "ministry": ministry}


def test_it_lists_exactly_the_recommendations_naming_an_owner(client, tracked):
    make_recommendation(owners=[tracked["ministry"]])  # another evaluation, another owner
    response = client.get("/recommendations/", {"owner": tracked["donors"].name})
    assert response.status_code == 200
    assert listed(response) == [("tracker-check", 1), ("tracker-check", 2), ("tracker-check", 4)]


def test_it_shows_counts_per_owner_and_status_for_the_filtered_set(client, tracked):
    response = client.get("/recommendations/", {"owner": tracked["donors"].name})
    counts = response.context["counts"]
    assert [(row["name"], row["count"], row["overdue"]) for row in counts["owners"]] == [
        ("Donors of the tracker check", 3, 0), ("Ministry of the tracker check", 1, 0)]
    assert counts["statuses"] == [{"name": "Open", "count": 2}, {"name": "Implemented", "count": 1}]
    assert counts["total"] == 3
    page = " ".join(response.content.decode().split())
    assert "By responsibility owner" in page
    assert ('<a href="?owner=Ministry+of+the+tracker+check">Ministry of the tracker check</a></td>'
            '<td class="num">1</td> <td class="num">0</td></tr>') in page


def test_counts_name_recommendations_without_an_owner_and_follow_the_status_order():
    evaluation = make_evaluation()
    make_recommendation(evaluation=evaluation, status=IMPLEMENTED, implementation_note="Done.")
    make_recommendation(evaluation=evaluation, owners=[make_owner("Donors of the count check")])
    counts = recommendation_counts(Recommendation.objects.filter(evaluation=evaluation))
    assert [(row["name"], row["owner"], row["count"]) for row in counts["owners"]] == [
        ("Donors of the count check", "Donors of the count check", 1), ("No owner named", "", 1)]
    assert counts["statuses"] == [{"name": "Open", "count": 1}, {"name": "Implemented", "count": 1}]


@pytest.mark.parametrize("filters, expected", [
    ({}, [1, 2, 3, 4, 5]),
    ({"stance": "partially_agrees"}, [1]),
    ({"stance": "agrees"}, [5]),
    ({"stance": "none"}, [2, 3, 4]),
    ({"status": "open"}, [1, 2, 3, 5]),
    ({"status": "open", "owner": "Ministry of the tracker check"}, [2, 3]),
])
def test_evaluation_stance_status_and_owner_filters(client, tracked, filters, expected):
    make_response(make_recommendation(), stance="partially_agrees")  # another evaluation
    response = client.get("/recommendations/", {"evaluation": "tracker-check", **filters})
    assert listed(response) == [("tracker-check", n) for n in expected]


def test_the_overdue_filter_takes_open_or_in_progress_recommendations_past_their_due_date(client):
    evaluation = make_evaluation(slug="overdue-check")
    late = make_recommendation(evaluation=evaluation, due_date=days_from_today(-1))
    late_in_progress = make_recommendation(evaluation=evaluation, due_date=days_from_today(-30),
                                           status=Recommendation.Status.IN_PROGRESS)
    make_recommendation(evaluation=evaluation, due_date=days_from_today(-1), status=IMPLEMENTED,
                        implementation_note="Done.")
    make_recommendation(evaluation=evaluation, due_date=days_from_today(0))
    make_recommendation(evaluation=evaluation)
    overdue = client.get("/recommendations/", {"overdue": "yes", "evaluation": "overdue-check"})
    assert sorted(listed(overdue)) == [("overdue-check", late.number), ("overdue-check", late_in_progress.number)]
    assert {("overdue-check", late.number), ("overdue-check", late_in_progress.number)} <= set(
        listed(client.get("/recommendations/", {"overdue": "yes"})))
    on_time = listed(client.get("/recommendations/", {"overdue": "no", "evaluation": "overdue-check"}))
    assert sorted(on_time) == [("overdue-check", 3), ("overdue-check", 4), ("overdue-check", 5)]


def test_csv_export_holds_exactly_the_filtered_rows(client, tracked):
    rows = read_csv(client.get("/recommendations/", {"owner": tracked["donors"].name, "format": "csv"}))
    assert list(rows[0]) == COLUMNS
    assert [(r["evaluation"], int(r["number"])) for r in rows] == [
        ("tracker-check", 1), ("tracker-check", 2), ("tracker-check", 4)]
    assert all(tracked["donors"].name in r["owners"].split("; ") for r in rows)
    assert [(r["management_response"], r["status"]) for r in rows] == [
        ("Partially agrees", "Open"), ("", "Open"), ("", "Implemented")]


def test_xlsx_export_holds_exactly_the_filtered_rows_and_names_the_filters(client, tracked):
    donors = tracked["donors"].name
    response = client.get("/recommendations/", {"owner": donors, "status": "open", "format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="recommendations.xlsx"')
    data, about = read_xlsx(response)
    assert list(data[0]) == COLUMNS
    assert [(row[0], row[1]) for row in data[1:]] == [("tracker-check", 1), ("tracker-check", 2)]
    filters = [tuple(row[:2]) for row in about]
    assert ("owner", donors) in filters and ("status", "open") in filters
    assert ("rows", 2) in filters


def test_an_empty_result_says_so(client, tracked):
    response = client.get("/recommendations/", {"evaluation": "tracker-check", "status": "not_accepted"})
    assert response.status_code == 200
    assert "No recommendation matches these filters." in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"owner": "Nobody"}, "No responsibility owner is named “Nobody”."),
    ({"evaluation": "no-such-report"}, "No evaluation has the slug “no-such-report”."),
    ({"overdue": "maybe"}, "Overdue: Select a valid choice."),
    ({"status": ["open", "closed"]}, "Status: Select a valid choice. closed is not one of the available choices."),
])
def test_a_bad_filter_value_is_a_message_not_an_error(client, params, message):
    response = client.get("/recommendations/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get("/recommendations/", {**params, "format": "xlsx"}).status_code == 400


def test_the_facets_offer_every_filter_and_keep_their_state_in_the_url(client):
    make_recommendation(owners=["Donors"])
    response = client.get("/recommendations/", {"owner": "Donors"})
    assert [f.facet.name for f in response.context["facets"]] == ["status", "overdue", "stance", "owner",
                                                                    "evaluation"]
    page = response.content.decode()
    assert 'href="?owner=Donors&amp;format=csv"' in page and 'href="?owner=Donors&amp;format=json"' in page


def test_the_nav_marks_recommendations_as_the_current_page(client):
    for url in ("/recommendations/", make_recommendation().get_absolute_url()):
        page = client.get(url).content.decode()
        assert re.findall(r'aria-current="page">([^<]+)</a>', page) == ["Recommendations"]


def add_recommendations(evaluation, owner, n):
    for _ in range(n):
        make_recommendation(evaluation=evaluation, due_date=days_from_today(10), owners=[owner, make_owner()])


@pytest.mark.parametrize("own_filters", [False, True])
def test_tracker_queries_do_not_grow_with_rows(client, own_filters):
    evaluation, owner = make_evaluation(), make_owner("Donors of the query check")
    params = {"owner": owner.name, "overdue": "no"} if own_filters else {}
    add_recommendations(evaluation, owner, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/recommendations/", params).status_code == 200
    add_recommendations(evaluation, owner, 20)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/recommendations/", params)
    assert response.context["page"].paginator.count >= 22
    assert len(many) == len(few) <= 15
