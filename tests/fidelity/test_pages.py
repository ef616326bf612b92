"""The four reports as the overview pages and their exports show them: the evaluations, the
reconciliation of published figures, and the evidence chain of a rating."""

import pytest

from ratings.models import Rating

from ..builders import read_csv

pytestmark = pytest.mark.django_db


def test_the_evaluations_csv_lists_the_four_reports(client):
    rows = read_csv(client.get("/evaluations/", {"format": "csv"}))
    assert sorted(r["slug"] for r in rows) == ["ilo-peru-forestry-2021", "ilo-vcd-2011", "seco-smac-2019",
                                               "unido-cnd-2010"]


def test_the_reconciliation_shows_table_8s_impact_average_both_ways(client):
    page = client.get("/reconciliation/")
    assert page.status_code == 200 and b"mismatch" in page.content
    rows = read_csv(client.get("/reconciliation/", {"format": "csv"}))
    impact = next(r for r in rows if r["key"] == "t8-impact-average")
    assert (impact["published"], impact["recomputed"], impact["alternative_value"]) == ("0.33", "0.33", "3.00")


def test_the_evidence_chain_from_a_seco_rating_to_its_source(client):
    rating = Rating.objects.filter(evaluation__slug="seco-smac-2019", supporting_findings__isnull=False).first()
    finding = rating.supporting_findings.first()
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "Supports rating" in page and "002_758aaa265197b92c.txt" in page
