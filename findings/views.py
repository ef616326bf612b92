from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ratings.models import Rating

from evalbase.exports import export_response, wants_export

from .filters import EvidenceFilter, RecommendationFilter
from .models import Finding
from .selectors import (all_evidence_results, evidence_results, recommendation_counts, recommendation_list,
                        search_evidence)

RECOMMENDATION_COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text",
                          "status", "due_date", "source"]
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


def _recommendation_row(r):
    response = getattr(r, "response", None)
    return [r.evaluation.slug, r.number, r.text, "; ".join(o.name for o in r.owners.all()),
            response.get_stance_display() if response else "", response.text if response else "",
            r.get_status_display(), r.due_date or "", r.citation]


def recommendations(request):
    filters = RecommendationFilter(request.GET, queryset=recommendation_list())
    context = {"filter": filters}
    if not filters.is_valid():
        return render(request, "findings/recommendation_list.html", context, status=400)
    rows = filters.qs
    if wants_export(request):
        rows = (_recommendation_row(r) for r in rows)
        return export_response(request, "recommendations", RECOMMENDATION_COLUMNS, rows)
    context.update(recommendations=rows, counts=recommendation_counts(rows))
    return render(request, "findings/recommendation_list.html", context)


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(recommendation_list(), pk=pk)
    findings = recommendation.findings.select_related("source")
    context = {
        "recommendation": recommendation,
        "findings": findings,
        # The chain starts at the ratings its findings support.
        "ratings": Rating.objects.filter(supporting_findings__in=findings).distinct()
        .select_related("criterion", "scale", "country", "project", "programme", "source"),
        "actions": recommendation.response.actions.select_related("source")
        if hasattr(recommendation, "response") else [],
    }
    return render(request, "findings/recommendation_detail.html", context)


def finding_detail(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("evaluation", "source"), pk=pk)
    context = {
        "finding": finding,
        "evidence": finding.evidence.all(),
        "ratings": finding.ratings.select_related("criterion", "scale", "country", "project", "programme", "source"),
        "recommendations": finding.recommendations.select_related("response__source", "source")
        .prefetch_related("response__actions__source"),
    }
    return render(request, "findings/finding_detail.html", context)
