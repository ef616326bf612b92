"""The pages that span every app: home, the evaluations, sources, the evidence map."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from evalbase.lib.aggregates import cached, selection_key
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.listing import chips, facet_counts, json_page, wants_json
from evalbase.lib.queries import count_of
from evaluations.models import DataQualityNote, Evaluation, PublishedFigure
from reference.models import SourceDocument
from reports.reconciliation import reconcile

from . import documents
from . import evaluation_list as evaluation_list_rows
from .home import home_figures
from .selectors import EVIDENCE_MAP_COLUMNS, evidence_map, heat_legend


def home(request):
    return render(request, "overview/home.html", cached("home", "", home_figures))


PAGE_SIZE = 50


def evaluation_list(request):
    filterset, error = evaluation_list_rows.filtered(request)
    if error:
        return render(request, "overview/evaluation_list.html", {"filter": filterset, "error": error}, status=400)
    rows = evaluation_list_rows.ordered(filterset)
    if wants_export(request):
        return export_response(request, "evaluations", evaluation_list_rows.COLUMNS,
                               (evaluation_list_rows.export_row(e) for e in rows))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if wants_json(request):
        return json_page(request, page, evaluation_list_rows.COLUMNS, evaluation_list_rows.export_row)
    # The facets' links keep the sort: cached per selection and sort (evalbase/lib/aggregates.py).
    facets = cached("evaluation-facets", selection_key(request), lambda: facet_counts(
        request, evaluation_list_rows.EvaluationFilter, evaluation_list_rows.evaluation_rows(),
        evaluation_list_rows.FACETS))
    context = {"filter": filterset, "page": page, "facets": facets, "keep": ["sort"],
               "chips": chips(request, facets, evaluation_list_rows.FILTER_LABELS),
               "facet_names": [facet.name for facet in evaluation_list_rows.FACETS]}
    return render(request, "overview/evaluation_list.html", context)


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


DOCUMENT_PAGE_SIZE = 100


def source_document(request, pk):
    """A source document's records in document order; `?at=finding-12` opens the page holding that record."""
    document = get_object_or_404(SourceDocument, pk=pk)
    rows = documents.document_index(document)
    paginator = Paginator(rows, DOCUMENT_PAGE_SIZE)
    number = request.GET.get("page")
    kind, _, record = request.GET.get("at", "").rpartition("-")
    if number is None and record.isdigit():
        position = documents.position_of(rows, kind, int(record))
        number = 1 if position is None else position // DOCUMENT_PAGE_SIZE + 1
    page = paginator.get_page(number)
    context = {"document": document, "page": page, "entries": documents.entries(page.object_list),
               "evaluations": Evaluation.objects.filter(source=document)}
    return render(request, "overview/source_document.html", context)


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
