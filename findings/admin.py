from django import forms
from django.contrib import admin
from django.utils.text import Truncator

from accounts.history import HistoryAdmin
from evaluations.admin import evaluation_slug

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


class CriterionTagInline(admin.TabularInline):
    model = FindingCriterion
    fields = ["criterion", "inferred"]
    extra = 0
    verbose_name = "criterion tag"


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["code", "title", "category", evaluation_slug, "evidence_kind"]
    list_filter = ["evaluation", "category", "evidence_kind", "criteria", "themes"]
    search_fields = ["code", "title", "text"]
    list_select_related = ["evaluation"]
    filter_horizontal = ["themes", "countries"]
    inlines = [CriterionTagInline, QuantitativeEvidenceInline]


@admin.register(Lesson)
class LessonAdmin(HistoryAdmin):
    list_display = ["number", "title", evaluation_slug]
    list_filter = ["evaluation", "themes"]
    search_fields = ["title", "text"]
    list_select_related = ["evaluation"]
    filter_horizontal = ["criteria", "themes"]


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
