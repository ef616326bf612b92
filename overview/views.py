"""The pages that span every app: home, the evaluations, sources, the evidence map."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.queries import count_of
from evaluations.models import DataQualityNote, Evaluation, PublishedFigure
from findings.models import Finding, Recommendation
from projects.models import Project
from projects.selectors import portfolio_totals
from ratings.models import Rating
from reference.models import SourceDocument
from reports.reconciliation import reconcile

from .selectors import EVIDENCE_MAP_COLUMNS, evidence_map, heat_legend


def home(request):
    evaluations = list(Evaluation.objects.select_related("commissioner__parent").annotate(
        n_findings=count_of(Finding.objects.all(), "evaluation"),
        n_recommendations=count_of(Recommendation.objects.all(), "evaluation"),
        n_ratings=count_of(Rating.objects.all(), "evaluation"),
    ).order_by("-year"))
    agencies = {}
    for evaluation in evaluations:
        agencies.setdefault(evaluation.commissioner.agency, []).append(evaluation)
    context = {
        "evaluations": evaluations,
        "agencies": agencies,
        "portfolio": portfolio_totals(Project.objects.all()),
        "open_recommendations": Recommendation.objects.open().count(),
        "published_figures": PublishedFigure.objects.count(),
    }
    return render(request, "overview/home.html", context)


EVALUATION_COLUMNS = ["slug", "code", "title", "kind", "commissioner", "year", "period_start", "period_end",
                      "countries", "cost", "cost_currency", "source"]


def evaluation_list(request):
    evaluations = Evaluation.objects.select_related("commissioner", "source").annotate(
        n_countries=Count("countries", distinct=True)
    )
    if wants_export(request):
        return export_response(request, "evaluations", EVALUATION_COLUMNS, (
            [e.slug, e.code, e.title, e.kind, e.commissioner.slug, e.year, e.period_start or "",
             e.period_end or "", e.n_countries, "" if e.cost is None else e.cost, e.cost_currency, e.citation]
            for e in evaluations
        ))
    return render(request, "overview/evaluation_list.html", {"evaluations": evaluations})


def evaluation_detail(request, slug):
    evaluation = get_object_or_404(Evaluation.objects.select_related("commissioner", "source"), slug=slug)
    results = reconcile(evaluation=evaluation)
    context = {
        "evaluation": evaluation,
        "participations": evaluation.participations.select_related("organisation"),
        "countries": evaluation.countries.all(),
        "programmes": evaluation.programmes.all(),
        "findings": evaluation.findings.select_related("source"),
        "lessons": evaluation.lessons.all(),
        "recommendations": evaluation.recommendations.prefetch_related("owners").select_related("response"),
        "notes": evaluation.quality_notes.select_related("source"),
        "rating_count": evaluation.ratings.count(),
        "reconciliation": {
            "total": len(results),
            "mismatches": sum(1 for r in results if r.status == "mismatch"),
        },
    }
    return render(request, "overview/evaluation_detail.html", context)


def sources(request):
    documents = SourceDocument.objects.order_by("file_name")
    evaluations = Evaluation.objects.select_related("source").annotate(
        n_notes=count_of(DataQualityNote.objects.all(), "evaluation"),
        n_figures=count_of(PublishedFigure.objects.all(), "evaluation"),
    )
    return render(request, "overview/sources.html", {"documents": documents, "evaluations": evaluations})


EVIDENCE_MAP_EXPORT_COLUMNS = ["criterion", "column", "findings", "ratings", "assessed_ratings",
                               "average_normalised_0_100"]


def evidence_map_page(request):
    by = request.GET.get("by", "theme")
    if by not in EVIDENCE_MAP_COLUMNS:
        error = f"Unknown column “{by}”. Choose one of: {', '.join(EVIDENCE_MAP_COLUMNS)}."
        context = {"error": error, "dimensions": EVIDENCE_MAP_COLUMNS}
        return render(request, "overview/evidence_map.html", context, status=400)
    grid = evidence_map(by=by)
    if wants_export(request):
        return export_response(request, f"evidence-map-by-{by}", EVIDENCE_MAP_EXPORT_COLUMNS, (
            [row["criterion"].code if row["criterion"] else "untagged", column.slug, cell.findings, cell.ratings,
             cell.assessed,
             "" if cell.average is None else cell.average]
            for row in grid["rows"] for column, cell in zip(grid["columns"], row["cells"])
        ))
    context = {"map": grid, "by": by, "dimensions": EVIDENCE_MAP_COLUMNS,
               "legend": heat_legend()}
    return render(request, "overview/evidence_map.html", context)
