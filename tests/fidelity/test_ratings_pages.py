"""UNIDO Table 8 and SECO's ratings as the ratings pages, the comparison and the exports show them."""

import pytest

from ..builders import read_csv

pytestmark = pytest.mark.django_db


def test_the_ratings_csv_holds_every_transcribed_rating(client):
    rows = read_csv(client.get("/ratings/", {"format": "csv"}))
    impact_co = next(r for r in rows if r["subject"] == "Colombia" and r["criterion"] == "impact")
    assert (impact_co["raw_value"], impact_co["not_assessed"], impact_co["normalised_0_100"]) == ("0", "yes", "")
    assert len(rows) == 54 + 4
