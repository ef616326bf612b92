"""Queries behind the portfolio pages. Aggregation happens in the database.

Money is summed per currency, never across currencies: every total comes with its currency, and
shares and averages are within one currency.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from .models import TOTAL_EXPENDITURE, Allotment, Approach, Project, ProjectType, Status


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
SUMS = {
    "projects": Count("project", distinct=True),
    "allotments": Count("id"),
    "allotment": Sum("amount"),
    "expenditure": Sum(TOTAL_EXPENDITURE),
}


def line_sums(condition, currency):
    """The portfolio's sums over the allotment lines matching `condition` (a Q on Allotment), as
    aggregate expressions, so that many slices are computed in one query: projects, lines and
    countries counted over all of them, money over those in `currency` only."""
    money = condition & Q(currency=currency)
    return {
        "projects": Count("project", distinct=True, filter=condition),
        "allotments": Count("id", filter=condition),
        "countries": Count("project__country", distinct=True, filter=condition),
        "allotment": Sum("amount", filter=money),
        "expenditure": Sum(TOTAL_EXPENDITURE, filter=money),
    }


def projects_sized(condition, currency, *, over=None, under=None):
    """An aggregate counting the projects among lines matching `condition` whose total allotment in
    `currency` is above `over` or below `under` (stored totals: projects in one currency only)."""
    size = Q(project__currency=currency)
    size &= Q(project__allotment_total__gt=over) if over is not None else Q(project__allotment_total__lt=under)
    return Count("project", distinct=True, filter=condition & size)


def lines_sized(condition, currency, *, over=None, under=None):
    """An aggregate counting the lines matching `condition` in `currency` above `over` or below `under`."""
    size = Q(currency=currency) & (Q(amount__gt=over) if over is not None else Q(amount__lt=under))
    return Count("id", filter=condition & size)


def _complete(row, currency_total):
    """Add share of the currency's allotment, average project size and execution rate to a row of sums."""
    allotment = (row["allotment"] or Decimal(0)).quantize(CENT)
    row["allotment"] = allotment
    row["expenditure"] = (row["expenditure"] or Decimal(0)).quantize(CENT)
    row["allotment_pct"] = (
        (allotment * 100 / currency_total).quantize(ONE_DECIMAL, ROUND_HALF_UP) if currency_total else None
    )
    row["average_project"] = (
        (allotment / row["projects"]).quantize(WHOLE, ROUND_HALF_UP) if row["projects"] else None
    )
    row["execution_pct"] = (
        (row["expenditure"] * 100 / allotment).quantize(ONE_DECIMAL, ROUND_HALF_UP) if allotment else None
    )
    return row


def totals_by_currency(allotments):
    """One row of sums per currency over `allotments` (lines), largest number of lines first."""
    rows = allotments.order_by().values("currency").annotate(**SUMS).order_by("-allotments", "currency")
    return [_complete(dict(row), row["allotment"]) for row in rows]


def portfolio_summary(*, by, allotments=None):
    """Per group and currency: projects, allotment lines, money, share and average size; a total per currency.

    `allotments` is the (filtered) set of allotment lines to summarise. A project whose lines fall
    into two groups counts once in each; the total counts it once. Two queries.
    """
    dimension = DIMENSIONS[by]
    allotments = allotments if allotments is not None else Allotment.objects.all()
    fields = [dimension.field] + ([dimension.label_field] if dimension.label_field else [])
    grouped = (
        allotments.order_by().values("currency", *fields).annotate(**SUMS)
        .order_by("currency", dimension.label_field or dimension.field)
    )
    totals = totals_by_currency(allotments)
    grand = {row["currency"]: row["allotment"] for row in totals}
    rows = []
    for row in grouped:
        group = {"key": row[dimension.field], "group": dimension.group_label(row), "currency": row["currency"]}
        group.update({name: row[name] for name in SUMS})
        rows.append(_complete(group, grand[row["currency"]]))
    for total in totals:
        total.update(key=None, group="Total")
    return {"dimension": dimension, "rows": rows, "totals": totals}


def project_list(*, projects=None):
    """Projects with their stored totals, for lists and exports."""
    projects = projects if projects is not None else Project.objects.all()
    return projects.select_related("country", "region", "programme").order_by("number")


def allotments_of(projects):
    """The allotment lines of a (filtered) project queryset, as a subquery."""
    return Allotment.objects.filter(project__in=projects.order_by().values("pk"))


def with_amounts_by_currency(projects):
    """`projects` (a page of them) as a list, those whose lines are in several currencies (no stored
    totals) given `amounts`: their sums per currency. One query, for the mixed ones only."""
    projects = list(projects)
    mixed = {p.pk: p for p in projects if p.mixed_currencies}
    for project in mixed.values():
        project.amounts = []
    rows = (Allotment.objects.filter(project__in=list(mixed)).order_by().values("project", "currency")
            .annotate(allotment=Sum("amount"), expenditure=Sum(TOTAL_EXPENDITURE)).order_by("project", "currency"))
    for row in rows if mixed else []:
        mixed[row["project"]].amounts.append(row)
    return projects


def portfolio_totals(projects):
    """How many projects, how many of them without lines, and the money per currency: two queries."""
    counts = projects.order_by().aggregate(projects=Count("pk"), without_lines=Count("pk", filter=Q(allotment_count=0)))
    return {**counts, "by_currency": totals_by_currency(allotments_of(projects))}


def projects_started_per_year(projects):
    """{(start_year, approach): number of projects}, counted in the database."""
    rows = (projects.order_by().exclude(start_year__isnull=True)
            .values("start_year", "approach").annotate(n=Count("id")).order_by("start_year"))
    return list(rows)


def largest_projects(projects, *, currency, limit=25):
    """The `limit` largest projects in `currency` by allotment, for the execution chart (bounded)."""
    return list(projects.filter(currency=currency).exclude(allotment_total__isnull=True)
                .order_by("-allotment_total")[:limit])
