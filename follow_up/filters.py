"""Filters of the recommendation tracker and the overdue list.

Evaluation, owner, management response, status and overdue take several values (any of them),
offered as facets with counts (follow_up.views.FACETS). They filter on the annotations of
follow_up.selectors.with_keys (`stance_key`, `overdue_key`), so that a facet groups by exactly the
value its filter tests.
"""

import django_filters
from django.db.models import F

from evaluations.models import Evaluation
from findings.models import ManagementResponse, Recommendation, ResponsibilityOwner

from .selectors import NO_RESPONSE

STANCES = [*ManagementResponse.Stance.choices, (NO_RESPONSE, "No response")]
OVERDUE = [("yes", "Yes"), ("no", "No")]


class RecommendationOrdering(django_filters.OrderingFilter):
    """A chosen sort, then the tracker's own order, so that pages never overlap; undated last."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            name = self.get_ordering_value(param)
            descending = name.startswith("-")
            expression = F(name.lstrip("-"))
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*ordering, "evaluation__slug", "number", "pk")


def _several(choices, label, **kwargs):
    return django_filters.MultipleChoiceFilter(choices=choices, label=label, distinct=False, **kwargs)


class RecommendationFilter(django_filters.FilterSet):
    evaluation = django_filters.ModelMultipleChoiceFilter(
        queryset=Evaluation.objects.order_by("title"), to_field_name="slug", field_name="evaluation__slug",
        label="Evaluation", distinct=False,
        error_messages={"invalid_choice": "No evaluation has the slug “%(value)s”."})
    owner = django_filters.ModelMultipleChoiceFilter(
        queryset=ResponsibilityOwner.objects.all(), to_field_name="name", label="Responsibility owner",
        method="filter_owner", error_messages={"invalid_choice": "No responsibility owner is named “%(value)s”."})
    stance = _several(STANCES, "Management response", field_name="stance_key")
    status = _several(Recommendation.Status.choices, "Status")
    overdue = _several(OVERDUE, "Overdue", field_name="overdue_key")
    sort = RecommendationOrdering(
        label="Sort by",
        fields=(("due_date", "due"), ("evaluation__slug", "evaluation"), ("status", "status"),
                ("number", "number")),
    )

    class Meta:
        model = Recommendation
        fields = []

    def filter_owner(self, queryset, name, value):
        # A subquery, not a join: a recommendation naming two chosen owners is listed once, and a
        # facet grouping by owner counts every owner of the recommendations listed.
        if not value:
            return queryset
        chosen = Recommendation.owners.through.objects.filter(responsibilityowner__in=value)
        return queryset.filter(pk__in=chosen.values("recommendation_id"))
