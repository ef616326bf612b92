from django.shortcuts import get_object_or_404, render

from evalbase.exports import csv_response, wants_csv

from .models import Project
from .numbers import normalise_project_number
from .selectors import DIMENSIONS, portfolio_summary, project_list

SUMMARY_COLUMNS = ["group", "projects", "allotments", "allotment_usd", "expenditure_usd", "allotment_pct",
                   "average_project_usd"]
PROJECT_COLUMNS = ["number", "title", "programme", "country", "region", "approach", "start_year", "status",
                   "allotments", "allotment", "expenditure", "currency", "source"]


def portfolio(request):
    projects = project_list()
    if wants_csv(request):
        return csv_response("portfolio", PROJECT_COLUMNS, (
            [p.display_number, p.title, p.programme.slug, p.country.iso2 if p.country else "",
             p.region.name if p.region else "", p.get_approach_display(), p.start_year or "",
             p.get_status_display(), p.allotment_count, p.allotment_total, p.expenditure_total, "USD",
             p.citation]
            for p in projects.iterator(chunk_size=2000)
        ))
    return render(request, "projects/portfolio.html", {"projects": projects})


def summary(request):
    by = request.GET.get("by", "status")
    if by not in DIMENSIONS:
        choices = ", ".join(DIMENSIONS)
        context = {"error": f"Unknown grouping “{by}”. Choose one of: {choices}.", "dimensions": DIMENSIONS}
        return render(request, "projects/summary.html", context, status=400)
    table = portfolio_summary(by=by)
    if wants_csv(request):
        rows = table["rows"] + [table["total"]]
        return csv_response(f"portfolio-summary-by-{by}", SUMMARY_COLUMNS,
                            ([row[column] for column in SUMMARY_COLUMNS] for row in rows))
    return render(request, "projects/summary.html", {"table": table, "by": by, "dimensions": DIMENSIONS})


def project_detail(request, number):
    project = get_object_or_404(
        Project.objects.select_related("programme", "country", "region", "source"),
        number=normalise_project_number(number),
    )
    context = {
        "project": project,
        "allotments": project.allotments.select_related("source"),
        "ratings": project.ratings.select_related("criterion", "scale", "evaluation"),
    }
    return render(request, "projects/project_detail.html", context)
