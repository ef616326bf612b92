"""Queries behind the portfolio pages. Aggregation happens in the database.

Money is summed per currency, never across currencies: every total comes with its currency, and
shares and averages are within one currency.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When

from .models import TOTAL_EXPENDITURE, Allotment, Approach, Project, ProjectType, Status


class Dimension:
    """A way to group the portfolio: which allotment field, and how to label its values."""

    def __init__(self, name, label, field, label_field=None, choices=None, expression=None, definition=""):
        self.name, self.label, self.field = name, label, field
        self.label_field, self.choices = label_field, dict(choices or {})
        self.expression = expression  # computes `field` when it is not a column
        self.definition = definition

    def group_label(self, row):
        value = row[self.field]
        if value is None or value == "":
            return "None"
        if self.label_field:
            return row[self.label_field]
        return self.choices.get(value, str(value))


# The slices of the portfolio as published figures name them (evaluations.models.Dimension), on
# allotment lines: status, type and year are printed per line (lines of one project can differ);
# region, country and approach belong to the project. The reconciliation uses these.
DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("status", "Line status", "status", choices=Status.choices,
                  definition="Lines grouped by the status printed on each; a project whose lines differ counts "
                             "in each of their groups, and once in the total."),
        Dimension("region", "Region", "project__region__code", label_field="project__region__name"),
        Dimension("approach", "Approach", "project__approach", choices=Approach.choices),
        Dimension("type", "Type", "project_type", choices=ProjectType.choices,
                  definition="Lines grouped by the type printed on each; a project whose lines differ counts "
                             "in each of their groups, and once in the total."),
        Dimension("country", "Country", "project__country__iso2", label_field="project__country__name"),
        Dimension("year", "Year of the line", "year",
                  definition="Lines grouped by the year printed on each (a project's start year is its earliest)."),
    ]
}
# The same groups of projects, on the projects themselves (their stored totals), and the project's
# own status (ongoing if any of its lines is) beside the lines' status.
PROJECT_DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("project_status", "Project status", "status", choices=Status.choices,
                  definition="Projects grouped by their own status: ongoing if any of their lines is, closed if "
                             "all are, not stated otherwise; each project counts once."),
        Dimension("region", "Region", "region__code", label_field="region__name",
                  definition="Projects grouped by their region; each counts once."),
        Dimension("approach", "Approach", "approach", choices=Approach.choices,
                  definition="Projects grouped by their predominant approach; each counts once."),
        Dimension("country", "Country", "country__iso2", label_field="country__name",
                  definition="Projects grouped by their country (regional and global ones under None); each "
                             "counts once."),
    ]
}
# What the summary page offers, in this order (line status under its old name `status`).
# UNIDO's Table 1 groups lines by status with the one line printed without a status counted as ongoing.
TABLE_1_STATUS = Dimension(
    "status_table_1", "Line status, none = ongoing", "status_table_1", choices=Status.choices,
    expression=Case(When(status=Status.NOT_STATED, then=Value(Status.ONGOING)), default=F("status")),
    definition="Lines grouped by their printed status, a line printed without one counted as ongoing: "
               "the definition of the UNIDO report's Table 1.")
SUMMARY_DIMENSIONS = {name: PROJECT_DIMENSIONS.get(name) or DIMENSIONS.get(name) or TABLE_1_STATUS
                      for name in ["project_status", "status", "status_table_1", "region", "approach", "type",
                               "country", "year"]}

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


def money_by(projects, *fields):
    """Sums per value of `fields` (the projects' own, e.g. "region__code") and per currency: projects
    with lines, their lines, allotment and expenditure.

    From the projects' stored totals, without reading a line, for projects whose lines share one
    currency; from the lines themselves for the few whose lines are in several (two queries).
    """
    stored = (projects.exclude(currency="").order_by().values(*fields, "currency")
              .annotate(projects=Count("pk"), allotments=Sum("allotment_count"), allotment=Sum("allotment_total"),
                        expenditure=Sum("expenditure_total")))
    mixed = allotments_of(projects.filter(currency="", allotment_count__gt=0))
    from_lines = (mixed.order_by().values(*[f"project__{name}" for name in fields], "currency")
                  .annotate(projects=Count("project", distinct=True), allotments=Count("id"),
                            allotment=Sum("amount"), expenditure=Sum(TOTAL_EXPENDITURE)))
    merged = {}
    for row in [*stored, *({**{name: row[f"project__{name}"] for name in fields}, **row} for row in from_lines)]:
        key = (*(row[name] for name in fields), row["currency"])
        into = merged.setdefault(key, {**{name: row[name] for name in fields}, "currency": row["currency"],
                                       "projects": 0, "allotments": 0, "allotment": Decimal(0),
                                       "expenditure": Decimal(0)})
        for name in ("projects", "allotments", "allotment", "expenditure"):
            into[name] += row[name] or 0
    return list(merged.values())


def _by_project(by, projects):
    """The summary of project-level groups (region, country, approach, project status), from stored
    totals. A project is in one group, so the totals per currency are the sums of the groups."""
    dimension = PROJECT_DIMENSIONS[by]
    fields = [dimension.field] + ([dimension.label_field] if dimension.label_field else [])
    rows = money_by(projects, *fields)
    totals = {}
    for row in rows:
        total = totals.setdefault(row["currency"], {"key": None, "group": "Total", "currency": row["currency"],
                                                     "projects": 0, "allotments": 0, "allotment": Decimal(0),
                                                     "expenditure": Decimal(0)})
        for name in ("projects", "allotments", "allotment", "expenditure"):
            total[name] += row[name]
    totals = {currency: _complete(total, total["allotment"]) for currency, total in totals.items()}
    grouped = [_complete({"key": row[dimension.field], "group": dimension.group_label(row), **row},
                         totals[row["currency"]]["allotment"]) for row in rows]
    grouped.sort(key=lambda row: (row["currency"], str(row["group"])))
    return {"dimension": dimension, "rows": grouped,
            "totals": sorted(totals.values(), key=lambda row: (-row["allotments"], row["currency"]))}


def portfolio_summary(*, by, projects=None, allotments=None):
    """Per group and currency: projects, allotment lines, money, share and average size; a total per currency.

    Groups of lines (line status, type, year: `allotments`, the lines of the filtered projects) count
    a project whose lines fall into two groups once in each; the total counts it once. Groups of
    projects (region, country, approach, project status: `projects`) come from the projects' stored
    totals. Two to four queries.
    """
    if by in PROJECT_DIMENSIONS:
        return _by_project(by, projects if projects is not None else Project.objects.all())
    dimension = SUMMARY_DIMENSIONS[by]
    allotments = allotments if allotments is not None else Allotment.objects.all()
    if dimension.expression is not None:
        allotments = allotments.annotate(**{dimension.field: dimension.expression})
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
    """How many projects, how many of them without lines, the money per currency (the currency with
    the most lines first) and the same by region, whose sums they are: three queries, none reading
    the lines of single-currency projects."""
    counts = projects.order_by().aggregate(projects=Count("pk"), without_lines=Count("pk", filter=Q(allotment_count=0)))
    by_region = portfolio_summary(by="region", projects=projects)
    return {**counts, "by_currency": by_region["totals"], "by_region": by_region}


def projects_started_per_year(projects):
    """{(start_year, approach): number of projects}, counted in the database."""
    rows = (projects.order_by().exclude(start_year__isnull=True)
            .values("start_year", "approach").annotate(n=Count("id")).order_by("start_year"))
    return list(rows)


def largest_projects(projects, *, currency, limit=25):
    """The `limit` largest projects in `currency` by allotment, for the execution chart (bounded)."""
    return list(projects.filter(currency=currency).exclude(allotment_total__isnull=True)
                .order_by("-allotment_total")[:limit])
