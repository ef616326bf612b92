"""Filters for the findings search."""

import django_filters

from evalbase.lib.filtering import choose, pick
from evaluations.models import Evaluation
from reference.models import Country, Criterion, Organisation, Theme

from .models import EvidenceKind, Finding, Lesson, Recommendation

RESULT_TYPES = {"finding": Finding, "lesson": Lesson, "recommendation": Recommendation}

# Where each filter looks on each kind of result. Lessons record no country or evidence kind;
# recommendations record them (and criteria) only through the findings they answer. None: the
# kind holds no such data, so it drops out of the results while that filter is set.
EVIDENCE_PATHS = {
    Finding: {"criterion": "criteria", "theme": "themes", "country": "countries", "evidence_kind": "evidence_kind"},
    Lesson: {"criterion": "criteria", "theme": "themes", "country": None, "evidence_kind": None},
    Recommendation: {"criterion": "findings__criteria", "theme": "themes", "country": "findings__countries",
                     "evidence_kind": "findings__evidence_kind"},
}


def several(queryset, to_field_name, label, unknown, **kwargs):
    """Records named in the URL by `to_field_name`, any number of them (`?country=PE&country=BO`: either)."""
    return django_filters.ModelMultipleChoiceFilter(
        queryset=queryset, to_field_name=to_field_name, label=label,
        error_messages={"invalid_choice": unknown}, **kwargs,
    )


class EvidenceFilter(django_filters.FilterSet):
    """The findings search filters. One bound instance filters findings, lessons and
    recommendations alike: `filter_queryset()` is applied to a queryset of each. Evaluation,
    criterion, theme, country, evidence kind and type take several values (any of them)."""

    evaluation = several(Evaluation.objects.order_by("title"), "slug", "Evaluation",
                         "No evaluation has the slug “%(value)s”.", method="filter_evaluation")
    organisation = pick(Organisation.objects.all(), "slug", "Organisation",
                         "No organisation has the slug “%(value)s”.", method="filter_organisation")
    criterion = several(Criterion.objects.all(), "code", "Criterion",
                        "No criterion has the code “%(value)s”.", method="filter_related")
    theme = several(Theme.objects.all(), "slug", "Theme", "No theme has the slug “%(value)s”.",
                    method="filter_related")
    country = several(Country.objects.all(), "iso2", "Country", "No country has the ISO code “%(value)s”.",
                      method="filter_related")
    untagged = choose([("yes", "Yes: findings tagged with no criterion")], "No criterion tag", method="filter_untagged")
    evidence_kind = django_filters.MultipleChoiceFilter(choices=EvidenceKind.choices, label="Evidence kind",
                                                        method="filter_related")
    type = django_filters.MultipleChoiceFilter(
        choices=[(kind, model._meta.verbose_name.capitalize()) for kind, model in RESULT_TYPES.items()],
        label="Result type", method="filter_type")

    class Meta:
        model = Finding
        fields = []

    def filter_evaluation(self, queryset, name, value):
        return queryset.filter(evaluation__in=list(value)) if len(value) else queryset

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(evaluation__in=Evaluation.objects.involving(value).values("pk"))

    def filter_untagged(self, queryset, name, value):
        # Only findings carry criterion tags of their own (a lesson's are its own list, a
        # recommendation's come from its findings): the evidence map's "untagged" row counts findings.
        if queryset.model is not Finding:
            return queryset.none()
        return queryset.filter(criteria__isnull=True)

    def filter_related(self, queryset, name, value):
        if not len(value):
            return queryset
        path = EVIDENCE_PATHS[queryset.model][name]
        if path is None:
            return queryset.none()
        # A subquery, not a join, so a record matching twice is still listed once.
        return queryset.filter(pk__in=queryset.model.objects.filter(**{f"{path}__in": list(value)}).values("pk"))

    def filter_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset if any(queryset.model is RESULT_TYPES[kind] for kind in value) else queryset.none()
