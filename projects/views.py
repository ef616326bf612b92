from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from evalbase.lib.aggregates import cached, selection_key
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.filtering import bound_filter
from evalbase.lib.listing import CountedPaginator, Facet, chips, facet_counts, json_page, wants_json

from . import charts
from .exports import export_rows
from .filters import ProjectFilter
from .models import Approach, Project, Status
from .numbers import normalise_project_number
from .selectors import (
    SUMMARY_DIMENSIONS,
    allotments_of,
    largest_projects,
    portfolio_summary,
    portfolio_totals,
    project_list,
    projects_started_per_year,
    totals_by_currency,
    with_amounts_by_currency,
)

SUMMARY_COLUMNS = ["group", "currency", "projects", "allotments", "allotment", "expenditure", "allotment_pct",
                   "average_project", "execution_pct"]
PROJECT_COLUMNS = ["number", "title", "programme", "country", "region", "approach", "start_year", "status",
                   "allotments", "currency", "allotment", "expenditure", "source"]
PAGE_SIZE = 50


def _filtered(request):
    """The ProjectFilter for this request, and an error message when a value is not valid."""
    return bound_filter(ProjectFilter, request, project_list())


def _project_row(p):
    # A project with lines in several currencies has no total: "mixed", and its page lists each.
    currency = p.currency or ("mixed" if p.mixed_currencies else "")
    return [p.display_number, p.title, p.programme.slug, p.country.iso2 if p.country else "",
            p.region.name if p.region else "", p.get_approach_display(), p.start_year or "",
            p.get_status_display(), p.allotment_count, currency, p.allotment_total, p.expenditure_total, p.citation]


# The portfolio's filters offered as facets: values with counts for the current selection.
FACETS = [
    Facet("region", "Region", "region__code", label_field="region__name"),
    Facet("approach", "Approach", "approach", choices=tuple(Approach.choices)),
    Facet("status", "Project status", "status", choices=tuple(Status.choices)),
    Facet("country", "Country", "country__iso2", label_field="country__name"),
    Facet("programme", "Programme", "programme__slug", label_field="programme__name"),
]
# The other filters' chips.
FILTER_LABELS = {"q": "Contains", "organisation": "Organisation", "evaluation": "Evaluation", "type": "Type of a line",
                 "year_from": "Started from", "year_to": "Started until", "allotment_min": "Allotment at least",
                 "allotment_max": "Allotment at most"}


def _lists(request):
    """What the portfolio and its summary share: facets and chips for the current selection."""
    facets = facet_counts(request, ProjectFilter, project_list(), FACETS)
    return {"facets": facets, "chips": chips(request, facets, FILTER_LABELS),
            "facet_names": [facet.name for facet in FACETS]}


def _selection(request, projects):
    """What the portfolio shows about the whole selection: totals, charts with their data, facets
    and chips. Cached per data version (evalbase/lib/aggregates.py)."""
    def compute():
        totals = portfolio_totals(projects)
        # Charts show one currency: the one most lines of the selection are in.
        currency = totals["by_currency"][0]["currency"] if totals["by_currency"] else ""
        drawn = charts.portfolio_charts(totals["by_region"], projects_started_per_year(projects),
                                        largest_projects(projects, currency=currency), currency)
        return {"totals": totals, "chart_currency": currency, "drawn": drawn, **_lists(request)}
    return cached("portfolio", selection_key(request, ignore=("page", "format", "chart")), compute)


def portfolio(request):
    filterset, error = _filtered(request)
    if error:
        return render(request, "projects/portfolio.html", {"filter": filterset, "error": error}, status=400)
    projects = filterset.qs
    if wants_export(request) and not request.GET.get("chart"):
        # Plain values in one query through a server-side cursor (projects/exports.py); an XLSX
        # above the cap is refused after a count, before any row is read.
        return export_response(request, "portfolio", PROJECT_COLUMNS, export_rows(projects), count=projects.count)
    selection = _selection(request, projects)
    drawn = selection.pop("drawn")
    if request.GET.get("chart") in drawn:  # a chart's data, as offered beside it
        data = drawn[request.GET["chart"]][1]
        return export_response(request, request.GET["chart"], data.columns, data.rows)
    page = CountedPaginator(projects, PAGE_SIZE, count=selection["totals"]["projects"]).get_page(
        request.GET.get("page"))
    if wants_json(request):
        return json_page(request, page, PROJECT_COLUMNS, _project_row)
    charts_shown = [dict(chart, data_url=_with(request, chart=chart["id"], format="csv"))
                    for chart, _ in drawn.values()]
    context = {"filter": filterset, "page": page, "charts": charts_shown, "keep": ["sort"],
               "projects": with_amounts_by_currency(page.object_list), **selection}
    return render(request, "projects/portfolio.html", context)


def _with(request, **params):
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in params.items():
        query[name] = value
    return "?" + query.urlencode()


def _summary_selection(request, by, projects):
    """The summary table by `by`, its charts, facets and chips; cached per data version."""
    def compute():
        table = portfolio_summary(by=by, projects=projects, allotments=allotments_of(projects))
        return {"table": table, "without_lines": projects.filter(allotment_count=0).count(),
                "charts": [charts.summary_chart(table, total["currency"]) for total in table["totals"]],
                **_lists(request)}
    return cached("summary", selection_key(request), compute)


def summary(request):
    by = request.GET.get("by", "status")
    filterset, error = _filtered(request)
    if by not in SUMMARY_DIMENSIONS:
        error = f"Unknown grouping “{by}”. Choose one of: {', '.join(SUMMARY_DIMENSIONS)}."
    if error:
        context = {"error": error, "dimensions": SUMMARY_DIMENSIONS, "filter": filterset, "by": by}
        return render(request, "projects/summary.html", context, status=400)
    selection = _summary_selection(request, by, filterset.qs)
    table = selection["table"]
    rows = table["rows"] + table["totals"]
    if wants_export(request):
        return export_response(request, f"portfolio-summary-by-{by}", SUMMARY_COLUMNS,
                               ([row[column] for column in SUMMARY_COLUMNS] for row in rows))
    if wants_json(request):
        return JsonResponse({"by": by, "definition": table["dimension"].definition, "count": len(rows),
                             "rows": [{column: row[column] for column in SUMMARY_COLUMNS} for row in rows]})
    context = {"by": by, "dimensions": SUMMARY_DIMENSIONS, "filter": filterset, "keep": ["by"], **selection}
    return render(request, "projects/summary.html", context)


def project_detail(request, number):
    project = get_object_or_404(
        Project.objects.select_related("programme", "country", "region", "source"),
        number=normalise_project_number(number),
    )
    evaluations = project.programme.evaluations.order_by("year", "slug")
    # Ratings, findings and recommendations live in higher layers: reached through their relations
    # to projects, countries and evaluations, never by importing them.
    context = {
        "project": project,
        "allotments": project.allotments.select_related("source"),
        "totals": totals_by_currency(project.allotments.all()),
        "ratings": project.ratings.select_related("criterion", "scale", "evaluation"),
        "evaluations": evaluations,
        # No report links a finding to a project; the closest evidence is the same evaluations'
        # findings about the project's country.
        "findings": project.country.findings.filter(evaluation__in=evaluations)
        .select_related("evaluation", "source") if project.country_id else [],
        "recommendations": [r for evaluation in evaluations.prefetch_related("recommendations__owners")
                            for r in evaluation.recommendations.all()],
    }
    return render(request, "projects/project_detail.html", context)
