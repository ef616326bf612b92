import django_filters

from evaluations.models import Evaluation
from reference.models import Country, Criterion

from .models import Rating


def _unknown(what):
    return {"invalid_choice": f"Unknown {what} “%(value)s”."}


ANY = "Any"


class RatingFilter(django_filters.FilterSet):
    """The ratings list. `assessed=yes` keeps scores only, `assessed=no` only the "not assessed" cells."""

    evaluation = django_filters.ModelChoiceFilter(
        queryset=Evaluation.objects.order_by("title"),
        to_field_name="slug", empty_label=ANY, error_messages=_unknown("evaluation"),
    )
    criterion = django_filters.ModelChoiceFilter(
        queryset=Criterion.objects.all(), to_field_name="code", empty_label=ANY, error_messages=_unknown("criterion"),
    )
    subject_kind = django_filters.ChoiceFilter(
        label="Subject", choices=Rating.Subject.choices, empty_label=ANY, error_messages=_unknown("subject kind"),
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.filter(ratings__isnull=False).distinct(), to_field_name="iso2", empty_label=ANY,
        error_messages=_unknown("country"),
    )
    assessed = django_filters.ChoiceFilter(
        label="Assessed", choices=[("yes", "Yes: scores only"), ("no", "No: “not assessed” only")],
        method="filter_assessed", empty_label=ANY, error_messages=_unknown("value for assessed"),
    )

    class Meta:
        model = Rating
        fields = []

    def filter_assessed(self, queryset, name, value):
        return queryset.filter(not_assessed=(value == "no"))
