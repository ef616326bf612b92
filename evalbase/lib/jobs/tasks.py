"""The background task that checks or writes an upload, and how its report is kept on its ImportJob.

Queued with django-tasks (its database backend in production: the `db_worker` command runs it, see
the Makefile); the page that started it answers at once with the job's page, which shows its
progress and then its report.
"""

import hashlib
import logging

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .. import pending
from ..importing import Importer, run_import
from .models import ImportJob

logger = logging.getLogger(__name__)
State = ImportJob.State


def start(job):
    """Queue `job` (saved) for a worker."""
    run_import_job.enqueue(str(job.pk))


@task()
def run_import_job(job_id):
    """Check (and, for a confirmation, write) the job's upload; keep its report on the job."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or not job.running:  # deleted, or already run by another worker
        return None
    _update(job, state=State.READING, started=timezone.now())
    try:
        result = _run(job)
        state = State.DONE
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        result, state = failure("The import stopped on an unexpected error; nothing was imported. "
                                "The administrators can find the error in the log."), State.FAILED
    if job.commit or result["problem_count"]:  # the upload is not needed any more
        pending.discard(job.token)
    _update(job, state=state, result=result, finished=timezone.now())
    return str(job.pk)


def _run(job):
    content = pending.load(job.token)
    if content is None or hashlib.sha256(content).hexdigest() != job.digest:
        return failure("The uploaded file is no longer kept (it expired, or another upload replaced it); "
                       "nothing was imported. Upload it again.")
    importer = import_string(job.importer)
    if not (isinstance(importer, type) and issubclass(importer, Importer)):
        raise TypeError(f"{job.importer} is not an importer")

    def progress(state, rows, checked):
        _update(job, state=state, rows=rows, checked=checked)

    report = run_import(importer, content, job.filename, commit=job.commit, user=job.user, progress=progress)
    return stored_report(report)


def _update(job, **fields):
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def stored_report(report):
    """What the job's page shows of an ImportReport, as JSON."""
    return {
        "row_count": report.row_count, "problem_count": report.problem_count,
        "problems": [[problem.row, problem.column, problem.reason] for problem in report.problems],
        "tallies": [[t.label, t.created, t.updated, t.unchanged] for t in report.tallies.values()],
        "summary": report.summary, "committed": report.committed, "preview": report.preview(),
    }


def failure(reason):
    return {"row_count": 0, "problem_count": 1, "problems": [[None, "", reason]], "tallies": [], "summary": "",
            "committed": False, "preview": []}
