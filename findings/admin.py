"""Findings, lessons and conclusions in the Django admin.

Every write to a finding (with its criterion tags and evidence) or a lesson goes through
findings.services, as on the staff pages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.text import Truncator

from accounts.history import HistoryAdmin
from evalbase.lib.versioning import VersionedModelForm
from evaluations.admin import evaluation_slug

from . import services
from .models import (
    ApproachComparison,
    Conclusion,
    Finding,
    FindingCriterion,
    Lesson,
    QuantitativeEvidence,
)


def excerpt(text, words=20):
    return Truncator(text).words(words)


class InEvaluationChoiceField(forms.ModelChoiceField):
    """Conclusions and recommendations are numbered per evaluation: a choice names the evaluation."""

    def label_from_instance(self, record):
        return f"{record.evaluation.slug}: {record}"


class QuantitativeEvidenceInline(admin.TabularInline):
    model = QuantitativeEvidence
    fields = ["indicator", "value", "unit", "base", "base_value", "source", "source_section", "source_locator"]
    extra = 0

    # The inlines of a transcribed finding are read-only, as the finding is.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _transcribed(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _transcribed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _transcribed(obj)


class CriterionTagInline(QuantitativeEvidenceInline):
    model = FindingCriterion
    fields = ["criterion", "inferred"]
    verbose_name = "criterion tag"


def _transcribed(record):
    return record is not None and bool(record.source_id)


class FindingForm(VersionedModelForm):
    class Meta:
        model = Finding
        exclude = ["version"]

    def changes(self):
        """The finding's own fields, for services.update_finding (its links go separately)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in ("version", "themes", "countries")}


class ThroughServicesAdmin(HistoryAdmin):
    """An admin whose every write goes through findings.services, as on the staff pages.

    A transcribed record is read-only and cannot be deleted here: corrections go through the fixtures.
    """

    service_delete = None  # the service's delete function
    m2m_fields = []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        match = request.resolver_match
        restoring = bool(match and match.url_name.endswith("_simple_history"))
        return type(form.__name__, (form,), {"restoring": restoring})

    def get_readonly_fields(self, request, obj=None):
        if _transcribed(obj):
            return [field.name for field in self.model._meta.fields] + self.m2m_fields
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _transcribed(obj)

    def links(self, form):
        """The many-to-many links the form holds (None for a read-only one: left as they are)."""
        return {name: form.cleaned_data.get(name) for name in self.m2m_fields}

    def delete_model(self, request, obj):
        type(self).service_delete(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        refused = []
        for record in queryset:
            try:
                type(self).service_delete(record, user=request.user)
            except ValidationError as refusal:
                refused.append(f"{record}: {' '.join(refusal.messages)}")
        for reason in refused:
            self.message_user(request, f"Kept {reason}", messages.WARNING)


@admin.register(Finding)
class FindingAdmin(ThroughServicesAdmin):
    """A finding with its criterion tags and evidence (the inlines), written by one service call.

    The change page saves in save_related(), where the admin hands over the form and the inlines
    together; the revert page (django-simple-history) has no inlines and saves in save_model().
    """

    form = FindingForm
    list_display = ["code", "title", "category", evaluation_slug, "evidence_kind"]
    list_filter = ["evaluation", "category", "evidence_kind", "criteria", "themes"]
    search_fields = ["code", "title", "text"]
    list_select_related = ["evaluation"]
    filter_horizontal = ["themes", "countries"]
    inlines = [CriterionTagInline, QuantitativeEvidenceInline]
    service_delete = services.delete_finding
    m2m_fields = ["themes", "countries"]

    def save_model(self, request, obj, form, change):
        if form.restoring:
            stored = services.update_finding(obj, version=form.cleaned_data["version"], changes=form.changes(),
                                             **self.links(form), user=request.user,
                                             reason=f"Reverted to version {obj.version}")
            obj.version = stored.version

    def save_related(self, request, form, formsets, change):
        tags, evidence = _inline_records(formsets) if not _transcribed(form.instance) else (None, None)
        if not change:
            services.create_finding(form.instance, criteria=tags, evidence=evidence, **self.links(form),
                                    user=request.user)
            return
        stored = services.update_finding(form.instance, version=form.cleaned_data["version"], changes=form.changes(),
                                         criteria=tags, evidence=evidence, **self.links(form), user=request.user)
        form.instance.version = stored.version

    def delete_view(self, request, object_id, extra_context=None):
        finding = self.get_object(request, unquote(object_id))
        if finding is not None and (refusal := services.deletion_refusal(finding)):
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:findings_finding_change", finding.pk)
        return super().delete_view(request, object_id, extra_context)


def _inline_records(formsets):
    """The criterion tags ({criterion: inferred}) and the evidence the inlines hold, for findings.services.

    Nothing is saved by the formsets themselves; what they would have reported is set for the
    admin's change message.
    """
    tags, evidence = {}, []
    for formset in formsets:
        kept = [form for form in formset.forms
                if form not in formset.deleted_forms and (form.instance.pk or form.has_changed())]
        if formset.model is FindingCriterion:
            tags = {form.cleaned_data["criterion"]: form.cleaned_data["inferred"] for form in kept}
        else:
            evidence = [form.instance for form in kept]
        formset.new_objects = [form.instance for form in kept if not form.instance.pk]
        formset.changed_objects = [(form.instance, form.changed_data) for form in kept
                                   if form.instance.pk and form.has_changed()]
        formset.deleted_objects = [form.instance for form in formset.deleted_forms if form.instance.pk]
    return tags, evidence


class LessonForm(VersionedModelForm):
    class Meta:
        model = Lesson
        exclude = ["version"]

    def changes(self):
        return {name: value for name, value in self.cleaned_data.items()
                if name not in ("version", "criteria", "themes")}


@admin.register(Lesson)
class LessonAdmin(ThroughServicesAdmin):
    form = LessonForm
    list_display = ["number", "title", evaluation_slug]
    list_filter = ["evaluation", "themes"]
    search_fields = ["title", "text"]
    list_select_related = ["evaluation"]
    filter_horizontal = ["criteria", "themes"]
    service_delete = services.delete_lesson
    m2m_fields = ["criteria", "themes"]

    def save_model(self, request, obj, form, change):
        if not change:
            services.create_lesson(obj, **self.links(form), user=request.user)
            return
        reason = f"Reverted to version {obj.version}" if form.restoring else ""
        stored = services.update_lesson(obj, version=form.cleaned_data["version"], changes=form.changes(),
                                        **self.links(form), user=request.user, reason=reason)
        obj.version = stored.version

    def save_related(self, request, form, formsets, change):
        # The links were saved with the lesson, by the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = [evaluation_slug, "number", "short_text"]
    list_filter = ["evaluation"]
    search_fields = ["text"]
    list_select_related = ["evaluation"]
    autocomplete_fields = ["findings"]

    @admin.display(description="text")
    def short_text(self, conclusion):
        return excerpt(conclusion.text)


@admin.register(ApproachComparison)
class ApproachComparisonAdmin(admin.ModelAdmin):
    list_display = ["aspect", "organisation", evaluation_slug]
    list_filter = ["evaluation", "organisation"]
    search_fields = ["aspect", "text"]
    list_select_related = ["organisation", "evaluation"]
