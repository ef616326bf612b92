"""Recommendations per report, with responsibility owners and management responses."""


import pytest

from findings.models import Finding, Lesson, ManagementResponse, QuantitativeEvidence, Recommendation

from ..builders import read_csv
from ..responses import read_xlsx

pytestmark = pytest.mark.django_db

UNIDO_OWNERS = {
    1: {"CBL Unit"}, 2: {"CBL Unit"}, 3: {"CBL Unit", "Donors"}, 4: {"CBL Unit"},
    5: {"UNIDO Management", "CBL Unit", "Donors", "Partner Governments"},
    6: {"UNIDO Management", "CBL Unit", "Donors", "Partner Governments"},
    7: {"CBL Unit", "Donors"},
    8: {"UNIDO Management", "CBL Unit", "Donors", "Partner Governments"},
    9: {"CBL Unit in collaboration with other UNIDO Services"}, 10: {"CBL Unit"}, 11: {"CBL Unit"},
    12: {"PTC Management", "CBL Unit"}, 13: {"CBL Unit"},
}


@pytest.mark.parametrize("evaluation, count", [
    ("unido-cnd-2010", 13), ("seco-smac-2019", 3), ("ilo-vcd-2011", 8), ("ilo-peru-forestry-2021", 0),
])
def test_number_of_recommendations_per_report(evaluation, count):
    assert Recommendation.objects.filter(evaluation__slug=evaluation).count() == count


def test_unido_recommendations_name_their_responsibility_owners():
    recommendations = Recommendation.objects.filter(evaluation__slug="unido-cnd-2010").prefetch_related("owners")
    owners = {r.number: {o.name for o in r.owners.all()} for r in recommendations}
    assert owners == UNIDO_OWNERS
    assert all(r.conclusion is not None for r in recommendations)
    assert not ManagementResponse.objects.filter(recommendation__evaluation__slug="unido-cnd-2010").exists()


def test_seco_management_responses():
    responses = ManagementResponse.objects.filter(recommendation__evaluation__slug="seco-smac-2019")
    stances = {r.recommendation.number: r.stance for r in responses.select_related("recommendation")}
    assert stances == {1: "partially_agrees", 2: "agrees", 3: "agrees"}
    assert all(r.responder.slug == "seco" for r in responses)
    assert responses.get(recommendation__number=2).actions.exists()


def test_unido_lessons_and_survey_scores():
    assert Lesson.objects.filter(evaluation__slug="unido-cnd-2010").count() == 3
    scores = QuantitativeEvidence.objects.filter(finding__evaluation__slug="unido-cnd-2010", unit="score (1-4)")
    values = {str(s.value.normalize()) for s in scores}
    assert {"3.25", "2.07", "3.22", "3.16", "3.09", "3.06", "2.64", "2.47", "2.53"} <= values


def test_peru_certification_evidence_with_units_and_base():
    evidence = QuantitativeEvidence.objects.filter(finding__evaluation__slug="ilo-peru-forestry-2021", unit="%")
    values = {e.value.normalize() for e in evidence if e.base_value == 55}
    assert {43, 96, 56, 86} <= {int(v) for v in values}
    peru = Finding.objects.filter(evaluation__slug="ilo-peru-forestry-2021", countries__iso2="PE")
    assert peru.filter(text__icontains="certif").exists()


# -- the recommendation tracker (/recommendations/) on the four reports ------------------------------

DONORS = [("unido-cnd-2010", n) for n in (3, 5, 6, 7, 8)]
TRACKER_COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text", "status",
                   "due_date", "source"]


def listed(response):
    return [(r.evaluation.slug, r.number) for r in response.context["page"]]


def test_the_tracker_lists_exactly_the_unido_recommendations_naming_donors(client):
    response = client.get("/recommendations/", {"owner": "Donors"})
    assert response.status_code == 200
    assert listed(response) == DONORS


def test_the_tracker_counts_the_owners_and_statuses_of_the_donors_recommendations(client):
    response = client.get("/recommendations/", {"owner": "Donors"})
    counts = response.context["counts"]
    assert [(row["name"], row["count"]) for row in counts["owners"]] == [
        ("CBL Unit", 5), ("Donors", 5), ("Partner Governments", 3), ("UNIDO Management", 3)]
    assert counts["statuses"] == [{"name": "Open", "count": 5}]
    assert '>Partner Governments</a></td><td class="num">3</td>' in response.content.decode()


def test_the_tracker_filters_on_the_four_reports(client):
    assert len(listed(client.get("/recommendations/", {"evaluation": "seco-smac-2019"}))) == 3
    assert listed(client.get("/recommendations/", {"stance": "partially_agrees"})) == [("seco-smac-2019", 1)]
    assert len(listed(client.get("/recommendations/", {"stance": "none"}))) == 24 - 3
    assert len(listed(client.get("/recommendations/", {"status": "open", "owner": "ILO"}))) == 8
    assert listed(client.get("/recommendations/", {"status": "implemented"})) == []


def test_the_tracker_exports_the_donors_recommendations(client):
    rows = read_csv(client.get("/recommendations/", {"owner": "Donors", "format": "csv"}))
    assert list(rows[0]) == TRACKER_COLUMNS
    assert [(r["evaluation"], int(r["number"])) for r in rows] == DONORS
    assert all("Donors" in r["owners"].split("; ") for r in rows)
    response = client.get("/recommendations/", {"owner": "Donors", "status": "open", "format": "xlsx"})
    data, about = read_xlsx(response)
    assert [(row[0], row[1]) for row in data[1:]] == DONORS
    assert ("rows", 5) in [tuple(row[:2]) for row in about]


def test_the_recommendations_csv_holds_every_transcribed_recommendation(client):
    rows = read_csv(client.get("/recommendations/", {"format": "csv"}))
    assert len(rows) == 13 + 3 + 8
    seco = [r for r in rows if r["evaluation"] == "seco-smac-2019"]
    assert [r["management_response"] for r in seco] == ["Partially agrees", "Agrees", "Agrees"]
    assert "Donors" in next(r for r in rows if r["evaluation"] == "unido-cnd-2010" and r["number"] == "3")["owners"]
