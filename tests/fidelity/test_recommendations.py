"""Recommendations per report, with responsibility owners and management responses."""

import pytest

from findings.models import Finding, Lesson, ManagementResponse, QuantitativeEvidence, Recommendation

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
