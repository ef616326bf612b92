from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from evalbase.lib.aggregates import cached, selection_key
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.filtering import filter_problems
from evalbase.lib.history import recent_changes
from evalbase.lib.listing import CountedPaginator, Facet, chips, facet_counts, json_page, wants_json
from evalbase.lib.scales import plain
from evalbase.lib.versioning import EditConflict
from reference.models import Criterion

from . import charts
from .filters import ASSESSED, RatingFilter
from .forms import RatingEditForm, RatingGrid, SubjectForm
from .models import Rating
from .selectors import (
    MATRIX_SUBJECTS,
    aggregated_matrix,
    evidence_chain,
    facet_base,
    matrices_by_subject,
    normalised_comparison,
    rating_list,
    sort_problem,
    sorted_ratings,
    without_ratings,
)
from .services import create_ratings, delete_rating, transcribed_refusal, update_rating, validate_grid

RATING_COLUMNS = ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed", "scale",
                  "scale_range", "normalised_0_100", "label", "source"]


def _rating_row(r):
    return [r.evaluation.slug, r.subject_kind, str(r.subject), r.criterion.code,
            "" if r.value is None else plain(r.value), "yes" if r.not_assessed else "no", r.scale.code,
            r.scale.description, "" if r.normalised_value is None else r.normalised_value, r.label, r.citation]


PAGE_SIZE = 50
# The list's filters offered as facets: values with counts for the current selection.
FACETS = [
    Facet("evaluation", "Evaluation", "evaluation__slug", label_field="evaluation__title", limit=30),
    Facet("criterion", "Criterion", "criterion__code", label_field="criterion__name"),
    Facet("subject_kind", "Subject", "subject_kind", choices=tuple(Rating.Subject.choices)),
    Facet("assessed", "Assessed", "assessed_code", choices=tuple(ASSESSED)),
    Facet("country", "Country portfolio", "country__iso2", label_field="country__name"),
    Facet("scale", "Scale", "scale__code", label_field="scale__name"),
]


def _selection(request, ratings):
    """What the list shows about the whole selection: its count, facets, chips and matrices (by subject
    when small enough to read, else aggregated). Cached per data version (evalbase/lib/aggregates.py)."""
    def compute():
        count = ratings.count()
        facets = facet_counts(request, RatingFilter, facet_base(), FACETS)
        matrices = matrices_by_subject(ratings, count)
        aggregated = aggregated_matrix(ratings) if matrices is None and count else None
        return {
            "count": count, "facets": facets, "chips": chips(request, facets),
            "matrices": [(matrix, charts.rating_matrix(matrix)) for matrix in matrices or []],
            "aggregated": aggregated, "aggregated_chart": aggregated and charts.aggregated_matrix(aggregated),
        }
    return cached("ratings", selection_key(request), compute)


def _unrated(filterset, count):
    """The evaluations chosen that publish no ratings, when nothing is listed."""
    chosen = getattr(filterset.form, "cleaned_data", {}).get("evaluation") if not count else None
    return without_ratings(chosen) if chosen else []


def _joined(rows):
    """Every row's relations in the one query an export streams (prefetching would query per chunk)."""
    return rows.prefetch_related(None).select_related("project", "country", "programme", "source")


def ratings(request):
    filterset = RatingFilter(request.GET or None, queryset=rating_list())
    sort = request.GET.get("sort", "")
    if problems := filter_problems(filterset) + list(filter(None, [sort_problem(sort)])):
        context = {"filter": filterset, "errors": problems, "facet_names": [f.name for f in FACETS]}
        return render(request, "ratings/rating_list.html", context, status=400)
    rows = sorted_ratings(filterset.qs, sort)
    if wants_export(request):
        return export_response(request, "ratings", RATING_COLUMNS,
                               (_rating_row(r) for r in _joined(rows).iterator(chunk_size=2000)))
    if wants_json(request):  # the rows and their count, without the facets and matrices
        count = cached("ratings-count", selection_key(request), filterset.qs.count)
        page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
        return json_page(request, page, RATING_COLUMNS, _rating_row)
    selection = _selection(request, filterset.qs)
    page = CountedPaginator(rows, PAGE_SIZE, count=selection["count"]).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "keep": ["sort"], "facet_names": [f.name for f in FACETS],
               "unrated": _unrated(filterset, selection["count"]), "matrix_subjects": MATRIX_SUBJECTS, **selection}
    return render(request, "ratings/rating_list.html", context)


COMPARISON_COLUMNS = ["criterion", "evaluation", "average_normalised_0_100", "assessed_ratings"]


def compare(request):
    table = cached("rating-comparison", "", normalised_comparison)
    if wants_export(request):
        return export_response(request, "rating-comparison", COMPARISON_COLUMNS, (
            [row["criterion"].code, column["evaluation"].slug, cell["average"] if cell else "",
             cell["ratings"] if cell else 0]
            for row in table["rows"] for column, cell in zip(table["columns"], row["cells"])
        ))
    return render(request, "ratings/compare.html", {"table": table, "chart": charts.comparison(table)})


def rating_detail(request, pk):
    rating = get_object_or_404(rating_list(), pk=pk)
    context = {"rating": rating, "findings": evidence_chain(rating), "history": recent_changes(rating)}
    return render(request, "ratings/rating_detail.html", context)


@login_required
@permission_required("ratings.add_rating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rating_new(request):
    """Step 1 (GET): choose evaluation, subject and scale. Step 2: rate all criteria in one grid."""
    subject_form = SubjectForm(request.GET or None)
    if not subject_form.is_valid():
        return render(request, "ratings/rating_new.html", {"subject_form": subject_form})
    evaluation = subject_form.cleaned_data["evaluation"]
    findings = evaluation.findings.order_by("code")
    criteria = Criterion.objects.all()
    initial = [{"criterion": c.code} for c in criteria]
    grid = RatingGrid(request.POST or None, initial=initial, findings=findings)
    if request.method == "POST" and grid.is_valid():
        ratings = validate_grid(subject_form=subject_form, grid=grid)
        if not any(form.errors for form in grid.forms):
            create_ratings(ratings, user=request.user)
            messages.success(request, f"Saved {len(ratings)} ratings.")
            return redirect(_subject_url(subject_form.cleaned_data))
    by_code = {c.code: c for c in criteria}
    for form in grid.forms:
        form.criterion_object = by_code.get(form["criterion"].value())
    context = {"subject_form": subject_form, "grid": grid,
               "scale": subject_form.cleaned_data["scale"], "subject": subject_form.cleaned_data["subject_object"]}
    return render(request, "ratings/rating_new.html", context, status=400 if grid.is_bound else 200)


def _subject_url(data):
    subject = data["subject_object"]
    if data["subject_kind"] == "project":
        return subject.get_absolute_url()
    return f"/ratings/?evaluation={data['evaluation'].slug}"


@login_required
@permission_required("ratings.change_rating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rating_edit(request, pk):
    rating = get_object_or_404(rating_list(), pk=pk)
    if refusal := transcribed_refusal(rating):
        return render(request, "ratings/rating_transcribed.html", {"rating": rating, "refusal": refusal}, status=403)
    form = RatingEditForm(request.POST or None, instance=rating)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            update_rating(rating, version=form.cleaned_data["version"], changes=form.changes(),
                          findings=form.cleaned_data["supporting_findings"], user=request.user)
        except EditConflict as conflict:
            stale = conflict.conflicts
        else:
            messages.success(request, "Rating saved.")
            return redirect(rating.get_absolute_url())
    status = 409 if stale is not None else (400 if form.is_bound else 200)
    return render(request, "ratings/rating_edit.html", {"rating": rating, "form": form, "stale": stale},
                  status=status)


@login_required
@permission_required("ratings.delete_rating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rating_delete(request, pk):
    rating = get_object_or_404(rating_list(), pk=pk)
    if refusal := transcribed_refusal(rating):
        return render(request, "ratings/rating_transcribed.html", {"rating": rating, "refusal": refusal}, status=403)
    if request.method == "POST":
        delete_rating(rating, user=request.user)
        messages.success(request, "Rating deleted. Its history is kept; an admin can restore it.")
        return redirect(f"/ratings/?evaluation={rating.evaluation.slug}")
    return render(request, "ratings/rating_delete.html", {"rating": rating})
