"""The pages of an import, whatever it imports: upload and preview, confirm, a template to fill in,
and the page of a job.

Checking a file and writing it are background jobs (evalbase.lib.jobs): the upload and the
confirmation answer at once with the job's page, which shows a progress bar until the job is done,
then its report. Between preview and confirm the upload waits in the pending store
(evalbase.lib.pending) under a token kept in the session with the file's name, digest and preview
job. Confirm takes the file from there (never from the browser), makes sure it is the one whose
preview the person confirmed, and the job checks it again before writing. Each app's views call
these behind their own permission checks; a job's page is seen by who started it (or an admin).
"""

import hashlib
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from . import pending
from .importing import template_csv, template_xlsx
from .jobs.models import ImportJob
from .jobs.tasks import start
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


PAGES = {}  # kind -> ImportPages, for the job pages


@dataclass(frozen=True)
class ImportPages:
    """The pages of one importer; `upload`, `confirm` and `template` are URL names."""

    importer: type
    upload: str
    confirm: str
    template: str

    def __post_init__(self):
        PAGES[self.importer.kind] = self

    @property
    def session_key(self):
        return f"import-{self.importer.kind}"

    def context(self, **context):
        return {"importer": self.importer, "columns": self.importer.columns(), "pages": self, **context}

    def upload_page(self, request):
        """The form; once a file is sent, a job checking it, whose page shows its preview and the button to confirm."""
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if not form.is_valid():
            return render(request, "imports/upload.html", self.context(form=form),
                          status=400 if form.is_bound else 200)
        upload = form.cleaned_data["file"]
        content = upload.read()
        self.forget(request)
        job = self.start(request, token=pending.keep(content), filename=upload.name,
                         digest=hashlib.sha256(content).hexdigest(), commit=False)
        request.session[self.session_key] = {"token": job.token, "name": job.filename, "digest": job.digest,
                                             "job": str(job.pk)}
        return redirect("import_job", job.pk)

    def confirm_page(self, request):
        """Queue the write of the upload whose preview was confirmed, all or nothing; call on POST only."""
        kept = request.session.pop(self.session_key, None) or {}
        preview = ImportJob.objects.filter(pk=kept.get("job"), user=request.user, commit=False).first()
        digest = request.POST.get("digest")
        content = pending.load(kept["token"]) if preview else None
        if (content is None or preview.result is None or preview.result["problem_count"] or kept["digest"] != digest
                or hashlib.sha256(content).hexdigest() != digest):
            pending.discard(kept.get("token"))
            messages.error(request, "Nothing was imported: that preview is no longer current (it was confirmed, "
                                    "replaced by another upload or expired). Upload the file again.")
            return redirect(self.upload)
        job = self.start(request, token=kept["token"], filename=kept["name"], digest=digest, commit=True,
                         preview_of=preview)
        return redirect("import_job", job.pk)

    def start(self, request, **fields):
        importer = self.importer
        job = ImportJob.objects.create(user=request.user, importer=f"{importer.__module__}.{importer.__qualname__}",
                                       kind=importer.kind, **fields)
        start(job)
        return job

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


@login_required
def job_page(request, job_id):
    """How far a job got (a progress bar, the page refreshing itself), then its report."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not job.may_be_seen_by(request.user) or job.kind not in PAGES:
        raise Http404("No such import.")
    pages = PAGES[job.kind]
    kept = request.session.get(pages.session_key) or {}
    context = pages.context(job=job, report=job.report, digest=job.digest,
                            confirming=not job.commit and kept.get("job") == str(job.pk))
    return render(request, "imports/job.html", context)
