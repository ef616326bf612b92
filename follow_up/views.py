"""The recommendation tracker, a recommendation's page, the overdue list and the follow-up form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from evalbase.lib.aggregates import cached, selection_key
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.filtering import bound_filter
from evalbase.lib.listing import CountedPaginator, Facet, chips, facet_counts, json_page, wants_json
from evalbase.lib.versioning import EditConflict
from findings.models import Recommendation
from ratings.models import Rating

from .filters import OVERDUE, STANCES, RecommendationFilter
from .forms import FollowUpForm
from .selectors import (
    NO_OWNER,
    due_date_changes,
    grouped_by_owner,
    overdue_by_owner,
    overdue_rows,
    recommendation_counts,
    recommendation_history,
    recommendation_list,
    slip_count,
    with_keys,
)
from .services import update_recommendation

RECOMMENDATION_COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text",
                          "status", "due_date", "source"]
OVERDUE_COLUMNS = ["owner", "evaluation", "number", "text", "status", "due_date", "days_overdue", "slips"]
PAGE_SIZE = 50
# The filters offered as facets: values with counts for the current selection.
FACETS = [
    Facet("status", "Status", "status", choices=tuple(Recommendation.Status.choices)),
    Facet("overdue", "Overdue", "overdue_key", choices=tuple(OVERDUE)),
    Facet("stance", "Management response", "stance_key", choices=tuple(STANCES)),
    Facet("owner", "Responsibility owner", "owners__name", limit=30),
    Facet("evaluation", "Evaluation", "evaluation__slug", label_field="evaluation__title", limit=30),
]
OVERDUE_FACETS = [facet for facet in FACETS if facet.name in ("evaluation", "owner", "status", "stance")]


def _filtered(request, queryset):
    """The RecommendationFilter over `queryset` for this request, and a message when a value is not valid."""
    return bound_filter(RecommendationFilter, request, with_keys(queryset))


def _listing(request, name, base, facets, figures):
    """Facets, chips and `figures(filtered base)` for the current selection; cached per data version and day."""
    def compute():
        found = facet_counts(request, RecommendationFilter, with_keys(base), facets)
        chosen = RecommendationFilter(request.GET or None, queryset=with_keys(base)).qs
        return {"facets": found, "chips": chips(request, found), "facet_names": [f.name for f in facets],
                **figures(chosen)}
    key = selection_key(request, ignore=("page", "format", "sort"))
    return cached(f"{name}:{timezone.localdate()}", key, compute)


def _recommendation_row(r):
    response = getattr(r, "response", None)
    return [r.evaluation.slug, r.number, r.text, "; ".join(o.name for o in r.owners.all()),
            response.get_stance_display() if response else "", response.text if response else "",
            r.get_status_display(), r.due_date or "", r.citation]


def recommendations(request):
    filterset, error = _filtered(request, recommendation_list())
    if error:
        return render(request, "follow_up/recommendation_list.html", {"filter": filterset, "error": error},
                      status=400)
    rows = filterset.qs
    if wants_export(request):
        return export_response(request, "recommendations", RECOMMENDATION_COLUMNS,
                               (_recommendation_row(r) for r in rows.iterator(chunk_size=2000)))
    selection = _listing(request, "recommendations", Recommendation.objects.all(), FACETS,
                         lambda chosen: {"counts": recommendation_counts(chosen)})
    page = CountedPaginator(rows, PAGE_SIZE, count=selection["counts"]["total"]).get_page(request.GET.get("page"))
    if wants_json(request):
        return json_page(request, page, RECOMMENDATION_COLUMNS, _recommendation_row)
    context = {"filter": filterset, "page": page, "keep": ["sort"], **selection}
    return render(request, "follow_up/recommendation_list.html", context)


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(recommendation_list(), pk=pk)
    findings = recommendation.findings.select_related("source")
    changes = due_date_changes(recommendation)
    context = {
        "recommendation": recommendation,
        "findings": findings,
        # The chain starts at the ratings its findings support.
        "ratings": Rating.objects.filter(supporting_findings__in=findings).distinct()
        .select_related("criterion", "scale", "country", "project", "programme", "source"),
        "actions": recommendation.response.actions.select_related("source")
        if hasattr(recommendation, "response") else [],
        "due_date_changes": changes,
        "slips": slip_count(changes),
        "history": recommendation_history(recommendation),
    }
    return render(request, "follow_up/recommendation_detail.html", context)


def _overdue_row(r):
    return [r.owner_name or NO_OWNER, r.evaluation.slug, r.number, r.text, r.get_status_display(), r.due_date,
            (timezone.localdate() - r.due_date).days, r.slips]


def overdue(request):
    filterset, error = _filtered(request, recommendation_list())
    if error:
        return render(request, "follow_up/overdue.html", {"filter": filterset, "error": error}, status=400)
    owners = [name for name in request.GET.getlist("owner") if name]
    rows = overdue_rows(filterset.qs, owners=owners)
    if wants_export(request):
        return export_response(request, "overdue-recommendations", OVERDUE_COLUMNS,
                               (_overdue_row(r) for r in rows.iterator(chunk_size=2000)))
    selection = _listing(request, "overdue", Recommendation.objects.overdue(), OVERDUE_FACETS,
                         lambda chosen: {"owners": overdue_by_owner(chosen, owners=owners)})
    count = sum(owner["count"] for owner in selection["owners"])
    page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    if wants_json(request):
        return json_page(request, page, OVERDUE_COLUMNS, _overdue_row)
    context = {"filter": filterset, "page": page, "groups": grouped_by_owner(page.object_list), **selection}
    return render(request, "follow_up/overdue.html", context)


@login_required
@permission_required("findings.change_recommendation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def follow_up(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("evaluation"), pk=pk)
    if request.method == "GET":
        form = FollowUpForm.for_recommendation(recommendation)
        return render(request, "follow_up/follow_up.html", {"recommendation": recommendation, "form": form})
    form = FollowUpForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            update_recommendation(recommendation, version=form.cleaned_data["version"],
                                  changes=form.follow_up_data(), user=request.user,
                                  reason=form.cleaned_data["reason"])
        except EditConflict as conflict:
            status = 409
            form.add_error(None, conflict)
            form.rebase(conflict.version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The follow-up of {recommendation} was saved.")
            return redirect(recommendation)
    context = {"recommendation": recommendation, "form": form}
    return render(request, "follow_up/follow_up.html", context, status=status)
