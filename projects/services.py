"""Writes that keep a project's stored totals true to its allotment lines.

Whatever writes allotment lines (the report loader, the portfolio import, the admin) calls
`refresh_totals()` for the projects it touched, in the same transaction.
"""

from django.db.models import Count, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import TOTAL_EXPENDITURE, Allotment, Project


def totals_of_lines():
    """Per project, as expressions for an UPDATE: its line count, and its currency and money totals
    when all its lines share one currency (else empty currency and no totals)."""
    lines = Allotment.objects.filter(project=OuterRef("pk")).order_by().values("project")
    one_currency = lines.annotate(currencies=Count("currency", distinct=True)).filter(currencies=1)
    return {
        "allotment_count": Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), 0),
        "currency": Coalesce(Subquery(one_currency.annotate(code=Min("currency")).values("code")), Value("")),
        "allotment_total": Subquery(one_currency.annotate(total=Sum("amount")).values("total")),
        "expenditure_total": Subquery(one_currency.annotate(total=Sum(TOTAL_EXPENDITURE)).values("total")),
    }


def refresh_totals(projects):
    """Recompute the stored totals of `projects` (a queryset or ids) from their lines: one UPDATE."""
    ids = projects.values("pk") if hasattr(projects, "values") else list(projects)
    return Project.objects.filter(pk__in=ids).update(**totals_of_lines())
