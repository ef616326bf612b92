"""`generate_demo_data` makes a synthetic portfolio that reconciles, stays apart from the reports,
and goes with one command."""

import io

import pytest
from django.core.management import CommandError, call_command

from evaluations.models import Evaluation
from projects.models import Project
from ratings.models import Rating
from reports.reconciliation import reconcile

from .builders import make_project

pytestmark = pytest.mark.django_db


def generate(projects=60):
    out = io.StringIO()
    call_command("generate_demo_data", "--projects", str(projects), "--quiet", stdout=out)
    return out.getvalue()


def test_it_makes_a_synthetic_portfolio_with_its_evidence():
    assert "60 projects" in generate()
    synthetic = Project.objects.filter(programme__organisation__slug__startswith="synthetic-")
    assert synthetic.count() == 60
    assert all(p.title.startswith("Synthetic") and not p.source_id for p in synthetic)
    assert {p.allotment_count for p in synthetic} <= {1, 2, 3, 4}
    assert Rating.objects.filter(project__in=synthetic).exists()
    assert Evaluation.objects.filter(slug__startswith="synthetic-").exclude(findings=None).exists()


def test_its_published_figures_reconcile():
    generate()
    results = reconcile(figures=None)
    synthetic = [r for r in results if r.figure.evaluation.slug.startswith("synthetic-")]
    assert synthetic and all(r.status == "match" for r in synthetic)


def test_the_same_seed_makes_the_same_data():
    generate()
    first = list(Project.objects.filter(number__startswith="SYN").values_list("number", "allotment_total"))
    call_command("generate_demo_data", "--remove", stdout=io.StringIO())
    generate()
    assert list(Project.objects.filter(number__startswith="SYN").values_list("number", "allotment_total")) == first


def test_it_refuses_to_mix_two_runs_and_removes_only_what_it_made():
    mine = make_project(number="KEEP0001")
    generate()
    with pytest.raises(CommandError, match="already there"):
        generate()
    out = io.StringIO()
    call_command("generate_demo_data", "--remove", stdout=out)
    assert "Removed the synthetic data" in out.getvalue()
    assert not Project.objects.filter(number__startswith="SYN").exists()
    assert not Evaluation.objects.filter(slug__startswith="synthetic-").exists()
    assert Project.objects.filter(pk=mine.pk).exists()
