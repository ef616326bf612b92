from django.contrib import admin

from .models import Allotment, Programme, Project
from .numbers import normalise_project_number
from .services import refresh_totals


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "organisation", "period_start", "period_end", "declared_projects"]
    list_filter = ["organisation"]
    search_fields = ["name", "short_name", "slug"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["evaluations"]


class AllotmentInline(admin.TabularInline):
    model = Allotment
    fields = ["line", "printed_number", "year", "project_type", "status", "currency", "amount",
              "expenditure", "other_expenditure"]
    extra = 0


class NumberSearchMixin:
    """Find a project under any spelling of its number (`US/IND/01/193` = `USIND01193`)."""

    number_lookup = "number"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = normalise_project_number(search_term)
        if number:
            results |= queryset.filter(**{f"{self.number_lookup}__contains": number})
        return results, may_have_duplicates


@admin.register(Project)
class ProjectAdmin(NumberSearchMixin, admin.ModelAdmin):
    list_display = ["display_number", "title", "programme", "country", "region", "approach", "start_year", "status"]
    list_filter = ["programme", "region", "approach", "status"]
    search_fields = ["number", "title", "country__name"]
    list_select_related = ["programme", "country", "region"]
    autocomplete_fields = ["programme", "country"]
    inlines = [AllotmentInline]
    readonly_fields = ["currency", "allotment_total", "expenditure_total", "allotment_count"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_totals([form.instance.pk])  # its lines may have changed in the inline

    @admin.display(description="number", ordering="number")
    def display_number(self, project):
        return project.display_number


@admin.register(Allotment)
class AllotmentAdmin(NumberSearchMixin, admin.ModelAdmin):
    list_display = ["printed_number", "project", "line", "year", "project_type", "status", "currency",
                    "amount", "expenditure", "other_expenditure"]
    list_filter = ["status", "project_type", "year", "project__programme"]
    search_fields = ["printed_number", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]

    def save_model(self, request, obj, form, change):
        moved_from = Allotment.objects.filter(pk=obj.pk).values_list("project_id", flat=True).first()
        super().save_model(request, obj, form, change)
        refresh_totals({obj.project_id, moved_from} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_totals([obj.project_id])

    def delete_queryset(self, request, queryset):
        projects = set(queryset.values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_totals(projects)
