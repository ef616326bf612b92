"""Recommendations, their owners, management responses and actions in the Django admin.

Every change to a recommendation's follow-up goes through follow_up.services, as on the follow-up page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.history import HistoryAdmin
from evalbase.lib.admin import TranscribedReadOnly
from evalbase.lib.versioning import VersionedModelForm
from evaluations.admin import evaluation_slug
from findings.admin import InEvaluationChoiceField, excerpt
from findings.models import (
    Action,
    Conclusion,
    ManagementResponse,
    Recommendation,
    ResponsibilityOwner,
)

from . import services
from .forms import REASON_MAX_LENGTH
from .services import check_update


class ResponseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, response):
        return f"{response.recommendation.evaluation.slug}: {response.recommendation} ({response})"


class OverdueFilter(admin.SimpleListFilter):
    """Open or in progress with a due date in the past (Recommendation.objects.overdue())."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=Recommendation.objects.overdue().values("pk"))
        return queryset


class ManagementResponseInline(TranscribedReadOnly, admin.StackedInline):
    model = ManagementResponse
    extra = 0
    max_num = 1
    autocomplete_fields = ["responder"]
    show_change_link = True  # its actions are edited on the response's own page


class RecommendationForm(VersionedModelForm):
    """The admin's recommendation form, under the rules of follow_up.services.

    A form loaded at a version someone has since saved past is refused, naming what changed; a
    status change follows the workflow (only an Admin may reopen a final status, giving the reason).
    `user` and `restoring` are set by RecommendationAdmin.get_form().
    """

    change_reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, label="Reason for the change",
        help_text="Kept in the history; needed to reopen an implemented or not accepted recommendation.",
    )
    user = None

    class Meta:
        model = Recommendation
        exclude = ["version"]

    def clean(self):
        cleaned = super().clean()
        if self.current is not None and "status" in cleaned:
            check_update(current=self.current, changes={"status": cleaned["status"]}, user=self.user,
                         reason=cleaned.get("change_reason") or "", restoring=self.restoring)
        return cleaned

    def changes(self):
        """The recommendation's own fields and its links, as `update_recommendation` takes them."""
        m2m = {name: self.cleaned_data[name] for name in M2M_FIELDS if name in self.cleaned_data}
        values = {name: value for name, value in self.cleaned_data.items()
                  if name not in (*M2M_FIELDS, "version", "change_reason")}
        return values, m2m


M2M_FIELDS = ("owners", "findings", "themes")


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    form = RecommendationForm
    list_display = [evaluation_slug, "number", "short_text", "owner_names", "response_stance", "status", "due_date"]
    list_display_links = ["number"]
    list_filter = ["evaluation", "owners", "response__stance", "status", OverdueFilter]
    search_fields = ["text"]
    list_select_related = ["evaluation", "response"]
    autocomplete_fields = ["findings"]
    filter_horizontal = ["owners", "themes"]
    inlines = [ManagementResponseInline]
    actions = ["mark_in_progress", "mark_not_accepted"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("owners")

    def get_readonly_fields(self, request, obj=None):
        # A transcribed recommendation says what its report says; its follow-up is EvalBase's own.
        return services.TRANSCRIBED_FIELDS if obj is not None and obj.source_id else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        match = request.resolver_match
        restoring = bool(match and match.url_name == "findings_recommendation_simple_history")
        return type(form.__name__, (form,), {"user": request.user, "restoring": restoring})

    def save_model(self, request, obj, form, change):
        """Every write goes through follow_up.services, as on the follow-up page."""
        values, m2m = form.changes()
        if not change:
            services.create_recommendation(obj, m2m=m2m, user=request.user)
        elif form.restoring:
            stored = services.restore_recommendation(obj, version=form.cleaned_data["version"], changes=values,
                                                     m2m=m2m, user=request.user, restored_version=obj.version)
            obj.version = stored.version
        else:
            stored = services.update_recommendation(obj, version=form.cleaned_data["version"], changes=values,
                                                    m2m=m2m, user=request.user,
                                                    reason=form.cleaned_data["change_reason"])
            obj.version = stored.version

    def save_related(self, request, form, formsets, change):
        # The links were saved with the recommendation, by the service; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The version check locks the row (select_for_update) until the revert is saved.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "conclusion":
            kwargs["form_class"] = InEvaluationChoiceField
            kwargs["queryset"] = Conclusion.objects.select_related("evaluation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="text")
    def short_text(self, recommendation):
        return excerpt(recommendation.text)

    @admin.display(description="owners")
    def owner_names(self, recommendation):
        return ", ".join(owner.name for owner in recommendation.owners.all())

    @admin.display(description="response", ordering="response__stance")
    def response_stance(self, recommendation):
        response = getattr(recommendation, "response", None)
        return response.get_stance_display() if response else "–"

    @admin.action(description="Mark selected as in progress", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self.set_status(request, queryset, Recommendation.Status.IN_PROGRESS)

    @admin.action(description="Mark selected as not accepted", permissions=["change"])
    def mark_not_accepted(self, request, queryset):
        self.set_status(request, queryset, Recommendation.Status.NOT_ACCEPTED)

    @transaction.atomic
    def set_status(self, request, queryset, status):
        """Each recommendation through update_recommendation, so each change is checked and in its history.

        A move the workflow refuses (from a final status, say) leaves that recommendation as it is;
        reopening needs a reason, given on the change page.
        """
        changed, refused = 0, []
        chosen = queryset.select_related("evaluation").exclude(status=status)
        for recommendation in chosen:
            try:
                services.update_recommendation(recommendation, version=recommendation.version,
                                               changes={"status": status}, user=request.user)
            except ValidationError:
                refused.append(recommendation)
                continue
            self.log_change(request, recommendation, [{"changed": {"fields": ["Status"]}}])
            changed += 1
        label = Recommendation.Status(status).label.lower()
        self.message_user(request, f"{changed} recommendation(s) marked {label}.", messages.SUCCESS)
        if refused:
            names = ", ".join(f"{r.evaluation.slug}: {r} ({r.get_status_display().lower()})" for r in refused)
            self.message_user(request, f"Not changed, as their status cannot go to “{label}”: {names}. "
                                       "A final status is reopened on the recommendation's page, with a reason.",
                              messages.WARNING)


class ActionInline(TranscribedReadOnly, admin.StackedInline):
    model = Action
    fields = ["description", "status", ("source", "source_section", "source_locator")]
    extra = 0


@admin.register(ManagementResponse)
class ManagementResponseAdmin(TranscribedReadOnly, HistoryAdmin):
    list_display = ["recommendation_label", "stance", "responder", "date"]
    list_filter = ["stance", "recommendation__evaluation"]
    search_fields = ["text", "recommendation__text"]
    list_select_related = ["recommendation__evaluation", "responder"]
    autocomplete_fields = ["responder"]
    inlines = [ActionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recommendation":
            kwargs["form_class"] = InEvaluationChoiceField
            kwargs["queryset"] = Recommendation.objects.select_related("evaluation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="recommendation", ordering="recommendation__number")
    def recommendation_label(self, response):
        return f"{response.recommendation.evaluation.slug}: {response.recommendation}"


@admin.register(Action)
class ActionAdmin(TranscribedReadOnly, HistoryAdmin):
    list_display = ["short_description", "status", "recommendation_label"]
    list_filter = ["status", "response__recommendation__evaluation"]
    search_fields = ["description"]
    list_select_related = ["response__recommendation__evaluation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "response":
            kwargs["form_class"] = ResponseChoiceField
            kwargs["queryset"] = ManagementResponse.objects.select_related("recommendation__evaluation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="description")
    def short_description(self, action):
        return excerpt(action.description, 15)

    @admin.display(description="recommendation")
    def recommendation_label(self, action):
        return f"{action.response.recommendation.evaluation.slug}: {action.response.recommendation}"


@admin.register(ResponsibilityOwner)
class ResponsibilityOwnerAdmin(HistoryAdmin):
    list_display = ["name", "organisation", "recommendation_count"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fields = ["name", "organisation", "recommendation_list"]
    readonly_fields = ["recommendation_list"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_recommendations=Count("recommendations"))

    @admin.display(description="recommendations", ordering="n_recommendations")
    def recommendation_count(self, owner):
        return owner.n_recommendations

    @admin.display(description="recommendations addressed to this owner")
    def recommendation_list(self, owner):
        """Read-only: owners are assigned on the recommendation."""
        recommendations = owner.recommendations.select_related("evaluation") if owner.pk else []
        rows = format_html_join("", '<li><a href="{}">{}: {}</a> ({}) {}</li>', (
            (reverse("admin:findings_recommendation_change", args=[r.pk]), r.evaluation.slug, r,
             r.get_status_display(), excerpt(r.text, 15))
            for r in recommendations
        ))
        return format_html("<ul>{}</ul>", rows) if rows else "–"
