"""The figures of the home page: each evaluation with its counts, the agencies and whether their
portfolio holds projects, and the whole portfolio's totals from the projects' stored totals.

Each count is its own subquery (never COUNT(DISTINCT) over a join of findings, recommendations and
ratings, whose rows multiply), and the portfolio is read once, grouped by currency: a constant
number of queries whatever the data size.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from evalbase.lib.queries import count_of
from evaluations.models import Evaluation, PublishedFigure
from findings.models import Finding, Recommendation
from projects.models import Programme, Project
from projects.selectors import money_by
from ratings.models import Rating


def evaluations_with_counts():
    """Every evaluation, newest first, with n_findings, n_recommendations and n_ratings."""
    return list(Evaluation.objects.select_related("commissioner__parent").annotate(
        n_findings=count_of(Finding.objects.all(), "evaluation"),
        n_recommendations=count_of(Recommendation.objects.all(), "evaluation"),
        n_ratings=count_of(Rating.objects.all(), "evaluation"),
    ).order_by("-year", "title"))


def agencies_of(evaluations):
    """[(agency, its evaluations, whether its portfolio has projects)], in the evaluations' order.

    An agency's portfolio is the projects of its programmes and of its units' (the portfolio's
    `organisation` filter): one query over the programmes that have projects."""
    with_projects = set()
    rows = (Programme.objects.filter(Exists(Project.objects.filter(programme=OuterRef("pk")))).order_by()
            .values_list("organisation_id", "organisation__parent_id"))
    for organisation, parent in rows:
        with_projects.update({organisation, parent})
    agencies = {}
    for evaluation in evaluations:
        commissioner = evaluation.commissioner
        agency = commissioner.parent if commissioner.parent_id else commissioner
        agencies.setdefault(agency, []).append(evaluation)
    return [(agency, items, agency.pk in with_projects) for agency, items in agencies.items()]


def portfolio_figures():
    """How many projects, how many with allotment lines and how many without, and per currency the
    money, lines and projects (a project with lines in two currencies counts in both).

    One pass over the projects' stored totals grouped by currency; the few projects whose lines are
    in several currencies (no stored total) are summed from their lines (projects.selectors.money_by).
    """
    rows = list(Project.objects.order_by().values("currency").annotate(
        projects=Count("*"), without_lines=Count("pk", filter=Q(allotment_count=0)),
        allotments=Sum("allotment_count"), allotment=Sum("allotment_total")).order_by())
    projects = sum(row["projects"] for row in rows)
    without_lines = sum(row["without_lines"] for row in rows)
    by_currency = {row["currency"]: {"currency": row["currency"], "projects": row["projects"],
                                     "allotments": row["allotments"] or 0, "allotment": row["allotment"] or Decimal(0)}
                   for row in rows if row["currency"]}
    for row in money_by(Project.objects.filter(currency="", allotment_count__gt=0)):
        into = by_currency.setdefault(row["currency"], {"currency": row["currency"], "projects": 0,
                                                         "allotments": 0, "allotment": Decimal(0)})
        for name in ("projects", "allotments", "allotment"):
            into[name] += row[name] or 0
    return {
        "projects": projects, "without_lines": without_lines, "with_lines": projects - without_lines,
        "by_currency": sorted(by_currency.values(), key=lambda row: (-row["allotments"], row["currency"])),
    }


def home_figures():
    evaluations = evaluations_with_counts()
    return {
        "evaluations": evaluations,
        "agencies": agencies_of(evaluations),
        "portfolio": portfolio_figures(),
        "open_recommendations": Recommendation.objects.open().count(),
        "published_figures": PublishedFigure.objects.count(),
    }
