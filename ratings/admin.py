"""Ratings in the Django admin. Every write goes through ratings.services, as on the rating pages."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.history import HistoryAdmin
from evalbase.lib.versioning import VersionedModelForm
from evaluations.admin import evaluation_slug

from . import services
from .models import Rating


class RatingForm(VersionedModelForm):
    class Meta:
        model = Rating
        exclude = ["version"]

    def changes(self):
        """The rating's own fields, for services.update_rating (its links go separately)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in ("version", "supporting_findings")}


@admin.register(Rating)
class RatingAdmin(HistoryAdmin):
    form = RatingForm
    list_display = ["subject", "criterion", evaluation_slug, "display_value", "not_assessed", "label", "scale"]
    list_filter = ["evaluation", "subject_kind", "criterion", "not_assessed"]
    search_fields = ["project__number", "project__title", "country__name", "programme__name", "label"]
    list_select_related = ["evaluation", "criterion", "scale", "project", "country", "programme"]
    autocomplete_fields = ["project", "country", "programme", "supporting_findings"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        match = request.resolver_match
        restoring = bool(match and match.url_name == "ratings_rating_simple_history")
        return type(form.__name__, (form,), {"restoring": restoring})

    def get_readonly_fields(self, request, obj=None):
        # A transcribed rating is corrected in the report's YAML file, never here.
        if obj is not None and obj.source_id:
            return [field.name for field in Rating._meta.fields] + ["supporting_findings"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.source_id)

    def save_model(self, request, obj, form, change):
        findings = list(form.cleaned_data.get("supporting_findings", []))
        if not change:
            services.create_ratings([(obj, findings)], user=request.user)
            return
        reason = f"Reverted to version {obj.version}" if form.restoring else ""
        stored = services.update_rating(obj, version=form.cleaned_data["version"], changes=form.changes(),
                                        findings=findings, user=request.user, reason=reason)
        obj.version = stored.version

    def save_related(self, request, form, formsets, change):
        # The supporting findings were saved with the rating, by the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.delete_rating(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        refused = []
        for rating in queryset:
            try:
                services.delete_rating(rating, user=request.user)
            except ValidationError:
                refused.append(rating)
        if refused:
            self.message_user(request, f"{len(refused)} transcribed rating(s) were kept: corrections go through "
                                       "the report's YAML file.", messages.WARNING)

    @admin.display(description="subject")
    def subject(self, rating):
        return rating.subject

    @admin.display(description="value", ordering="value")
    def display_value(self, rating):
        return rating.display_value
