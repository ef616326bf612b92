"""The reconciliation page: every published figure beside its value recomputed from the line items."""

from django.http import JsonResponse
from django.shortcuts import render

from evalbase.lib.aggregates import cached
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.listing import chips, wants_json

from .reconciliation import reconcile
from .reconciliation_list import SORTS, STATUSES, by_evaluation, select

COLUMNS = ["evaluation", "key", "figure", "source", "published_as_printed", "published", "recomputed",
           "difference", "status", "alternative", "alternative_value", "explanation", "line_items"]


def _row(request, r):
    return [r.figure.evaluation.slug, r.figure.key, r.figure.label, r.figure.citation, r.figure.printed_value,
            r.figure.value, "" if r.recomputed is None else r.recomputed, "" if r.difference is None else r.difference,
            r.status, r.alternative_label, "" if r.alternative is None else r.alternative, r.explanation,
            request.build_absolute_uri(r.drilldown.url) if r.drilldown else ""]


def reconciliation(request):
    results = cached("reconciliation", "all", reconcile)  # every figure, once per state of the data
    selection = select(request.GET, results)
    if selection.error:
        return render(request, "reports/reconciliation.html", {"error": selection.error}, status=400)
    rows = selection.results
    if wants_export(request):
        return export_response(request, "reconciliation", COLUMNS, (_row(request, r) for r in rows))
    if wants_json(request):
        return JsonResponse({"count": len(rows), "rows": [dict(zip(COLUMNS, _row(request, r))) for r in rows]},
                            json_dumps_params={"ensure_ascii": False})
    context = {"groups": by_evaluation(rows), "count": len(rows), "facets": selection.facets,
               "chips": chips(request, selection.facets), "sorts": SORTS, "sort": request.GET.get("sort", "table"),
               "counts": {status: sum(1 for r in rows if r.status == status) for status in STATUSES}}
    return render(request, "reports/reconciliation.html", context)
