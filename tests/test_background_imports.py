"""Imports as background jobs: the upload and the confirmation answer at once with the job's page, which
shows a progress bar while the job runs and then its report; only who started it sees it.

Most tests run the jobs as soon as they are queued (django-tasks' immediate backend); one runs the
real queue in the database and its worker (`db_worker --batch`), as `make run` does.
"""

import io
import time
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from evalbase.lib import xlsx
from evalbase.lib.jobs.models import ImportJob
from projects.models import Allotment, Project

from .builders import make_programme, make_project
from .spreadsheets import as_csv

COLUMNS = ["programme", "project_number", "title", "allotment_number", "year", "country", "region", "approach",
           "type", "status", "currency", "allotment", "expenditure"]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    settings.TASKS = IMMEDIATE
    make_programme(slug="job-test")


@pytest.fixture
def staff(client, sam):
    client.force_login(sam)
    return client


def rows(count, changes=None):
    """`count` allotment lines, two per project; `changes` {row index: {column: value}}."""
    made = []
    for index in range(count):
        project = index // 2
        made.append({"programme": "job-test", "project_number": f"JT{project:06d}", "title": f"Project {project}",
                     "allotment_number": f"JT{index:06d}L", "year": "2020", "country": "", "region": "",
                     "approach": "", "type": "pilot_project", "status": "closed", "currency": "USD",
                     "allotment": "1000", "expenditure": "500", **(changes or {}).get(index, {})})
    return made


def upload(client, content, name="portfolio.csv", follow=True):
    return client.post("/portfolio/import/", {"file": SimpleUploadedFile(name, content)}, follow=follow)


def confirm(client, preview, follow=True):
    return client.post("/portfolio/import/confirm/", {"digest": preview.context["digest"]}, follow=follow)


def imported():
    return Project.objects.filter(number__startswith="JT").count(), Allotment.objects.filter(
        number__startswith="JT").count()


def test_a_2000_row_import_through_the_web_completes_as_a_job_and_its_page_shows_the_counts(staff):
    preview = upload(staff, as_csv(rows(2000), COLUMNS))
    job = preview.context["job"]
    assert preview.redirect_chain == [(f"/imports/{job.pk}/", 302)] and not job.commit
    page = preview.content.decode()
    assert "2000 rows read" in page and "No problem found. Confirm to write" in page
    assert '<th scope="row">Projects</th><td class="num">1000</td>' in page
    assert "<progress" not in page and 'http-equiv="refresh"' not in page  # done: no more refreshing
    assert imported() == (0, 0)
    done = confirm(staff, preview)
    job = done.context["job"]
    assert done.redirect_chain == [(f"/imports/{job.pk}/", 302)] and job.commit and job.state == "done"
    page = done.content.decode()
    assert "Imported portfolio.csv: projects: 1000 created, 0 updated, 0 unchanged; allotment lines: 2000 created" \
        in page
    assert '<th scope="row">Allotment lines</th><td class="num">2000</td>' in page
    assert imported() == (1000, 2000)
    assert (job.rows, job.checked, job.preview_of_id) == (2000, 4000, preview.context["job"].pk)


def test_a_bad_file_checked_by_a_job_lists_every_problem_and_writes_nothing(staff):
    bad = rows(2000, {10: {"allotment": "-1"}, 1500: {"type": "nonsense"}})
    page = upload(staff, as_csv(bad, COLUMNS)).content.decode()
    assert "2 problems: nothing will be imported" in page
    assert '<td class="num">12</td><td>allotment</td><td>-1 is negative; amounts cannot be negative.</td>' in page
    assert '<td class="num">1502</td><td>type</td>' in page
    assert "Confirm to write" not in page and imported() == (0, 0)
    refused = staff.post("/portfolio/import/confirm/", {"digest": "0" * 64}, follow=True).content.decode()
    assert "Nothing was imported: that preview is no longer current" in refused and imported() == (0, 0)


def test_a_write_job_that_finds_a_problem_writes_nothing_and_lists_it(staff):
    preview = upload(staff, as_csv(rows(20), COLUMNS))
    make_project(number="JTOTHER01")
    Allotment.objects.filter(number="JTOTHER01L0").update(number="JT000007L")  # arrived meanwhile
    page = confirm(staff, preview).content.decode()
    assert "1 problem: nothing was imported" in page
    assert "is a line of project JTOTHER01" in page, page
    assert Project.objects.filter(number__startswith="JT0").count() == 0


def test_only_who_started_a_job_sees_its_page(staff, sam, ada, eve, django_user_model):
    job = upload(staff, as_csv(rows(4), COLUMNS)).context["job"]
    address = f"/imports/{job.pk}/"
    other_staff = django_user_model.objects.create_user("sasha")
    other_staff.groups.set(sam.groups.all())
    for who in (other_staff, eve, ada):  # staff too; an evaluator; an Admin who is not a superuser
        client = Client()
        client.force_login(who)
        assert client.get(address).status_code == 404
    assert Client().get(address).status_code == 302  # to log in
    superuser = Client()
    superuser.force_login(django_user_model.objects.create_superuser("root"))
    assert superuser.get(address).status_code == 200
    assert staff.get(address).status_code == 200
    assert staff.get(f"/imports/{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize("state, checked, shown", [
    ("queued", 0, ['<progress id="progress"></progress>', "Waiting for a worker"]),
    ("checking", 500, ['<progress id="progress" max="2000" value="500">25%</progress>', "Checking 1000 rows",
                       "25% done"]),
    ("writing", 1000, ['<progress id="progress"></progress>', "writing 1000 rows in one transaction"]),
])
def test_a_running_job_shows_its_progress_and_refreshes_itself(staff, sam, state, checked, shown):
    job = ImportJob.objects.create(user=sam, importer="projects.imports.PortfolioImport", kind="portfolio",
                                   filename="big.csv", token="t", digest="d", commit=True, state=state,
                                   rows=1000, checked=checked)
    page = staff.get(f"/imports/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Import of projects and allotment lines: big.csv" in page
    for text in shown:
        assert text in page
    assert "<script>" not in page and " style=" not in page


def test_an_xlsx_unpacking_past_the_cap_is_refused_within_seconds(staff):
    """A 200 KB workbook whose sheet unpacks to 150 MB: the job stops at the cap (100 MB), never reading on."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         b'content-types"/>')
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            padding = b" " * (1024 * 1024)
            for _ in range(150):
                sheet.write(padding)
            sheet.write(b"</sheetData></worksheet>")
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    started = time.perf_counter()
    page = upload(staff, content, "bomb.xlsx")
    took = time.perf_counter() - started
    text = page.content.decode()
    assert f"The workbook unpacks to more than {xlsx.MAX_UNPACKED_BYTES // 1024 // 1024} MB" in text
    assert "1 problem: nothing will be imported" in text
    assert took < 5, f"the refusal took {took:.1f} s"


RELS = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" '
            b'r:id="s1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                 b'Id="s1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 b'Target="worksheets/sheet1.xml"/></Relationships>')


def test_a_file_over_the_size_limit_is_refused_by_the_upload_itself(staff):
    response = upload(staff, b"x" * (10 * 1024 * 1024 + 1), follow=False)
    assert response.status_code == 400 and "the limit is 10 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_database_queue_and_its_worker_run_the_jobs(staff, settings, monkeypatch):
    """As `make run` does: the pages queue the jobs in the database; `db_worker` runs them."""
    settings.TASKS = DATABASE
    # The worker drops connections between jobs; here it shares the test's, kept in one transaction
    # that is rolled back afterwards (a flushed database would lose the reference data).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    preview = upload(staff, as_csv(rows(10), COLUMNS))
    job = preview.context["job"]
    assert job.state == "queued" and "Waiting for a worker" in preview.content.decode()
    assert DBTaskResult.objects.get().status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = staff.get(f"/imports/{job.pk}/")
    assert "No problem found. Confirm to write" in page.content.decode()
    queued = confirm(staff, page)
    assert "Waiting for a worker" in queued.content.decode() and imported() == (0, 0)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = staff.get(queued.redirect_chain[-1][0]).content.decode()
    assert "Imported portfolio.csv: projects: 5 created" in done and imported() == (5, 10)
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL", "SUCCESSFUL"]


def test_an_upload_kept_by_an_older_release_is_refused_with_the_message(staff):
    """Sessions from before the jobs kept the upload without a job: confirming it asks for the file again."""
    session = staff.session
    session["import-portfolio"] = {"token": "a" * 43, "name": "old.csv", "digest": "0" * 64}
    session.save()
    page = staff.post("/portfolio/import/confirm/", {"digest": "0" * 64}, follow=True).content.decode()
    assert "Nothing was imported: that preview is no longer current" in page and not ImportJob.objects.exists()
