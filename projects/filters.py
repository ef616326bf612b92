import django_filters
from django.db.models import F, Q

from evaluations.models import Evaluation
from reference.models import Country, Organisation, Region

from .models import Allotment, Approach, Programme, Project, ProjectType, Status
from .numbers import normalise_project_number


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Projects without allotment lines sort last either way, on SQLite and PostgreSQL alike."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        if value.startswith("-"):
            return F(value[1:]).desc(nulls_last=True)
        return F(value).asc(nulls_last=True)


class ProjectFilter(django_filters.FilterSet):
    """Portfolio filters. Region, country, approach, status and programme take several values (any
    of them), offered as facets with counts (projects.views.FACETS)."""

    q = django_filters.CharFilter(label="Number or title contains", method="filter_text")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.filter(Q(programmes__isnull=False) | Q(units__programmes__isnull=False))
        .distinct(),
        to_field_name="slug", method="filter_organisation", empty_label="Any",
    )
    evaluation = django_filters.ModelChoiceFilter(
        label="Evaluation", queryset=Evaluation.objects.all(), to_field_name="slug", method="filter_evaluation",
        empty_label="Any",
    )
    # Named in the address by slug or code; django-filter then filters on that same field.
    programme = django_filters.ModelMultipleChoiceFilter(queryset=Programme.objects.all(), to_field_name="slug",
                                                         field_name="programme__slug", distinct=False)
    country = django_filters.ModelMultipleChoiceFilter(queryset=Country.objects.all(), to_field_name="iso2",
                                                       field_name="country__iso2", distinct=False)
    region = django_filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), to_field_name="code",
                                                      field_name="region__code", distinct=False)
    approach = django_filters.MultipleChoiceFilter(choices=Approach.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(label="Project status", choices=Status.choices, distinct=False)
    type = django_filters.ChoiceFilter(label="Type of a line", choices=ProjectType.choices, method="filter_type",
                                       empty_label="Any")
    year_from = django_filters.NumberFilter(field_name="start_year", lookup_expr="gte", label="Started from")
    year_to = django_filters.NumberFilter(field_name="start_year", lookup_expr="lte", label="Started until")
    allotment_min = django_filters.NumberFilter(field_name="allotment_total", lookup_expr="gte",
                                                label="Allotment at least")
    allotment_max = django_filters.NumberFilter(field_name="allotment_total", lookup_expr="lte",
                                                label="Allotment at most")
    sort = NullsLastOrderingFilter(
        label="Sort by",
        fields=(("number", "number"), ("title", "title"), ("country__name", "country"),
                ("start_year", "start_year"), ("status", "status"), ("allotment_total", "allotment"),
                ("expenditure_total", "expenditure")),
    )

    class Meta:
        model = Project
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(number__contains=normalise_project_number(value)) | Q(title__icontains=value))

    def filter_organisation(self, queryset, name, value):
        # An agency includes its units (UNIDO includes its CBL Unit).
        return queryset.filter(Q(programme__organisation=value) | Q(programme__organisation__parent=value))

    def filter_evaluation(self, queryset, name, value):
        return queryset.filter(programme__in=Programme.objects.filter(evaluations=value))

    def filter_type(self, queryset, name, value):
        # Type is printed per allotment line: a project matches if any of its lines has it.
        return queryset.filter(pk__in=Allotment.objects.filter(project_type=value).values("project_id"))
