"""The recommendation tracker and the overdue list as lists people refine: facets with counts equal to
the rows they lead to, several values of a facet at once, chips to undo a filter, sortable columns,
pages of 50, the page as JSON, complete exports, per-owner overdue figures, and a fixed number of
queries whatever the number of recommendations."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from findings.models import Recommendation

from .builders import make_evaluation, make_owner, make_recommendation, make_response, read_csv

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS, IMPLEMENTED, NOT_ACCEPTED = Recommendation.Status
LIST, OVERDUE = "/recommendations/", "/recommendations/overdue/"


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def listing():
    """Six recommendations of one evaluation (slug "listing-check"), one of another ("listing-other").

    1 donors, open, overdue by 20 days, partially agreed
    2 donors and ministry, in progress, overdue by 5 days
    3 ministry, open, due in 10 days, agreed
    4 donors, implemented (was due 30 days ago)
    5 no owner, open, overdue by 1 day
    6 ministry, not accepted, no due date, disagreed
    """
    check, other = make_evaluation(slug="listing-check"), make_evaluation(slug="listing-other")
    donors, ministry = make_owner("Donors of the listing"), make_owner("Ministry of the listing")
    make_response(make_recommendation(evaluation=check, owners=[donors], due_date=days_from_today(-20)),
                  stance="partially_agrees")
    make_recommendation(evaluation=check, owners=[donors, ministry], status=IN_PROGRESS, due_date=days_from_today(-5))
    make_response(make_recommendation(evaluation=check, owners=[ministry], due_date=days_from_today(10)))
    make_recommendation(evaluation=check, owners=[donors], status=IMPLEMENTED, implementation_note="Done.",
                        due_date=days_from_today(-30))
    make_recommendation(evaluation=check, due_date=days_from_today(-1))
    make_response(make_recommendation(evaluation=check, owners=[ministry], status=NOT_ACCEPTED), stance="disagrees")
    make_recommendation(evaluation=other, owners=[donors], due_date=days_from_today(-3))
    return {"donors": donors, "ministry": ministry}


def numbers(response):
    return [r.number for r in response.context["page"]]


def facet(response, name):
    """{value: (count, selected, url)} of one facet as the page lists it."""
    counts = next(f for f in response.context["facets"] if f.facet.name == name)
    return {value.value: (value.count, value.selected, value.url) for value in counts.values}


def test_every_facet_count_is_the_number_of_rows_its_link_lists(client, listing):
    response = client.get(LIST, {"evaluation": "listing-check"})
    assert response.context["page"].paginator.count == 6
    checked = 0
    for counts in response.context["facets"]:
        for value in counts.values:
            if counts.facet.name == "evaluation":
                continue  # choosing another evaluation widens the list
            followed = client.get(LIST + value.url)
            assert followed.status_code == 200
            assert followed.context["page"].paginator.count == value.count == len(numbers(followed)), value.label
            checked += 1
    assert checked >= 10
    assert facet(response, "status") == {
        "open": (3, False, "?evaluation=listing-check&status=open"),
        "in_progress": (1, False, "?evaluation=listing-check&status=in_progress"),
        "implemented": (1, False, "?evaluation=listing-check&status=implemented"),
        "not_accepted": (1, False, "?evaluation=listing-check&status=not_accepted"),
    }
    assert {value: count for value, (count, _, _) in facet(response, "stance").items()} == {
        "none": 3, "partially_agrees": 1, "agrees": 1, "disagrees": 1}
    assert {value: count for value, (count, _, _) in facet(response, "overdue").items()} == {"yes": 3, "no": 3}
    assert {value: count for value, (count, _, _) in facet(response, "owner").items()} == {
        "Donors of the listing": 3, "Ministry of the listing": 3}


def test_a_second_value_of_a_facet_widens_the_list(client, listing):
    one = client.get(LIST, {"evaluation": "listing-check", "status": "open"})
    assert numbers(one) == [1, 3, 5]
    # The status facet still counts the other statuses, for the other filters chosen.
    assert facet(one, "status")["in_progress"][:2] == (1, False)
    both = client.get(LIST + facet(one, "status")["in_progress"][2])
    assert numbers(both) == [1, 2, 3, 5]
    assert facet(both, "status")["open"][:2] == (3, True)
    owners = client.get(LIST, {"evaluation": "listing-check", "owner": [listing["donors"].name,
                                                                        listing["ministry"].name]})
    assert numbers(owners) == [1, 2, 3, 4, 6]  # the shared one listed once
    evaluations = client.get(LIST, {"evaluation": ["listing-check", "listing-other"], "owner": listing["donors"].name})
    assert [(r.evaluation.slug, r.number) for r in evaluations.context["page"]] == [
        ("listing-check", 1), ("listing-check", 2), ("listing-check", 4), ("listing-other", 1)]


def test_a_chip_removes_just_its_value(client, listing):
    response = client.get(LIST, {"evaluation": "listing-check", "status": ["open", "in_progress"], "overdue": "yes"})
    assert numbers(response) == [1, 2, 5]
    chips = {chip.label: chip.url for chip in response.context["chips"]}
    assert set(chips) == {"Evaluation: " + response.context["page"][0].evaluation.title, "Status: Open",
                          "Status: In progress", "Overdue: Yes"}
    assert numbers(client.get(LIST + chips["Status: In progress"])) == [1, 5]
    assert numbers(client.get(LIST + chips["Overdue: Yes"])) == [1, 2, 3, 5]
    page = response.content.decode()
    assert 'aria-label="Remove the filter Status: Open"' in page and "Clear all" in page


@pytest.mark.parametrize("sort, expected", [
    ("due", [4, 1, 2, 5, 3, 6]),  # earliest due first, undated last
    ("-due", [3, 5, 2, 1, 4, 6]),  # undated last either way
    ("status", [4, 2, 6, 1, 3, 5]),  # by the stored value: implemented, in_progress, not_accepted, open
    ("-number", [6, 5, 4, 3, 2, 1]),
])
def test_columns_sort_the_list(client, listing, sort, expected):
    response = client.get(LIST, {"evaluation": "listing-check", "sort": sort})
    assert numbers(response) == expected
    assert 'class="sort"' in response.content.decode()


def test_sorting_by_evaluation_keeps_each_evaluations_numbers_in_order(client, listing):
    response = client.get(LIST, {"owner": listing["donors"].name, "sort": "-evaluation",
                                 "evaluation": ["listing-check", "listing-other"]})
    assert [(r.evaluation.slug, r.number) for r in response.context["page"]] == [
        ("listing-other", 1), ("listing-check", 1), ("listing-check", 2), ("listing-check", 4)]


@pytest.fixture
def many():
    """55 recommendations of one evaluation, all overdue for one owner."""
    evaluation, owner = make_evaluation(slug="paged-check"), make_owner("Owner of the paged check")
    for n in range(55):
        make_recommendation(evaluation=evaluation, owners=[owner], due_date=days_from_today(-1 - n))
    return owner


def test_pages_of_fifty_with_their_count_and_no_overlap(client, many):
    first = client.get(LIST, {"evaluation": "paged-check"})
    second = client.get(LIST, {"evaluation": "paged-check", "page": "2"})
    assert len(numbers(first)) == 50 and len(numbers(second)) == 5
    assert sorted(numbers(first) + numbers(second)) == list(range(1, 56))
    assert "Page 1 of 2" in first.content.decode()
    assert client.get(LIST, {"evaluation": "paged-check", "page": "zz"}).status_code == 200  # the first page
    overdue = client.get(OVERDUE, {"evaluation": "paged-check", "page": "2"})
    assert overdue.context["page"].paginator.count == 55
    assert [len(g.rows) for g in overdue.context["groups"]] == [5]
    assert [r.days_overdue for r in overdue.context["groups"][0].rows] == [5, 4, 3, 2, 1]


def test_exports_hold_every_row_not_one_page(client, many):
    assert len(read_csv(client.get(LIST, {"evaluation": "paged-check", "format": "csv"}))) == 55
    assert len(read_csv(client.get(OVERDUE, {"evaluation": "paged-check", "format": "csv"}))) == 55


def test_the_page_as_json_carries_the_rows_the_count_and_the_next_page(client, many):
    body = json.loads(client.get(LIST, {"evaluation": "paged-check", "format": "json", "sort": "due"}).content)
    assert body["count"] == 55 and body["pages"] == 2 and body["page"] == 1
    assert "page=2" in body["next"] and body["previous"] is None
    assert len(body["rows"]) == 50
    assert body["rows"][0]["due_date"] == days_from_today(-55).isoformat()
    assert body["rows"][0]["owners"] == "Owner of the paged check" and body["rows"][0]["evaluation"] == "paged-check"
    overdue = json.loads(client.get(OVERDUE, {"evaluation": "paged-check", "format": "json", "page": "2"}).content)
    assert overdue["count"] == 55 and [row["days_overdue"] for row in overdue["rows"]] == [5, 4, 3, 2, 1]


def test_the_overdue_list_counts_per_owner_and_filters_by_owner(client, listing):
    response = client.get(OVERDUE, {"evaluation": "listing-check"})
    owners = [(row["name"], row["count"], row["days"]) for row in response.context["owners"]]
    assert owners == [("Donors of the listing", 2, 20), ("Ministry of the listing", 1, 5), ("No owner named", 1, 1)]
    assert response.context["page"].paginator.count == 4  # one row per owner: the shared one twice
    ministry = client.get(OVERDUE, {"evaluation": "listing-check", "owner": "Ministry of the listing"})
    assert [(g.owner, [r.number for r in g.rows]) for g in ministry.context["groups"]] == [
        ("Ministry of the listing", [2])]
    assert [row["name"] for row in ministry.context["owners"]] == ["Ministry of the listing"]
    # The tracker's figures agree: overdue per owner beside all of the owner's recommendations.
    tracker = client.get(LIST, {"evaluation": "listing-check"})
    assert [(row["name"], row["count"], row["overdue"]) for row in tracker.context["counts"]["owners"]] == [
        ("Donors of the listing", 3, 2), ("Ministry of the listing", 3, 1), ("No owner named", 1, 1)]
    assert tracker.context["counts"]["total"] == 6


@pytest.mark.parametrize("url, params, message", [
    (LIST, {"sort": "colour"}, "Sort by: Select a valid choice. colour is not one of the available choices."),
    (LIST, {"stance": "maybe"}, "Management response: Select a valid choice. maybe is not one of the available"),
    (LIST, {"owner": ["Donors of the listing", "Nobody"]}, "No responsibility owner is named “Nobody”."),
    (OVERDUE, {"evaluation": "atlantis"}, "No evaluation has the slug “atlantis”."),
    (OVERDUE, {"status": "late"}, "Status: Select a valid choice."),
])
def test_a_bad_filter_value_is_a_400_with_a_message(client, listing, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(url, {**params, "format": "json"}).status_code == 400


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url, params", [
    (LIST, {}),
    (LIST, {"status": ["open", "in_progress"], "owner": "Growing owner", "sort": "-due", "stance": "none"}),
    (LIST, {"format": "json", "overdue": "yes"}),
    (OVERDUE, {}),
    (OVERDUE, {"owner": "Growing owner", "evaluation": "growing-check"}),
])
def test_queries_do_not_grow_with_the_number_of_recommendations(client, url, params):
    evaluation, owner = make_evaluation(slug="growing-check"), make_owner("Growing owner")
    make_response(make_recommendation(evaluation=evaluation, owners=[owner], due_date=days_from_today(-2)))
    make_recommendation(evaluation=evaluation, owners=[owner, make_owner()], due_date=days_from_today(-9),
                        status=IN_PROGRESS)
    few = queries(client, url, params)
    for n in range(60):  # beyond a page, with more owners, responses and statuses
        recommendation = make_recommendation(evaluation=make_evaluation() if n % 10 == 0 else evaluation,
                                             owners=[owner, make_owner()], due_date=days_from_today(-n))
        if n % 3 == 0:
            make_response(recommendation, stance="disagrees")
    assert queries(client, url, params) == few
