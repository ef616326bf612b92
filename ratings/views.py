from django.shortcuts import get_object_or_404, render

from evalbase.exports import export_response, wants_export

from . import charts
from .filters import RatingFilter
from .scales import plain
from .selectors import (EVIDENCE_MAP_COLUMNS, evidence_chain, evidence_map, heat_legend, normalised_comparison,
                        rating_list, rating_matrices)

RATING_COLUMNS = ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed", "scale",
                  "scale_range", "normalised_0_100", "label", "source"]


def _rating_row(r):
    return [r.evaluation.slug, r.subject_kind, str(r.subject), r.criterion.code,
            "" if r.value is None else plain(r.value), "yes" if r.not_assessed else "no", r.scale.code,
            r.scale.description, "" if r.normalised_value is None else r.normalised_value, r.label, r.citation]


def _query_without_format(request):
    params = request.GET.copy()
    params.pop("format", None)
    return params.urlencode()


def ratings(request):
    filterset = RatingFilter(request.GET or None, queryset=rating_list())
    if filterset.is_bound and not filterset.is_valid():
        problems = [f"{filterset.form.fields[name].label}: {' '.join(errors)}"
                    for name, errors in filterset.form.errors.items()]
        context = {"filter": filterset, "errors": problems}
        return render(request, "ratings/rating_list.html", context, status=400)
    if wants_export(request):
        return export_response(request, "ratings", RATING_COLUMNS,
                               (_rating_row(r) for r in filterset.qs.iterator(chunk_size=2000)))
    rows = list(filterset.qs)
    context = {
        "filter": filterset, "ratings": rows, "query": _query_without_format(request),
        "matrices": [(matrix, charts.rating_matrix(matrix)) for matrix in rating_matrices(rows)],
    }
    return render(request, "ratings/rating_list.html", context)


COMPARISON_COLUMNS = ["criterion", "evaluation", "average_normalised_0_100", "assessed_ratings"]
EVIDENCE_MAP_EXPORT_COLUMNS = ["criterion", "column", "findings", "ratings", "assessed_ratings",
                               "average_normalised_0_100"]


def compare(request):
    table = normalised_comparison()
    if wants_export(request):
        return export_response(request, "rating-comparison", COMPARISON_COLUMNS, (
            [row["criterion"].code, column["evaluation"].slug, cell["average"] if cell else "",
             cell["ratings"] if cell else 0]
            for row in table["rows"] for column, cell in zip(table["columns"], row["cells"])
        ))
    return render(request, "ratings/compare.html", {"table": table, "chart": charts.comparison(table)})


def evidence_map_page(request):
    by = request.GET.get("by", "theme")
    if by not in EVIDENCE_MAP_COLUMNS:
        error = f"Unknown column “{by}”. Choose one of: {', '.join(EVIDENCE_MAP_COLUMNS)}."
        context = {"error": error, "dimensions": EVIDENCE_MAP_COLUMNS}
        return render(request, "ratings/evidence_map.html", context, status=400)
    grid = evidence_map(by=by)
    if wants_export(request):
        return export_response(request, f"evidence-map-by-{by}", EVIDENCE_MAP_EXPORT_COLUMNS, (
            [row["criterion"].code, column.slug, cell.findings, cell.ratings, cell.assessed,
             "" if cell.average is None else cell.average]
            for row in grid["rows"] for column, cell in zip(grid["columns"], row["cells"])
        ))
    context = {"map": grid, "by": by, "dimensions": EVIDENCE_MAP_COLUMNS,
               "legend": heat_legend()}
    return render(request, "ratings/evidence_map.html", context)


def rating_detail(request, pk):
    rating = get_object_or_404(rating_list(), pk=pk)
    return render(request, "ratings/rating_detail.html", {"rating": rating, "findings": evidence_chain(rating)})
