from django.contrib import admin

from .models import (
    Country, DataQualityNote, Evaluation, Organisation, Participation, PublishedFigure, Region,
    SourceDocument,
)

admin.site.site_header = "EvalBase administration"
admin.site.site_title = "EvalBase admin"
admin.site.site_url = "/"


@admin.display(description="evaluation", ordering="evaluation__slug")
def evaluation_slug(record):
    """The short name of a record's evaluation: the titles are too long for a list column."""
    return record.evaluation.slug


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "title", "year"]
    list_filter = ["year"]
    search_fields = ["file_name", "title"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "labels", "order"]
    search_fields = ["name", "code"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3"]
    search_fields = ["name", "iso2", "iso3"]


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
