"""Query expressions shared by the apps."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_of(queryset, field):
    """An expression counting the rows of `queryset` whose `field` points at the outer row.

    One correlated subquery per relation instead of joining several relations and counting
    DISTINCT, which multiplies the rows joined (findings x recommendations x ratings).
    """
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    # COUNT(*), not COUNT(pk): the database can count from the index on `field` alone.
    return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")), 0)
