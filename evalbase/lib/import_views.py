"""The pages of an import, whatever it imports: upload and preview, confirm, a template to fill in.

Between preview and confirm the upload waits in the pending store (evalbase.lib.pending) under a
token kept in the session with the file's name and digest. Confirm takes the file from there (never
from the browser), makes sure it is the one whose preview the person confirmed, and checks it again
before writing. Each app's views call these behind their own permission checks.
"""

import hashlib
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from . import pending
from .importing import run_import, template_csv, template_xlsx
from .tabular import MAX_BYTES, MAX_ROWS, size_problem

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=f"File (.csv in UTF-8 or .xlsx, at most {MAX_BYTES // 1024 // 1024} MB and {MAX_ROWS:,} rows)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := size_problem(upload.size):
            raise ValidationError(problem)
        return upload


@dataclass(frozen=True)
class ImportPages:
    """The pages of one importer; `upload`, `confirm` and `template` are URL names."""

    importer: type
    upload: str
    confirm: str
    template: str

    @property
    def session_key(self):
        return f"import-{self.importer.kind}"

    def context(self, **context):
        return {"importer": self.importer, "columns": self.importer.columns(), "pages": self, **context}

    def upload_page(self, request):
        """The form; once a file is sent, its preview with every problem, and the button to confirm."""
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if not form.is_valid():
            return render(request, "imports/upload.html", self.context(form=form),
                          status=400 if form.is_bound else 200)
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = run_import(self.importer, content, upload.name, commit=False, user=request.user)
        digest = hashlib.sha256(content).hexdigest()
        self.forget(request)
        if report.ok:
            token = pending.keep(content)
            request.session[self.session_key] = {"token": token, "name": upload.name, "digest": digest}
        context = self.context(report=report, digest=digest, confirming=True)
        return render(request, "imports/preview.html", context, status=200 if report.ok else 400)

    def confirm_page(self, request):
        """Write the upload whose preview was confirmed, all or nothing; call on POST only."""
        kept = request.session.get(self.session_key)
        content = pending.load(kept["token"]) if kept else None
        self.forget(request)
        digest = request.POST.get("digest")
        if content is None or kept["digest"] != digest or hashlib.sha256(content).hexdigest() != digest:
            messages.error(request, "Nothing was imported: that preview is no longer current (it was confirmed, "
                                    "replaced by another upload or expired). Upload the file again.")
            return redirect(self.upload)
        report = run_import(self.importer, content, kept["name"], commit=True, user=request.user)
        if not report.committed:  # the database changed since the preview
            return render(request, "imports/preview.html", self.context(report=report), status=409)
        messages.success(request, f"Imported {report.filename}: {report.summary}.")
        return redirect(self.upload)

    def template_download(self, extension):
        """The header and an example row, as CSV or XLSX."""
        if extension not in CONTENT_TYPES:
            raise Http404("No such template.")
        content = template_csv(self.importer) if extension == "csv" else template_xlsx(self.importer)
        response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
        response["Content-Disposition"] = f'attachment; filename="evalbase-{self.importer.kind}-import.{extension}"'
        return response

    def forget(self, request):
        """Drop the upload waiting for confirmation, if any."""
        kept = request.session.pop(self.session_key, None)
        if kept:
            pending.discard(kept["token"])
