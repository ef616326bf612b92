from django.contrib import admin

from .models import DataQualityNote, Evaluation, Participation, PublishedFigure


@admin.display(description="evaluation", ordering="evaluation__slug")
def evaluation_slug(record):
    """The short name of a record's evaluation: the titles are too long for a list column."""
    return record.evaluation.slug


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["organisation", "role", "source", "source_section", "source_locator"]
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "commissioner", "year"]
    list_filter = ["kind", "year", "commissioner"]
    search_fields = ["title", "code", "slug"]
    list_select_related = ["commissioner"]
    autocomplete_fields = ["commissioner"]
    filter_horizontal = ["countries"]
    inlines = [ParticipationInline]


@admin.register(DataQualityNote)
class DataQualityNoteAdmin(admin.ModelAdmin):
    list_display = ["title", "code", evaluation_slug]
    list_filter = ["evaluation"]
    search_fields = ["code", "title", "text"]
    list_select_related = ["evaluation"]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["key", "label", evaluation_slug, "measure", "dimension", "group", "printed_value", "unit"]
    list_filter = ["evaluation", "measure", "unit"]
    search_fields = ["key", "label", "explanation"]
    list_select_related = ["evaluation"]
    filter_horizontal = ["notes"]
