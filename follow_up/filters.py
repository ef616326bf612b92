"""Filters for the recommendation tracker."""

import django_filters

from evalbase.lib.filtering import choose, pick
from evaluations.models import Evaluation
from findings.models import ManagementResponse, Recommendation, ResponsibilityOwner


class RecommendationFilter(django_filters.FilterSet):
    evaluation = pick(Evaluation.objects.order_by("title"), "slug", "Evaluation",
                       "No evaluation has the slug “%(value)s”.")
    owner = pick(ResponsibilityOwner.objects.all(), "name", "Responsibility owner",
                  "No responsibility owner is named “%(value)s”.", field_name="owners")
    stance = choose([*ManagementResponse.Stance.choices, ("none", "No response")], "Management response",
                     method="filter_stance")
    status = choose(Recommendation.Status.choices, "Status")
    overdue = choose([("yes", "Yes"), ("no", "No")], "Overdue", method="filter_overdue")

    class Meta:
        model = Recommendation
        fields = []

    def filter_stance(self, queryset, name, value):
        if value == "none":
            return queryset.filter(response__isnull=True)
        return queryset.filter(response__stance=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Recommendation.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value == "yes" else queryset.exclude(pk__in=overdue)
