"""Staff pages for bulk import: upload, preview with every problem, confirm. The work is in imports.py.

Between preview and confirm the upload stays on the server under an unguessable token kept in the
session; confirm reads it from there (never from the browser) and checks it again before writing.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import imports

PAGES = {"portfolio": "projects:import_portfolio", "ratings": "projects:import_ratings"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ImportForm(forms.Form):
    file = forms.FileField(label="File (.csv in UTF-8 or .xlsx, at most 10 MB and 100,000 rows)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := imports.size_problem(upload.size):
            raise ValidationError(problem)
        return upload


@login_required
@permission_required("projects.add_project", raise_exception=True)
def import_portfolio(request):
    return _upload(request, "portfolio")


@login_required
@permission_required("ratings.add_rating", raise_exception=True)
def import_ratings(request):
    return _upload(request, "ratings")


@require_POST
@login_required
@permission_required("projects.add_project", raise_exception=True)
def confirm_portfolio(request):
    return _confirm(request, "portfolio")


@require_POST
@login_required
@permission_required("ratings.add_rating", raise_exception=True)
def confirm_ratings(request):
    return _confirm(request, "ratings")


@login_required
def import_template(request, extension):
    kind = request.GET.get("kind", "portfolio")
    if kind not in imports.IMPORTERS or extension not in CONTENT_TYPES:
        raise Http404("No such template.")
    content = imports.template_csv(kind) if extension == "csv" else imports.template_xlsx(kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="evalbase-{kind}-import.{extension}"'
    return response


def _upload(request, kind):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if not form.is_valid():
        context = {"form": form, "importer": imports.IMPORTERS[kind]()}
        return render(request, "projects/import.html", context, status=400 if form.is_bound else 200)
    upload = form.cleaned_data["file"]
    content = upload.read()
    report = imports.run_import(kind, content, upload.name, commit=False)
    digest = hashlib.sha256(content).hexdigest()
    previous = request.session.pop(f"import-{kind}", None)
    if previous:
        imports.discard_pending(previous["token"])
    if report.ok:
        token = imports.keep_pending(content)
        request.session[f"import-{kind}"] = {"token": token, "name": upload.name, "digest": digest}
    context = {"report": report, "importer": imports.IMPORTERS[kind](), "digest": digest,
               "confirm": f"projects:confirm_{kind}", "page": PAGES[kind]}
    return render(request, "projects/import_preview.html", context, status=200 if report.ok else 400)


def _confirm(request, kind):
    pending = request.session.pop(f"import-{kind}", None)
    content = imports.load_pending(pending["token"]) if pending else None
    if pending:
        imports.discard_pending(pending["token"])
    if content is None or pending["digest"] != request.POST.get("digest"):
        messages.error(request, "Nothing was imported: that preview is no longer current (it was confirmed, "
                                "replaced by another upload or expired). Upload the file again.")
        return redirect(PAGES[kind])
    report = imports.run_import(kind, content, pending["name"], commit=True)
    if not report.committed:  # the database changed since the preview
        context = {"report": report, "importer": imports.IMPORTERS[kind](), "page": PAGES[kind]}
        return render(request, "projects/import_preview.html", context, status=409)
    messages.success(request, f"Imported {report.filename}: {report.summary}.")
    return redirect(PAGES[kind])
