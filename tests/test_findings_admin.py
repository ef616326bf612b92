"""Findings, their inlines and lessons in the Django admin: every write through findings.services,
as on the staff pages, so versions, history and the read-only rule for transcribed records hold there too."""

from decimal import Decimal

import pytest
from django.test import Client

from findings.models import Finding, Lesson, QuantitativeEvidence

from .builders import admin_form_data, cited, criterion, make_evidence, make_finding, make_lesson, make_rating
from .page_forms import filled_in

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(record):
    return f"/admin/findings/{record._meta.model_name}/{record.pk}/change/"


def inline_prefix(response, model):
    return next(inline.formset.prefix for inline in response.context["inline_admin_formsets"]
                if inline.formset.model._meta.model_name == model)


def test_a_change_with_its_inlines_is_one_versioned_change_by_the_admin(ada):
    finding = make_finding(title="Old")
    evidence = make_evidence(finding=finding, value=Decimal("43"))
    client = signed_in(ada)
    page = client.get(change_url(finding))
    tags, rows = inline_prefix(page, "findingcriterion"), inline_prefix(page, "quantitativeevidence")
    data = admin_form_data(page) | {
        "title": "New", f"{tags}-TOTAL_FORMS": "1", f"{tags}-0-criterion": str(criterion("impact").pk),
        f"{tags}-0-inferred": "on", f"{rows}-0-value": "44"}
    response = client.post(change_url(finding), data)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.title, finding.version, finding.history.count()) == ("New", 2, 2)
    assert [(t.criterion.code, t.inferred) for t in finding.criterion_tags.all()] == [("impact", True)]
    assert QuantitativeEvidence.objects.get(pk=evidence.pk).value == Decimal("44")
    assert finding.history.latest().history_user == ada


def test_a_finding_added_in_the_admin_gets_its_inlines_through_the_service(ada):
    model = make_finding()
    client = signed_in(ada)
    page = client.get("/admin/findings/finding/add/")
    rows = inline_prefix(page, "quantitativeevidence")
    data = admin_form_data(page) | {
        "evaluation": str(model.evaluation.pk), "code": "A1", "title": "Added", "text": "Text.",
        "category": "finding", "evidence_kind": "survey", f"{rows}-TOTAL_FORMS": "1",
        f"{rows}-0-indicator": "Firms", f"{rows}-0-value": "3", f"{rows}-0-unit": "firms"}
    assert client.post("/admin/findings/finding/add/", data).status_code == 302
    added = Finding.objects.get(evaluation=model.evaluation, code="A1")
    assert (added.version, added.evidence.get().indicator, added.history.get().history_user) == (1, "Firms", ada)


def test_a_staff_form_opened_before_an_admin_change_is_refused(ada, sam):
    finding = make_finding(title="Old")
    staff = signed_in(sam)
    opened = staff.get(f"/findings/{finding.pk}/edit/")
    admin = signed_in(ada)
    assert admin.post(change_url(finding), admin_form_data(admin.get(change_url(finding))) | {
        "title": "Admin's"}).status_code == 302
    refused = staff.post(f"/findings/{finding.pk}/edit/", filled_in(opened, "form", "evidence", title="Sam's"))
    assert refused.status_code == 409
    finding.refresh_from_db()
    assert finding.title == "Admin's"


def test_a_stale_admin_form_is_refused(ada, sam):
    finding = make_finding(title="Old")
    admin = signed_in(ada)
    loaded = admin_form_data(admin.get(change_url(finding)))
    staff = signed_in(sam)
    page = staff.get(f"/findings/{finding.pk}/edit/")
    saved = staff.post(f"/findings/{finding.pk}/edit/", filled_in(page, "form", "evidence", title="Sam's"))
    assert saved.status_code == 302
    refused = admin.post(change_url(finding), loaded | {"title": "Admin's"})
    assert refused.status_code == 200
    assert "Someone saved this finding after you opened the form" in refused.content.decode()
    finding.refresh_from_db()
    assert finding.title == "Sam's"


def test_a_transcribed_finding_is_read_only_in_the_admin(ada):
    finding = make_finding(title="As printed", **cited())
    make_evidence(finding=finding, value=Decimal("43"))
    client = signed_in(ada)
    page = client.get(change_url(finding))
    assert "title" not in page.context["adminform"].form.fields
    assert not page.context["has_delete_permission"]
    client.post(change_url(finding), admin_form_data(page) | {"title": "Changed"})
    finding.refresh_from_db()
    assert (finding.title, finding.version, finding.evidence.get().value) == ("As printed", 1, Decimal("43"))
    assert client.post(f"/admin/findings/finding/{finding.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_the_admin_deletes_through_the_service_and_refuses_a_finding_in_an_evidence_chain(ada):
    free, linked = make_finding(), make_finding()
    make_rating().supporting_findings.add(linked)
    client = signed_in(ada)
    assert client.post(f"/admin/findings/finding/{free.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Finding.history.get(id=free.pk, history_type="-").history_user == ada

    refused = client.post(f"/admin/findings/finding/{linked.pk}/delete/", {"post": "yes"}, follow=True)
    assert "This finding is linked to 1 rating" in refused.content.decode()
    assert Finding.objects.filter(pk=linked.pk).exists()


def test_the_bulk_delete_keeps_linked_findings_and_refuses_a_selection_with_a_transcribed_one(ada):
    free, transcribed, linked = make_finding(), make_finding(**cited()), make_finding()
    make_rating().supporting_findings.add(linked)
    client = signed_in(ada)

    def bulk_delete(*findings, **confirm):
        return client.post("/admin/findings/finding/", {
            "action": "delete_selected", "_selected_action": [str(f.pk) for f in findings], **confirm}, follow=True)

    assert "<title>Cannot delete findings" in bulk_delete(free, transcribed).content.decode()
    assert bulk_delete(free, transcribed, post="yes").status_code == 403
    assert Finding.objects.filter(pk=free.pk).exists()

    response = bulk_delete(free, linked, post="yes")
    assert f"Kept {linked}: This finding is linked to 1 rating" in response.content.decode()
    assert not Finding.objects.filter(pk=free.pk).exists() and Finding.objects.filter(pk=linked.pk).exists()


def test_a_lesson_changed_or_reverted_in_the_admin_goes_through_the_service(ada):
    lesson = make_lesson(title="First")
    client = signed_in(ada)
    assert client.post(change_url(lesson), admin_form_data(client.get(change_url(lesson))) | {
        "title": "Second"}).status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("Second", 2)

    first = lesson.history.earliest()
    revert_url = f"/admin/findings/lesson/{lesson.pk}/history/{first.history_id}/"
    assert client.post(revert_url, admin_form_data(client.get(revert_url))).status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("First", 3)
    assert lesson.history.latest().history_change_reason == "Reverted to version 1"
    assert Lesson.history.filter(id=lesson.pk).count() == 3
