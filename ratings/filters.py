import django_filters

from evaluations.models import Evaluation
from reference.models import Country, Criterion, RatingScale

from .models import Rating


def _unknown(what):
    return {"invalid_choice": f"Unknown {what} “%(value)s”.", "invalid_pk_value": f"Unknown {what} “%(pk)s”."}


ASSESSED = [("yes", "Assessed: a score"), ("no", "Not assessed")]
def _many(name, queryset, field, label, what):
    """Records named in the address by `field` (a slug, a code), several at once; django-filter then
    filters on that same field of the related record."""
    return django_filters.ModelMultipleChoiceFilter(
        queryset=queryset, to_field_name=field, field_name=f"{name}__{field}", label=label, distinct=False,
        error_messages=_unknown(what),
    )


class RatingFilter(django_filters.FilterSet):
    """The ratings list. Every filter takes several values (any of them), offered as facets with counts
    (ratings.views.FACETS). `assessed=yes` keeps scores only, `assessed=no` only the "not assessed" cells.

    Evaluations are any evaluation, rated or not: one that publishes no ratings is a valid, empty
    selection that the page explains. The querysets here validate the values named in the address only.
    """

    evaluation = _many("evaluation", Evaluation.objects.all(), "slug", "Evaluation", "evaluation")
    criterion = _many("criterion", Criterion.objects.all(), "code", "Criterion", "criterion")
    subject_kind = django_filters.MultipleChoiceFilter(
        label="Subject", choices=Rating.Subject.choices, distinct=False, error_messages=_unknown("subject kind"),
    )
    country = _many("country", Country.objects.all(), "iso2", "Country", "country")
    assessed = django_filters.MultipleChoiceFilter(
        label="Assessed", choices=ASSESSED, method="filter_assessed", error_messages=_unknown("value for assessed"),
    )
    scale = _many("scale", RatingScale.objects.all(), "code", "Scale", "scale")

    class Meta:
        model = Rating
        fields = []

    def filter_assessed(self, queryset, name, value):
        if not value or set(value) == {"yes", "no"}:
            return queryset
        return queryset.filter(not_assessed=(value[0] == "no"))
