"""Staff add, edit and delete findings with their criterion tags and quantitative evidence; every
write goes through findings.services, keeps history and refuses stale edits; transcribed findings
are read-only here; bad input is refused with a message and nothing written (issue 8, bug 8)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from findings.models import Finding, QuantitativeEvidence

from .builders import (
    cited,
    country,
    criterion,
    make_evaluation,
    make_evidence,
    make_finding,
    make_rating,
    make_recommendation,
    make_theme,
)
from .page_forms import filled_in

pytestmark = pytest.mark.django_db

EMPTY_EVIDENCE = {"evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0", "evidence-MIN_NUM_FORMS": "0",
                  "evidence-MAX_NUM_FORMS": "50"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def new_finding(evaluation, /, **fields):
    """The add form's data for a finding in `evaluation`, with one piece of evidence."""
    data = {"evaluation": evaluation.slug, "code": "F-new", "category": "challenge", "title": "Clusters stalled",
            "text": "Few clusters kept meeting after the project.", "evidence_kind": "survey",
            "criterion_sustainability": "named", "criterion_impact": "inferred", "countries": "pe, SN",
            **EMPTY_EVIDENCE, "evidence-TOTAL_FORMS": "1",
            "evidence-0-indicator": "Clusters still meeting", "evidence-0-value": "12", "evidence-0-unit": "%",
            "evidence-0-base": "clusters", "evidence-0-base_value": "40"}
    return data | fields


def edit_url(finding):
    return f"/findings/{finding.pk}/edit/"


def tags(finding):
    return {tag.criterion.code: tag.inferred for tag in finding.criterion_tags.select_related("criterion")}


# -- adding -----------------------------------------------------------------------------------------

def test_it_adds_a_finding_with_its_tags_themes_countries_and_evidence(sam):
    evaluation, theme = make_evaluation(), make_theme(name="Ownership")
    response = signed_in(sam).post("/findings/new/", new_finding(evaluation, themes=[str(theme.pk)]))

    finding = Finding.objects.get(evaluation=evaluation, code="F-new")
    assert response.status_code == 302 and response["Location"] == f"/findings/{finding.pk}/"
    assert (finding.title, finding.category, finding.evidence_kind, finding.source) == (
        "Clusters stalled", "challenge", "survey", None)
    assert tags(finding) == {"sustainability": False, "impact": True}
    assert list(finding.themes.all()) == [theme]
    assert {c.iso2 for c in finding.countries.all()} == {"PE", "SN"}
    evidence = finding.evidence.get()
    assert (evidence.indicator, evidence.value, evidence.unit, evidence.base, evidence.base_value) == (
        "Clusters still meeting", Decimal("12"), "%", "clusters", Decimal("40"))
    assert finding.version == 1 and finding.history.get().history_user == sam


def test_the_add_page_starts_from_the_evaluation_in_the_address(sam):
    evaluation = make_evaluation(slug="cluster-review", title="Cluster review")
    page = signed_in(sam).get("/findings/new/", {"evaluation": "cluster-review"})
    assert page.status_code == 200
    assert '<option value="cluster-review" selected>Cluster review' in page.content.decode()
    assert page.context["form"]["evaluation"].value() == evaluation.slug


@pytest.mark.parametrize("change, field, message", [
    ({"countries": "PE, XX"}, "countries", "No country has the ISO code “XX”"),
    ({"title": ""}, "title", "This field is required."),
    ({"title": "Nul\x00byte"}, None, "contains a NUL byte"),  # refused before the form (hostile_input)
    ({"evidence-0-value": "about forty"}, None, "Enter a number."),
    ({"evidence-0-unit": ""}, None, "This field is required."),
    ({"criterion_impact": "probably"}, "criterion_impact", "Select a valid choice."),
    ({"evaluation": "no-such-report"}, "evaluation", "Select a valid choice."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(sam, change, field, message):
    evaluation = make_evaluation()
    response = signed_in(sam).post("/findings/new/", new_finding(evaluation, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    if field:
        assert message in " ".join(response.context["form"].errors[field])
    assert not Finding.objects.filter(evaluation=evaluation).exists()
    assert not QuantitativeEvidence.objects.filter(indicator="Clusters still meeting").exists()


def test_a_code_already_used_in_the_evaluation_is_refused(sam):
    existing = make_finding(code="F-new")
    response = signed_in(sam).post("/findings/new/", new_finding(existing.evaluation))
    assert response.status_code == 400
    assert "Finding with this Evaluation and Code already exists." in response.content.decode()
    assert Finding.objects.filter(evaluation=existing.evaluation).count() == 1


def test_a_malformed_evidence_formset_is_refused(sam):
    evaluation = make_evaluation()
    data = new_finding(evaluation)
    del data["evidence-TOTAL_FORMS"]
    response = signed_in(sam).post("/findings/new/", data)
    assert response.status_code == 400
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    assert not Finding.objects.filter(evaluation=evaluation).exists()


# -- editing ----------------------------------------------------------------------------------------

def test_it_edits_the_finding_its_tags_and_its_evidence_in_one_change(sam):
    finding = make_finding(title="Old title")
    finding.criterion_tags.create(criterion=criterion("impact"), inferred=True)
    kept, dropped = make_evidence(finding=finding, indicator="Kept"), make_evidence(finding=finding, indicator="Gone")
    client = signed_in(sam)
    page = client.get(edit_url(finding))
    assert page.status_code == 200
    rows = {row.instance.indicator: row.prefix for row in page.context["evidence"].forms if row.instance.pk}
    blank = [row.prefix for row in page.context["evidence"].forms if not row.instance.pk][0]

    response = client.post(edit_url(finding), filled_in(page, "form", "evidence", **{
        "title": "New title", "criterion_impact": "named", "criterion_relevance": "inferred",
        "countries": "BO", "reason": "Checked against the annex",
        f"{rows['Kept']}-value": "44", f"{rows['Gone']}-DELETE": "on",
        f"{blank}-indicator": "Added", f"{blank}-value": "3", f"{blank}-unit": "firms"}))

    assert response.status_code == 302 and response["Location"] == f"/findings/{finding.pk}/"
    finding.refresh_from_db()
    assert finding.title == "New title" and finding.version == 2
    assert tags(finding) == {"impact": False, "relevance": True}
    assert [c.iso2 for c in finding.countries.all()] == ["BO"]
    assert {(e.indicator, e.value) for e in finding.evidence.all()} == {("Kept", Decimal("44")), ("Added", 3)}
    assert not QuantitativeEvidence.objects.filter(pk=dropped.pk).exists() and kept.pk
    latest = finding.history.latest()
    assert (latest.history_user, latest.history_change_reason, finding.history.count()) == (
        sam, "Checked against the annex", 2)


def test_saving_an_unchanged_form_changes_nothing(sam):
    finding = make_finding()
    make_evidence(finding=finding)
    client = signed_in(sam)
    page = client.get(edit_url(finding))
    assert client.post(edit_url(finding), filled_in(page, "form", "evidence")).status_code == 302
    finding.refresh_from_db()
    assert finding.version == 1 and finding.history.count() == 1


def test_a_stale_edit_is_refused_naming_what_changed_and_keeping_the_first_save(sam, ada):
    finding = make_finding(title="As entered")
    first, second = signed_in(ada), signed_in(sam)
    adas, sams = first.get(edit_url(finding)), second.get(edit_url(finding))
    assert first.post(edit_url(finding), filled_in(adas, "form", "evidence", title="Ada's title")).status_code == 302

    refused = second.post(edit_url(finding), filled_in(sams, "form", "evidence", title="Sam's title"))
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "Someone saved this finding after you opened the form, so your changes were not saved." in text
    assert "Title: you entered “Sam&#x27;s title”; it is now “Ada&#x27;s title” (changed by ada" in text
    finding.refresh_from_db()
    assert (finding.title, finding.version) == ("Ada's title", 2)

    again = second.post(edit_url(finding), filled_in(refused, "form", "evidence"))  # rebased: deliberate now
    assert again.status_code == 302
    finding.refresh_from_db()
    assert (finding.title, finding.version) == ("Sam's title", 3)


def test_a_change_of_evidence_alone_raises_the_version_so_a_stale_form_cannot_undo_it(sam, ada):
    finding = make_finding()
    first, second = signed_in(ada), signed_in(sam)
    adas, sams = first.get(edit_url(finding)), second.get(edit_url(finding))
    blank = adas.context["evidence"].forms[0].prefix
    added = filled_in(adas, "form", "evidence", **{f"{blank}-indicator": "Firms", f"{blank}-value": "3",
                                                    f"{blank}-unit": "firms"})
    assert first.post(edit_url(finding), added).status_code == 302
    finding.refresh_from_db()
    assert finding.version == 2 and finding.history.latest().history_change_reason == "Changed evidence"

    assert second.post(edit_url(finding), filled_in(sams, "form", "evidence", title="Other")).status_code == 409
    assert finding.evidence.get().indicator == "Firms"


def test_a_form_without_its_version_is_refused(sam):
    finding = make_finding(title="Kept")
    client = signed_in(sam)
    page = client.get(edit_url(finding))
    response = client.post(edit_url(finding), filled_in(page, "form", "evidence", title="Lost?", version=None))
    assert response.status_code == 400
    assert "does not say which version of this finding it was loaded from" in response.content.decode()
    finding.refresh_from_db()
    assert finding.title == "Kept"


def test_the_edit_page_runs_the_same_queries_whatever_the_evidence(sam):
    finding = make_finding(criteria=[criterion("impact")], countries=[country("PE")])
    make_evidence(finding=finding, indicator="Indicator 0")
    client = signed_in(sam)
    counts = []
    for more in (0, 4):
        for n in range(more):
            make_evidence(finding=finding, indicator=f"Indicator {len(counts)}-{n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(edit_url(finding)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- transcribed findings ---------------------------------------------------------------------------

def test_a_transcribed_finding_is_explained_not_offered_for_editing(sam):
    finding = make_finding(title="As printed", **cited(section="Chapter 3"))
    client = signed_in(sam)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "corrections go through its YAML file" in page and edit_url(finding) not in page

    for url in (edit_url(finding), f"/findings/{finding.pk}/delete/"):
        refused = client.get(url)
        assert refused.status_code == 403 and "form" not in refused.context
        assert f"This finding was transcribed from {finding.source.file_name}, Chapter 3" in refused.content.decode()
    assert client.post(edit_url(finding), {"title": "Changed", "version": "1"}).status_code == 403
    assert client.post(f"/findings/{finding.pk}/delete/").status_code == 403
    finding.refresh_from_db()
    assert finding.title == "As printed"


# -- deleting ---------------------------------------------------------------------------------------

def test_it_deletes_a_finding_with_its_evidence_and_keeps_its_history(sam):
    finding = make_finding()
    evidence = make_evidence(finding=finding)
    client = signed_in(sam)
    assert "Its quantitative evidence and criterion tags are deleted with it" in client.get(
        f"/findings/{finding.pk}/delete/").content.decode()
    response = client.post(f"/findings/{finding.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == finding.evaluation.get_absolute_url()
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert not QuantitativeEvidence.objects.filter(pk=evidence.pk).exists()
    assert Finding.history.get(id=finding.pk, history_type="-").history_user == sam


@pytest.mark.parametrize("link", ["rating", "recommendation"])
def test_a_finding_in_an_evidence_chain_is_not_deleted(sam, link):
    finding = make_finding()
    if link == "rating":
        make_rating().supporting_findings.add(finding)
    else:
        make_recommendation(findings=[finding])
    response = signed_in(sam).post(f"/findings/{finding.pk}/delete/")
    assert response.status_code == 409
    assert f"This finding is linked to 1 {link}; deleting it would break" in response.content.decode()
    assert Finding.objects.filter(pk=finding.pk).exists()


# -- who sees what ----------------------------------------------------------------------------------

def test_the_links_to_the_staff_pages_are_shown_only_to_those_who_may_use_them(sam, eve):
    finding = make_finding()
    evaluation_page, finding_page = finding.evaluation.get_absolute_url(), f"/findings/{finding.pk}/"
    staff = signed_in(sam)
    assert f'href="/findings/new/?evaluation={finding.evaluation.slug}"' in staff.get(evaluation_page).content.decode()
    assert edit_url(finding) in staff.get(finding_page).content.decode()
    for client in (signed_in(eve), Client()):
        assert "/findings/new/" not in client.get(evaluation_page).content.decode()
        assert edit_url(finding) not in client.get(finding_page).content.decode()


def test_an_evaluator_cannot_write_through_the_pages(eve):
    finding = make_finding(title="Kept")
    client = signed_in(eve)
    assert client.post("/findings/new/", new_finding(make_evaluation())).status_code == 403
    assert client.post(edit_url(finding), {"title": "Changed", "version": "1"}).status_code == 403
    assert client.post(f"/findings/{finding.pk}/delete/").status_code == 403
    finding.refresh_from_db()
    assert finding.title == "Kept"


def test_the_finding_page_shows_evidence_as_printed(client):
    finding = make_finding()
    make_evidence(finding=finding, value=Decimal("40"), unit="%", base="carpenters", base_value=Decimal("50"))
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert '<td class="num">40 %</td><td>50 carpenters</td>' in page and "4E+1" not in page
    assert "entered in EvalBase, not transcribed from a report" in page
