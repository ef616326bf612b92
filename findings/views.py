"""The findings search and a finding's page."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.history import recent_changes

from .filters import EvidenceFilter
from .models import Finding
from .selectors import all_evidence_results, evidence_results, search_evidence

SEARCH_COLUMNS = ["type", "evaluation", "code", "title", "text", "criteria", "themes", "countries",
                  "evidence_kind", "evidence", "source"]
RESULTS_PER_PAGE = 25


def _search_row(result):
    return [result.kind, result.evaluation.slug, result.code, result.title, result.record.text,
            "; ".join(c.code for c in result.criteria), "; ".join(t.slug for t in result.themes),
            "; ".join(c.iso2 for c in result.countries), "; ".join(result.evidence_kinds),
            "; ".join(result.evidence), result.record.citation]


def finding_list(request):
    filters = EvidenceFilter(request.GET)
    query = request.GET.get("q", "").strip()
    context = {"filter": filters, "query": query}
    if not filters.is_valid():
        return render(request, "findings/finding_list.html", context, status=400)
    hits = search_evidence(query=query, filters=filters)
    if wants_export(request):
        rows = (_search_row(result) for result in all_evidence_results(hits, query=query))
        return export_response(request, "findings", SEARCH_COLUMNS, rows)
    page = Paginator(hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(page=page, results=evidence_results(page.object_list, query=query))
    return render(request, "findings/finding_list.html", context)


def finding_detail(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("evaluation", "source"), pk=pk)
    context = {
        "finding": finding,
        "evidence": finding.evidence.all(),
        "criterion_tags": finding.criterion_tags.select_related("criterion").order_by("criterion__order"),
        "ratings": finding.ratings.select_related("criterion", "scale", "country", "project", "programme", "source"),
        "recommendations": finding.recommendations.select_related("response__source", "source")
        .prefetch_related("response__actions__source"),
        "history": recent_changes(finding),
    }
    return render(request, "findings/finding_detail.html", context)
