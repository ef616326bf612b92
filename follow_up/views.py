"""The recommendation tracker, a recommendation's page, the overdue list and the follow-up form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.versioning import EditConflict
from findings.models import Recommendation
from ratings.models import Rating

from .filters import RecommendationFilter
from .forms import FollowUpForm
from .selectors import (
    due_date_changes,
    overdue_by_owner,
    recommendation_counts,
    recommendation_history,
    recommendation_list,
    slip_count,
)
from .services import update_recommendation

RECOMMENDATION_COLUMNS = ["evaluation", "number", "text", "owners", "management_response", "response_text",
                          "status", "due_date", "source"]
OVERDUE_COLUMNS = ["owner", "evaluation", "number", "text", "status", "due_date", "days_overdue", "slips"]


def _recommendation_row(r):
    response = getattr(r, "response", None)
    return [r.evaluation.slug, r.number, r.text, "; ".join(o.name for o in r.owners.all()),
            response.get_stance_display() if response else "", response.text if response else "",
            r.get_status_display(), r.due_date or "", r.citation]


def recommendations(request):
    filters = RecommendationFilter(request.GET, queryset=recommendation_list())
    context = {"filter": filters}
    if not filters.is_valid():
        return render(request, "follow_up/recommendation_list.html", context, status=400)
    rows = filters.qs
    if wants_export(request):
        rows = (_recommendation_row(r) for r in rows)
        return export_response(request, "recommendations", RECOMMENDATION_COLUMNS, rows)
    context.update(recommendations=rows, counts=recommendation_counts(rows))
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


def overdue(request):
    groups = overdue_by_owner()
    if wants_export(request):
        rows = ([group.owner, row.recommendation.evaluation.slug, row.recommendation.number,
                 row.recommendation.text, row.recommendation.get_status_display(), row.recommendation.due_date,
                 row.days_overdue, row.slips]
                for group in groups for row in group.recommendations)
        return export_response(request, "overdue-recommendations", OVERDUE_COLUMNS, rows)
    return render(request, "follow_up/overdue.html", {"groups": groups})


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
