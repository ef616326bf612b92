"""The report loader, on small fixture directories written for each test (tests/report_files.py).

Loading is all or nothing and repeatable; every file is checked against the schema before the
database is touched, and a refusal names the file, the record and the reason (issue 8, bugs 3 and 5).
"""

from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command

from evaluations.models import Evaluation, PublishedFigure
from findings.models import Finding, FindingCriterion, QuantitativeEvidence, Recommendation
from projects.models import Allotment, Project
from ratings.models import Rating
from reference.models import Organisation
from reports.loading import FixtureError

from . import report_files as files
from .report_files import DROP, FixtureDirectory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixtures(tmp_path):
    return FixtureDirectory(tmp_path / "fixtures")


def a_full_report():
    """One record of every section."""
    return files.report(
        evaluation=files.evaluation(participants=[files.participant()]),
        programmes=[files.programme()],
        allotments=[files.allotment(), files.allotment(line=2, number="TESTPE01002", project="TESTPE01001",
                                                       status="ongoing")],
        projects=[files.project()],
        criteria=[files.criterion()],
        rating_scales=[files.scale()],
        ratings=[files.rating(supported_by=["F01"])],
        themes=[files.theme()],
        findings=[files.finding(themes=["test-theme"], evidence=[files.evidence()])],
        lessons=[files.lesson(criteria=["test-design"])],
        conclusions=[files.conclusion()],
        recommendations=[files.recommendation(conclusion=1, response=files.response())],
        approach_comparisons=[files.comparison()],
        published_figures=[files.figure(notes=["test-note"])],
        data_quality_notes=[files.note()],
    )


def refusal(fixtures, content, name="test-report.yaml"):
    fixtures.write(content, name)
    with pytest.raises(FixtureError) as error:
        fixtures.load()
    return str(error.value)


# -- loading ------------------------------------------------------------------------------------


def test_it_loads_every_section_and_cites_every_record(fixtures):
    fixtures.write(a_full_report())
    summary = fixtures.load()
    assert (summary.files, summary.updated) == (3, 0)
    evaluation = Evaluation.objects.get(slug="test-evaluation")
    finding = Finding.objects.get(evaluation=evaluation, code="F01")
    assert finding.citation == "900_test_report.txt, Chapter 2, paragraph 3 (line 40)"
    evidence = QuantitativeEvidence.objects.get(finding=finding)
    assert (evidence.value, evidence.citation) == (Decimal("43"), finding.citation)  # the finding's citation
    project = Project.objects.get(number="TESTPE01001")
    assert (project.status, project.allotments.count()) == ("ongoing", 2)
    rating = Rating.objects.get(evaluation=evaluation)
    assert (rating.value, list(rating.supporting_findings.all())) == (Decimal("3"), [finding])
    recommendation = Recommendation.objects.get(evaluation=evaluation)
    assert recommendation.response.actions.get().citation == finding.citation
    assert evaluation.published_figures.get().notes.get().code == "test-note"


def test_loading_twice_changes_nothing(fixtures):
    fixtures.write(a_full_report())
    first = fixtures.load()
    again = fixtures.load()
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created + first.updated + first.unchanged


def test_a_changed_record_is_counted_once_as_updated(fixtures):
    fixtures.write(files.report(findings=[files.finding()]))
    fixtures.load()
    fixtures.write(files.report(findings=[files.finding(title="A better title")]))
    summary = fixtures.load()
    assert (summary.created, summary.updated) == (0, 1)
    assert Finding.objects.get(code="F01", evaluation__slug="test-evaluation").title == "A better title"


def test_a_bad_record_late_in_the_load_leaves_the_database_unchanged(fixtures):
    fixtures.write(files.report(findings=[files.finding()]))
    fixtures.load()
    # The finding changes early in the load; the figure, written last, names an unknown criterion.
    fixtures.write(files.report(findings=[files.finding(title="Changed")],
                                published_figures=[files.figure(measure="rating", criterion="test-unknown",
                                                                unit="score")]))
    with pytest.raises(FixtureError, match="published figure test-projects: unknown criterion code 'test-unknown'"):
        fixtures.load()
    assert Finding.objects.get(code="F01", evaluation__slug="test-evaluation").title == "Finding F01"
    assert not PublishedFigure.objects.filter(key="test-projects").exists()


def test_a_rule_of_the_database_stops_the_load_with_the_record(fixtures):
    fixtures.write(files.report(programmes=[files.programme()], allotments=[files.allotment(allotment="-5")]))
    with pytest.raises(FixtureError, match="test-report.yaml allotment row 1: amount: Money cannot be negative"):
        fixtures.load()
    assert not Allotment.objects.filter(number="TESTPE01001").exists()


def test_a_report_may_span_files_that_name_its_evaluation(fixtures):
    fixtures.write(files.report(themes=[files.theme()]), "test-evaluation/10-evaluation.yaml")
    fixtures.write({"evaluation": "test-evaluation", "themes": [files.theme()],
                    "findings": [files.finding(themes=["test-theme"])]}, "test-evaluation/20-findings.yaml")
    summary = fixtures.load()
    assert summary.files == 4
    assert Finding.objects.get(evaluation__slug="test-evaluation").themes.get().slug == "test-theme"


def test_a_unit_may_come_before_its_parent(fixtures):
    fixtures.write(files.report(organisations=[files.organisation("test-unit", kind="unit", parent="test-agency"),
                                               files.organisation()]))
    fixtures.load()
    assert Organisation.objects.get(slug="test-unit").parent.slug == "test-agency"


def test_an_inferred_criterion_is_kept_as_inferred_and_shown_so(fixtures, client):
    fixtures.write(files.report(findings=[files.finding(inferred_criteria=["effectiveness"])]))
    fixtures.load()
    tag = FindingCriterion.objects.get(finding__evaluation__slug="test-evaluation", inferred=True)
    assert tag.criterion.code == "effectiveness"
    page = client.get(tag.finding.get_absolute_url()).content.decode()
    assert "Effectiveness <span" in page and "(inferred)" in page


def test_changing_only_a_finding_s_criteria_counts_it_as_updated(fixtures):
    fixtures.write(files.report(findings=[files.finding()]))
    fixtures.load()
    fixtures.write(files.report(findings=[files.finding(inferred_criteria=["effectiveness"])]))
    summary = fixtures.load()
    assert (summary.created, summary.updated) == (0, 1)


def test_the_load_command_reports_the_summary_or_what_stopped_it(fixtures):
    fixtures.write(files.report(findings=[files.finding()]))
    call_command("load_reports", fixtures=str(fixtures.root))
    fixtures.write(files.report(findings=[files.finding(colour="red")]))
    with pytest.raises(CommandError, match="Nothing was loaded. test-report.yaml finding F01: unknown key `colour`"):
        call_command("load_reports", fixtures=str(fixtures.root))


# -- the schema: unknown, missing and wrong keys ----------------------------------------------------


@pytest.mark.parametrize("sections, message", [
    ({"findings": [files.finding(colour="red")]},
     "test-report.yaml finding F01: unknown key `colour` (allowed: code, category, title"),
    ({"findings": [files.finding(title=DROP)]}, "test-report.yaml finding F01: missing key `title`"),
    ({"findings": [files.finding(source=DROP)]}, "test-report.yaml finding F01: missing key `source`"),
    ({"findings": [files.finding(code=DROP)]}, "test-report.yaml finding #1: missing key `code`"),
    ({"lessons": [files.lesson(number="one")]},
     "test-report.yaml lesson one: `number` must be a whole number, not text ('one')"),
    ({"findings": [files.finding(category="insight")]},
     "test-report.yaml finding F01: `category` 'insight' is not one of: finding, success_factor, challenge"),
    ({"findings": [files.finding(evidence=[files.evidence(value=43.5)])]},
     "finding F01: `evidence[0].value` must be written in quotes ('43.5')"),
    ({"findings": [files.finding(evidence=[files.evidence(colour="red")])]},
     "finding F01: `evidence[0]`: unknown key `colour`"),
    ({"findings": [files.finding(criteria="relevance")]}, "finding F01: `criteria` must be a list, not text"),
    ({"findings": [files.finding(source={"locator": "paragraph 1"})]},
     "finding F01: `source`: missing key `section`"),
    ({"ratings": [files.rating(subject={"country": "PE", "programme": "test-programme"})]},
     "rating country PE programme test-programme / relevance: `subject`: needs exactly one of project, country"),
    ({"evaluation": files.evaluation(date="21 April 2010")}, "evaluation test-evaluation: `date` must be a date"),
    ({"findings": files.finding()}, "test-report.yaml: `findings` must be a list of records"),
    ({"finding": [files.finding()]}, "test-report.yaml: unknown section `finding`"),
    ({"findings": [files.finding(), files.finding(title="Again")]},
     "finding F01: repeats the code of test-report.yaml finding F01; each finding must be given once"),
    ({"findings": [files.finding(evidence=[files.evidence(), files.evidence(value="44")])]},
     "evidence 'Carpenters reporting higher sales': repeats the indicator"),
])
def test_a_record_that_breaks_the_schema_is_refused_with_file_record_and_reason(fixtures, sections, message):
    assert message in refusal(fixtures, files.report(**sections))


def test_a_country_code_yaml_reads_as_false_is_refused_with_how_to_write_it(fixtures):
    text = yaml.safe_dump(files.report(), sort_keys=False).replace("- PE", "- NO")
    assert refusal(fixtures, text) == (
        "test-report.yaml evaluation test-evaluation: `countries[0]` reads as false: YAML takes a bare NO, YES, ON "
        "or OFF for true/false; write it in quotes ('NO')")


def test_a_shared_record_may_recur_only_the_same_way(fixtures):
    fixtures.write(files.report(themes=[files.theme()]), "test-evaluation/10-evaluation.yaml")
    second = {"evaluation": "test-evaluation", "themes": [files.theme(name="Another name")]}
    assert refusal(fixtures, second, "test-evaluation/20-findings.yaml") == (
        "20-findings.yaml theme test-theme: differs from 10-evaluation.yaml theme test-theme in `name`; "
        "a theme given twice must be given the same way")


@pytest.mark.parametrize("content, message", [
    ("findings: [unclosed", "test-report.yaml: not valid YAML"),
    ("- a list", "test-report.yaml: expected a mapping of sections"),
    ({"findings": []}, "test-report.yaml: needs `evaluation:`"),
    ({"evaluation": files.evaluation()}, "test-report.yaml: the file that defines an evaluation needs `document:`"),
    ({"evaluation": "test-elsewhere"}, "test-report.yaml: evaluation test-elsewhere is never defined"),
])
def test_a_file_that_is_not_a_report_is_refused(fixtures, content, message):
    assert message in refusal(fixtures, content)


def test_an_evaluation_defined_twice_is_refused(fixtures):
    fixtures.write(files.report(), "a.yaml")
    assert refusal(fixtures, files.report(), "b.yaml") == "b.yaml: evaluation test-evaluation is defined twice"


@pytest.mark.parametrize("sections, message", [
    ({"evaluation": files.evaluation(countries=["XX"])}, "unknown country code 'XX' (use ISO 3166 alpha-2)"),
    ({"evaluation": files.evaluation(commissioner="test-nobody")}, "unknown organisation slug 'test-nobody'"),
    ({"findings": [files.finding(criteria=["test-nothing"])]}, "finding F01: unknown criterion code 'test-nothing'"),
    ({"organisations": [files.organisation(), files.organisation("test-unit", parent="test-nobody")]},
     "organisation test-unit: unknown parent organisation 'test-nobody'"),
    ({"findings": [files.finding(criteria=["relevance"], inferred_criteria=["relevance"])]},
     "finding F01: a criterion is both in `criteria` and in `inferred_criteria`"),
])
def test_a_reference_to_nothing_is_refused(fixtures, sections, message):
    assert message in refusal(fixtures, files.report(**sections))


# -- bug 5: text longer than its field is refused, never cut ----------------------------------------


@pytest.mark.parametrize("sections, message", [
    ({"findings": [files.finding(title="t" * 301)]},
     "test-report.yaml finding F01: `title` is 301 characters long; at most 300 fit"),
    ({"lessons": [files.lesson(title="t" * 301)]}, "lesson 1: `title` is 301 characters long; at most 300 fit"),
    ({"data_quality_notes": [files.note(title="t" * 301)]},
     "data-quality note test-note: `title` is 301 characters long; at most 300 fit"),
    ({"findings": [files.finding(evidence=[files.evidence(indicator="i" * 301)])]},
     "finding F01: `evidence[0].indicator` is 301 characters long; at most 300 fit"),
    ({"findings": [files.finding(source=files.source(section="s" * 201))]},
     "finding F01: `source.section` is 201 characters long; at most 200 fit"),
    ({"findings": [files.finding(source=files.source(locator="l" * 301))]},
     "finding F01: `source.locator` is 301 characters long; at most 300 fit"),
])
def test_text_longer_than_its_field_is_refused_not_cut(fixtures, sections, message):
    assert message in refusal(fixtures, files.report(**sections))
    assert not Evaluation.objects.filter(slug="test-evaluation").exists()


def test_text_as_long_as_its_field_is_kept_whole(fixtures):
    fixtures.write(files.report(findings=[files.finding(title="t" * 300, source=files.source(section="s" * 200))]))
    fixtures.load()
    finding = Finding.objects.get(evaluation__slug="test-evaluation")
    assert (len(finding.title), len(finding.source_section)) == (300, 200)


# -- bug 3: a published figure's vocabularies are closed --------------------------------------------


@pytest.mark.parametrize("key, value", [("dimension", "regoin"), ("measure", "projcts")])
def test_an_unknown_figure_vocabulary_is_refused_before_the_database_is_touched(
        fixtures, django_assert_num_queries, key, value):
    fixtures.write(files.report(published_figures=[files.figure(**{key: value})]))
    with django_assert_num_queries(0), pytest.raises(FixtureError) as error:
        fixtures.load()
    allowed = {"dimension": "status, region, approach, type, country, year (or leave it out: the whole portfolio)",
               "measure": "projects, allotments, allotment_usd"}[key]
    assert str(error.value).startswith(
        f"test-report.yaml published figure test-projects: `{key}` {value!r} is not one of: {allowed}")


def test_a_figure_of_the_whole_portfolio_leaves_out_its_dimension(fixtures):
    fixtures.write(files.report(published_figures=[files.figure(dimension=DROP)]))
    fixtures.load()
    assert PublishedFigure.objects.get(key="test-projects", evaluation__slug="test-evaluation").dimension == ""
