"""The findings search, a finding's page, and the staff pages that add, edit and delete findings and lessons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from evalbase.lib.aggregates import cached, selection_key
from evalbase.lib.exports import export_response, wants_export
from evalbase.lib.history import recent_changes
from evalbase.lib.listing import CountedPaginator, chips, json_page, wants_json
from evalbase.lib.versioning import EditConflict

from .facets import FACET_NAMES, evidence_facets, total
from .filters import EvidenceFilter
from .forms import EvidenceFormSet, FindingForm, LessonForm
from .models import Finding, Lesson
from .selectors import ORDERS, all_evidence_results, evidence_results, search_evidence
from .services import (
    create_finding,
    create_lesson,
    delete_finding,
    delete_lesson,
    deletion_refusal,
    transcribed_refusal,
    update_finding,
    update_lesson,
)
from .tags import Search

SEARCH_COLUMNS = ["type", "evaluation", "code", "title", "text", "criteria", "themes", "countries",
                  "evidence_kind", "evidence", "source"]
RESULTS_PER_PAGE = 25


def _search_row(result):
    return [result.kind, result.evaluation.slug, result.code, result.title, result.record.text,
            "; ".join(c.code for c in result.criteria), "; ".join(t.slug for t in result.themes),
            "; ".join(c.iso2 for c in result.countries), "; ".join(result.evidence_kinds),
            "; ".join(result.evidence), result.record.citation]


FILTER_LABELS = {"q": "Search", "organisation": "Organisation", "untagged": "No criterion tag"}


def _json_row(result):
    return [*_search_row(result), result.record.pk, result.url, str(result.snippet)]


def finding_list(request):
    filters = EvidenceFilter(request.GET)
    query, sort = request.GET.get("q", "").strip(), request.GET.get("sort") or None
    context = {"filter": filters, "query": query, "facet_names": FACET_NAMES, "keep": ["q", "sort"]}
    if sort not in (None, *ORDERS):
        context["error"] = f"Unknown sort “{sort}”: sort by {' or '.join(ORDERS)}."
    if context.get("error") or not filters.is_valid():
        return render(request, "findings/finding_list.html", context, status=400)
    search = Search.read(query)
    hits = search_evidence(query=search, filters=filters, sort=sort)
    if wants_export(request):
        rows = (_search_row(result) for result in all_evidence_results(hits, query=search))
        return export_response(request, "findings", SEARCH_COLUMNS, rows)
    facets = cached("findings", selection_key(request),
                    lambda: evidence_facets(request, filters, search))
    page = CountedPaginator(hits, RESULTS_PER_PAGE, count=total(facets)).get_page(request.GET.get("page"))
    results = evidence_results(page.object_list, query=search)
    if wants_json(request):
        page.object_list = results
        return json_page(request, page, [*SEARCH_COLUMNS, "id", "url", "snippet"], _json_row)
    context.update(page=page, results=results, facets=facets, chips=chips(request, facets, FILTER_LABELS),
                   hints=search.hints(request.GET), sort=sort or ("relevance" if search else "evaluation"),
                   searching=bool(search))
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


# -- staff pages: add, edit and delete findings and lessons (every write through findings.services) --

def _refused(request, record, refusal, status=403):
    """A page explaining why `record` cannot be changed here, instead of a form."""
    context = {"record": record, "refusal": refusal, "back": _page_of(record)}
    return render(request, "findings/refused.html", context, status=status)


def _confirm_delete(request, record):
    context = {"record": record, "noun": record._meta.verbose_name, "back": _page_of(record)}
    return render(request, "findings/confirm_delete.html", context)


def _page_of(record):
    """Where a finding or a lesson is shown: a finding's own page, a lesson's place on its evaluation's page."""
    if isinstance(record, Lesson):
        return f"{record.evaluation.get_absolute_url()}#lesson-{record.number}"
    return record.get_absolute_url()


def _save(form, write):
    """Run `write()` (a findings.services call); on refusal show why on `form`. Returns (saved, status)."""
    try:
        write()
    except EditConflict as conflict:
        form.add_error(None, conflict)
        form.rebase(conflict.version)
        return False, 409
    except ValidationError as error:
        form.add_service_error(error)
        return False, 400
    return True, 200


@login_required
@permission_required("findings.add_finding", raise_exception=True)
@require_http_methods(["GET", "POST"])
def finding_new(request):
    form = FindingForm(request.POST or None, initial={"evaluation": request.GET.get("evaluation")})
    evidence = EvidenceFormSet(request.POST or None, instance=form.instance, prefix="evidence")
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid() and evidence.is_valid():
        saved, status = _save(form, lambda: create_finding(
            form.instance, criteria=form.criterion_tags(), themes=form.cleaned_data["themes"],
            countries=form.cleaned_data["countries"], evidence=evidence.records(), user=request.user))
        if saved:
            messages.success(request, f"Finding {form.instance.code} added.")
            return redirect(form.instance)
    context = {"form": form, "evidence": evidence}
    return render(request, "findings/finding_form.html", context, status=status)


@login_required
@permission_required("findings.change_finding", raise_exception=True)
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("evaluation", "source"), pk=pk)
    if refusal := transcribed_refusal(finding):
        return _refused(request, finding, refusal)
    form = FindingForm(request.POST or None, instance=finding)
    evidence = EvidenceFormSet(request.POST or None, instance=finding, prefix="evidence")
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid() and evidence.is_valid():
        saved, status = _save(form, lambda: update_finding(
            finding, version=form.cleaned_data["version"], changes=form.changes(),
            criteria=form.criterion_tags(), themes=form.cleaned_data["themes"],
            countries=form.cleaned_data["countries"], evidence=evidence.records(), user=request.user,
            reason=form.cleaned_data["reason"]))
        if saved:
            messages.success(request, f"Finding {finding.code} saved.")
            return redirect(finding)
    context = {"form": form, "evidence": evidence, "finding": finding}
    return render(request, "findings/finding_form.html", context, status=status)


@login_required
@permission_required("findings.delete_finding", raise_exception=True)
@require_http_methods(["GET", "POST"])
def finding_delete(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("evaluation", "source"), pk=pk)
    if refusal := transcribed_refusal(finding):
        return _refused(request, finding, refusal)
    if refusal := deletion_refusal(finding):
        return _refused(request, finding, refusal, status=409)
    if request.method == "POST":
        delete_finding(finding, user=request.user)
        messages.success(request, f"Finding {finding.code} deleted, with its quantitative evidence. "
                                  "Its history is kept.")
        return redirect(finding.evaluation)
    return _confirm_delete(request, finding)


@login_required
@permission_required("findings.add_lesson", raise_exception=True)
@require_http_methods(["GET", "POST"])
def lesson_new(request):
    form = LessonForm(request.POST or None, initial={"evaluation": request.GET.get("evaluation")})
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        saved, status = _save(form, lambda: create_lesson(
            form.instance, criteria=form.cleaned_data["criteria"], themes=form.cleaned_data["themes"],
            user=request.user))
        if saved:
            messages.success(request, f"Lesson {form.instance.number} added.")
            return redirect(_page_of(form.instance))
    return render(request, "findings/lesson_form.html", {"form": form}, status=status)


@login_required
@permission_required("findings.change_lesson", raise_exception=True)
@require_http_methods(["GET", "POST"])
def lesson_edit(request, pk):
    lesson = get_object_or_404(Lesson.objects.select_related("evaluation", "source"), pk=pk)
    if refusal := transcribed_refusal(lesson):
        return _refused(request, lesson, refusal)
    form = LessonForm(request.POST or None, instance=lesson)
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        saved, status = _save(form, lambda: update_lesson(
            lesson, version=form.cleaned_data["version"], changes=form.changes(),
            criteria=form.cleaned_data["criteria"], themes=form.cleaned_data["themes"], user=request.user,
            reason=form.cleaned_data["reason"]))
        if saved:
            messages.success(request, f"Lesson {lesson.number} saved.")
            return redirect(_page_of(lesson))
    context = {"form": form, "lesson": lesson}
    return render(request, "findings/lesson_form.html", context, status=status)


@login_required
@permission_required("findings.delete_lesson", raise_exception=True)
@require_http_methods(["GET", "POST"])
def lesson_delete(request, pk):
    lesson = get_object_or_404(Lesson.objects.select_related("evaluation", "source"), pk=pk)
    if refusal := transcribed_refusal(lesson):
        return _refused(request, lesson, refusal)
    if request.method == "POST":
        delete_lesson(lesson, user=request.user)
        messages.success(request, f"Lesson {lesson.number} deleted. Its history is kept.")
        return redirect(f"{lesson.evaluation.get_absolute_url()}#lessons")
    return _confirm_delete(request, lesson)
