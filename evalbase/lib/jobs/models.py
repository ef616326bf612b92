"""One check or write of an uploaded file, run by the task queue (evalbase.lib.jobs.tasks): who
started it, how far it got, and what it found or wrote."""

import uuid
from types import SimpleNamespace

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "waiting for a worker"
        READING = "reading", "reading the file"
        CHECKING = "checking", "checking every row"
        WRITING = "writing", "writing, all or nothing"
        DONE = "done", "finished"
        FAILED = "failed", "failed"

    # Unguessable: the job's page is its address, shown to the person who started it only.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    importer = models.CharField(max_length=200)  # the Importer subclass, "projects.imports.PortfolioImport"
    kind = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    token = models.CharField(max_length=60)  # the upload in the pending store (evalbase.lib.pending)
    digest = models.CharField(max_length=64)  # its SHA-256, checked before it is read
    commit = models.BooleanField(default=False)  # write (confirm) or only check (preview)
    preview_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)  # rows read
    checked = models.PositiveIntegerField(default=0)  # steps of the check done, two a row (Progress)
    result = models.JSONField(null=True, blank=True)  # the report (evalbase.lib.jobs.tasks.stored_report)
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"], name="import_job_user_created")]

    def __str__(self):
        return f"{'Import' if self.commit else 'Check'} of {self.filename} ({self.get_state_display()})"

    @property
    def running(self):
        return self.state not in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        """How far the check is, 0-100; None while writing (one transaction: no partial progress to show)."""
        if self.state == self.State.WRITING:
            return None
        return min(100, round(100 * self.checked / self.steps)) if self.rows else 0

    @property
    def steps(self):
        return 2 * self.rows

    @property
    def report(self):
        """The finished job's report, with the attributes the preview template reads; None while running."""
        if self.result is None:
            return None
        result = dict(self.result)
        tallies = {label: SimpleNamespace(label=label, created=c, updated=u, unchanged=n)
                   for label, c, u, n in result.pop("tallies")}
        problems = [SimpleNamespace(row=row, column=column, reason=reason)
                    for row, column, reason in result.pop("problems")]
        return SimpleNamespace(**result, tallies=tallies, problems=problems, filename=self.filename,
                               ok=result["problem_count"] == 0)

    def may_be_seen_by(self, user):
        return user.pk == self.user_id or user.is_superuser or user.has_perm("imports.view_importjob")
