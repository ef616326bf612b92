from django.contrib import admin

from .models import Country, Criterion, Organisation, RatingScale, Region, ScaleLevel, SourceDocument, Theme


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


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class ScaleLevelInline(admin.TabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "minimum", "maximum", "best_is_high", "not_assessed_value"]
    list_filter = ["best_is_high"]
    search_fields = ["name", "code"]
    inlines = [ScaleLevelInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
