from django.shortcuts import get_object_or_404, render

from evalbase.exports import csv_response, wants_csv

from .models import Finding
from .selectors import recommendation_list

RECOMMENDATION_COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text",
                          "status", "due_date", "source"]


def recommendations(request):
    rows = recommendation_list()
    if wants_csv(request):
        def row(r):
            response = getattr(r, "response", None)
            return [r.evaluation.slug, r.number, r.text, "; ".join(o.name for o in r.owners.all()),
                    response.get_stance_display() if response else "", response.text if response else "",
                    r.get_status_display(), r.due_date or "", r.citation]
        return csv_response("recommendations", RECOMMENDATION_COLUMNS, (row(r) for r in rows))
    return render(request, "findings/recommendation_list.html", {"recommendations": rows})


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(recommendation_list(), pk=pk)
    context = {
        "recommendation": recommendation,
        "findings": recommendation.findings.select_related("source"),
        "actions": recommendation.response.actions.all() if hasattr(recommendation, "response") else [],
    }
    return render(request, "findings/recommendation_detail.html", context)


def finding_detail(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("evaluation", "source"), pk=pk)
    context = {
        "finding": finding,
        "evidence": finding.evidence.all(),
        "ratings": finding.ratings.select_related("criterion", "scale", "country", "project", "programme"),
        "recommendations": finding.recommendations.all(),
    }
    return render(request, "findings/finding_detail.html", context)
