"""Queries behind the portfolio pages. Aggregation happens in the database."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum

from .models import Allotment, Approach, Project, ProjectType, Status


class Dimension:
    """A way to group the portfolio: which allotment field, and how to label its values."""

    def __init__(self, name, label, field, label_field=None, choices=None):
        self.name, self.label, self.field = name, label, field
        self.label_field, self.choices = label_field, dict(choices or {})

    def group_label(self, row):
        value = row[self.field]
        if value is None or value == "":
            return "None"
        if self.label_field:
            return row[self.label_field]
        return self.choices.get(value, str(value))


# Groups are formed from allotment lines. Status, type and year are printed per line (lines
# of one project can differ); region, country and approach belong to the project.
DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("status", "Status", "status", choices=Status.choices),
        Dimension("region", "Region", "project__region__code", label_field="project__region__name"),
        Dimension("approach", "Approach", "project__approach", choices=Approach.choices),
        Dimension("type", "Type", "project_type", choices=ProjectType.choices),
        Dimension("country", "Country", "project__country__iso2", label_field="project__country__name"),
        Dimension("year", "Start year", "year"),
    ]
}

CENT = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")
WHOLE = Decimal("1")


def _totals(queryset):
    return queryset.aggregate(
        projects=Count("project", distinct=True),
        allotments=Count("id"),
        allotment_usd=Sum("amount"),
        expenditure_usd=Sum(F("expenditure") + F("other_expenditure")),
    )


def _complete(row, grand_allotment):
    """Add share of allotment and average project size to a row of sums."""
    allotment = (row["allotment_usd"] or Decimal(0)).quantize(CENT)
    row["allotment_usd"] = allotment
    row["expenditure_usd"] = (row["expenditure_usd"] or Decimal(0)).quantize(CENT)
    row["allotment_pct"] = (
        (allotment * 100 / grand_allotment).quantize(ONE_DECIMAL, ROUND_HALF_UP) if grand_allotment else None
    )
    row["average_project_usd"] = (
        (allotment / row["projects"]).quantize(WHOLE, ROUND_HALF_UP) if row["projects"] else None
    )
    row["execution_pct"] = (
        (row["expenditure_usd"] * 100 / allotment).quantize(ONE_DECIMAL, ROUND_HALF_UP) if allotment else None
    )
    return row


def portfolio_summary(*, by, allotments=None):
    """Projects, allotment lines, money, share and average size per group, plus a total row.

    `allotments` is the (filtered) set of USD allotment lines to summarise. A project whose
    lines fall into two groups counts once in each; the total counts it once. Two queries.
    """
    dimension = DIMENSIONS[by]
    allotments = (allotments if allotments is not None else Allotment.objects.all()).filter(currency="USD")
    fields = [dimension.field] + ([dimension.label_field] if dimension.label_field else [])
    grouped = (
        allotments.order_by()
        .values(*fields)
        .annotate(
            projects=Count("project", distinct=True),
            allotments=Count("id"),
            allotment_usd=Sum("amount"),
            expenditure_usd=Sum(F("expenditure") + F("other_expenditure")),
        )
        .order_by(dimension.label_field or dimension.field)
    )
    total = _totals(allotments.order_by())
    grand = total["allotment_usd"] or Decimal(0)
    rows = []
    for row in grouped:
        group = {"key": row[dimension.field], "group": dimension.group_label(row)}
        group.update({k: row[k] for k in ("projects", "allotments", "allotment_usd", "expenditure_usd")})
        rows.append(_complete(group, grand))
    total = _complete({"key": None, "group": "Total", **total}, grand)
    return {"dimension": dimension, "rows": rows, "total": total}


def project_list(*, projects=None):
    """Projects with their allotment and expenditure totals, for lists and exports."""
    projects = projects if projects is not None else Project.objects.all()
    return projects.select_related("country", "region", "programme").with_totals().order_by("number")


def allotments_of(projects):
    """The allotment lines of a (filtered) project queryset, as a subquery."""
    return Allotment.objects.filter(project__in=projects.order_by().values("pk"))


def portfolio_totals(projects):
    """Projects with lines, allotment lines, allotment, expenditure and execution rate: one query."""
    totals = _totals(allotments_of(projects).filter(currency="USD"))
    return _complete({"key": None, "group": "Total", **totals}, totals["allotment_usd"] or Decimal(0))


def projects_started_per_year(projects):
    """{(start_year, approach): number of projects}, counted in the database."""
    rows = (projects.order_by().exclude(start_year__isnull=True)
            .values("start_year", "approach").annotate(n=Count("id")).order_by("start_year"))
    return list(rows)


def largest_projects(projects, limit=25):
    """The `limit` largest projects by allotment, for the execution chart (bounded, never all rows)."""
    return list(projects.exclude(allotment_total__isnull=True).order_by("-allotment_total")[:limit])
