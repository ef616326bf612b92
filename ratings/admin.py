from django.contrib import admin

from accounts.history import HistoryAdmin
from evaluations.admin import evaluation_slug

from .models import Rating


@admin.register(Rating)
class RatingAdmin(HistoryAdmin):
    list_display = ["subject", "criterion", evaluation_slug, "display_value", "not_assessed", "label", "scale"]
    list_filter = ["evaluation", "subject_kind", "criterion", "not_assessed"]
    search_fields = ["project__number", "project__title", "country__name", "programme__name", "label"]
    list_select_related = ["evaluation", "criterion", "scale", "project", "country", "programme"]
    autocomplete_fields = ["project", "country", "programme", "supporting_findings"]

    @admin.display(description="subject")
    def subject(self, rating):
        return rating.subject

    @admin.display(description="value", ordering="value")
    def display_value(self, rating):
        return rating.display_value
