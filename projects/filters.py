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
    """Portfolio filters. Expects a queryset annotated by ProjectQuerySet.with_totals()."""

    q = django_filters.CharFilter(label="Number or title", method="filter_text")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.filter(Q(programmes__isnull=False) | Q(units__programmes__isnull=False))
        .distinct(),
        to_field_name="slug", method="filter_organisation",
    )
    programme = django_filters.ModelChoiceFilter(queryset=Programme.objects.all(), to_field_name="slug")
    evaluation = django_filters.ModelChoiceFilter(
        label="Evaluation", queryset=Evaluation.objects.all(), to_field_name="slug", method="filter_evaluation",
    )
    country = django_filters.ModelChoiceFilter(queryset=Country.objects.filter(projects__isnull=False).distinct(),
                                               to_field_name="iso2")
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), to_field_name="code")
    approach = django_filters.ChoiceFilter(choices=Approach.choices)
    type = django_filters.ChoiceFilter(label="Type", choices=ProjectType.choices, method="filter_type")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    year_from = django_filters.NumberFilter(field_name="start_year", lookup_expr="gte", label="Started from")
    year_to = django_filters.NumberFilter(field_name="start_year", lookup_expr="lte", label="Started until")
    allotment_min = django_filters.NumberFilter(field_name="allotment_total", lookup_expr="gte",
                                                label="Allotment at least (USD)")
    allotment_max = django_filters.NumberFilter(field_name="allotment_total", lookup_expr="lte",
                                                label="Allotment at most (USD)")
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
