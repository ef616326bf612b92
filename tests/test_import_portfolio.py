"""The portfolio import (projects and allotment lines): all or nothing, every problem named, its pages and command."""

import csv
import io
import tempfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from evalbase.lib import importing, pending, tabular
from evalbase.lib.importing import run_import
from projects.imports import PortfolioImport
from projects.models import Allotment, Programme, Project

from .builders import cited, make_allotment, make_organisation, make_programme, make_project
from .spreadsheets import as_csv, as_xlsx, problems

pytestmark = pytest.mark.django_db

COLUMNS = ["programme", "project_number", "title", "allotment_number", "year", "country", "region", "approach",
           "type", "status", "currency", "allotment", "expenditure"]


@pytest.fixture(autouse=True)
def programme(db):
    return make_programme(slug="import-test")


@pytest.fixture(autouse=True)
def pending_storage(settings, tmp_path):
    """Uploads waiting for confirmation go to the default storage, here a folder of this test's own."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}


@pytest.fixture(autouse=True)
def jobs_in_the_request(settings):
    """Import jobs run as soon as they are queued (tests/test_background_imports.py runs the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def line(**values):
    row = {"programme": "import-test", "project_number": "XX/SEN/24/001", "title": "Food export consortia",
           "allotment_number": "XX/SEN/24/001", "year": "2021", "country": "SN", "region": "AF",
           "approach": "export_consortia", "type": "pilot_project", "status": "closed", "currency": "USD",
           "allotment": "250000", "expenditure": "120000.50"}
    row.update(values)
    return row


def clean_portfolio():
    """Two lines of one project (one still ongoing) and two single-line projects."""
    return [
        line(year="2021", status="ongoing"),
        line(allotment_number="XX-SEN-24-001B", year="2019", title="", allotment="10,000.00",
             expenditure="9500"),
        line(project_number="XXGLO24002", allotment_number="XXGLO24002", title="Global forum",
             country="", region="Internat.", approach="global_forum", type="research", currency="chf"),
        line(project_number="XXNAM24003", allotment_number="XXNAM24003", title="Namibia", country="NA"),
    ]


def run(rows, commit=True, columns=COLUMNS, filename="file.csv"):
    return run_import(PortfolioImport, as_csv(rows, columns), filename, commit=commit)


def stored(numbers=("XXSEN24001", "XXGLO24002", "XXNAM24003")):
    """The projects and lines these tests import, as (project count, line count)."""
    return (Project.objects.filter(number__in=numbers).count(),
            Allotment.objects.filter(project__number__in=numbers).count())


# -- checking and writing ------------------------------------------------------------------------


def test_it_imports_a_clean_csv():
    report = run(clean_portfolio())
    assert report.ok and report.committed, problems(report)
    assert str(report.tallies["projects"]) == "projects: 3 created, 0 updated, 0 unchanged"
    assert str(report.tallies["allotment lines"]) == "allotment lines: 4 created, 0 updated, 0 unchanged"
    project = Project.objects.get(number="XXSEN24001")
    assert (project.programme.slug, project.title, project.country.iso2, project.region.code) == (
        "import-test", "Food export consortia", "SN", "AF")
    assert (project.status, project.start_year, project.approach) == ("ongoing", 2019, "export_consortia")
    assert project.status_note and project.source_id is None
    second = Allotment.objects.get(number="XXSEN24001B")
    assert (second.printed_number, second.amount, second.expenditure, second.currency) == (
        "XX-SEN-24-001B", Decimal("10000.00"), Decimal("9500.00"), "USD")
    assert Allotment.objects.get(number="XXSEN24001").expenditure == Decimal("120000.50")
    forum = Project.objects.get(number="XXGLO24002")
    assert (forum.country, forum.region.code, forum.allotments.get().currency) == (None, "INT", "CHF")
    assert Project.objects.get(number="XXNAM24003").country.name == "Namibia"


def test_it_imports_an_xlsx_file_with_number_cells():
    rows = clean_portfolio()
    rows[0].update(year=2021, allotment=250000, expenditure=120000.5)
    report = run_import(PortfolioImport, as_xlsx(rows, COLUMNS), "portfolio.XLSX", commit=True)
    assert report.ok and report.committed, problems(report)
    assert report.created == 7
    first = Allotment.objects.get(number="XXSEN24001")
    assert (first.year, first.amount, first.expenditure) == (2021, Decimal("250000"), Decimal("120000.50"))


def test_importing_the_same_file_again_changes_nothing():
    run(clean_portfolio())
    before = stored()
    again = run(clean_portfolio())
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert stored() == before == (3, 4)


def test_a_changed_amount_updates_its_line_only():
    run(clean_portfolio())
    rows = clean_portfolio()
    rows[3]["expenditure"] = "1"
    report = run(rows)
    assert str(report.tallies["allotment lines"]) == "allotment lines: 0 created, 1 updated, 3 unchanged"
    assert str(report.tallies["projects"]) == "projects: 0 created, 0 updated, 3 unchanged"
    assert Allotment.objects.get(number="XXNAM24003").expenditure == Decimal("1")


def test_one_bad_row_among_many_changes_nothing_and_names_the_row():
    rows = [line(project_number=f"XXMAN{n:05d}", allotment_number=f"XXMAN{n:05d}") for n in range(60)]
    rows[25]["allotment"] = "-5"
    report = run(rows)
    assert not report.committed and not Project.objects.filter(number__startswith="XXMAN").exists()
    assert problems(report) == [(27, "allotment", "-5 is negative; amounts cannot be negative.")]


def test_it_collects_every_problem_of_every_row():
    rows = clean_portfolio()
    rows[0].update(country="XX", allotment="lots")
    rows[2].update(type="coffee", programme="nope")
    report = run(rows)
    assert report.problem_count == 4
    assert (2, "country", "Unknown country “XX” (use an ISO 3166 alpha-2 code, e.g. SN).") in problems(report)
    assert (2, "allotment", "“lots” is not a number.") in problems(report)
    assert (4, "programme", "Unknown programme “nope”.") in problems(report)
    assert any(p[:2] == (4, "type") and "pilot_project" in p[2] for p in problems(report))


def test_a_required_cell_left_empty_is_named():
    report = run([line(currency="", title="")])
    assert problems(report) == [(2, "currency", "A value is required.")]


@pytest.mark.parametrize("amount, reason", [
    ("1e15", "1e15 is too large: at most 12 digits before the decimal point."),
    ("1234567890123", "1234567890123 is too large: at most 12 digits before the decimal point."),
    ("12,5", "“12,5” is not a number."),
    ("NaN", "“NaN” is not a number."),
    ("10.123", "10.123 has more than 2 decimal places."),
    ("-0.01", "-0.01 is negative; amounts cannot be negative."),
])
def test_it_refuses_amounts_that_do_not_fit(amount, reason):
    report = run([line(expenditure=amount)])
    assert problems(report) == [(2, "expenditure", reason)]


def test_the_largest_amount_that_fits_is_accepted():
    report = run([line(allotment="999,999,999,999.99")])
    assert report.committed, problems(report)
    assert Allotment.objects.get(number="XXSEN24001").amount == Decimal("999999999999.99")


def test_lines_of_one_project_must_agree_on_the_project():
    rows = clean_portfolio()[:2]
    rows[1].update(country="ML", region="AF")
    report = run(rows)
    assert problems(report) == [(3, "country", "Differs from row 2 for the same project (Mali here, Senegal there).")]


def test_the_same_line_twice_in_a_file_is_a_problem():
    report = run([line(), line(allotment_number="xx sen 24 001", status="ongoing")])
    assert problems(report) == [(3, "allotment_number", "xx sen 24 001 is already in row 2.")]


def test_a_transcribed_line_is_unchanged_when_matched_and_refused_when_changed(programme):
    document = cited()
    project = make_project(number="XXIND01193", programme=programme, lines=0, **document)
    transcribed = make_allotment(project=project, number="XXIND01193", printed_number="XX/IND/01/193", year=2005,
                                 amount="1000", expenditure="500", **document)
    row = line(project_number="XXIND01193", title="", allotment_number="XX/IND/01/193", year="2005",
               approach="networking", allotment="1000", expenditure="500")
    matched = run([row])
    assert matched.ok and (matched.created, matched.updated, matched.unchanged) == (0, 0, 2)
    changed = run([{**row, "expenditure": "1"}])
    [(number, column, reason)] = problems(changed)
    assert (number, column) == (2, "project_number")
    assert "was transcribed from" in reason and "Correct the report's YAML file" in reason
    transcribed.refresh_from_db()
    assert transcribed.expenditure == Decimal("500")


def test_an_import_does_not_move_a_line_to_another_project():
    make_project(number="XXOTHER01")
    report = run([line(allotment_number="XXOTHER01L0")])
    assert problems(report) == [(2, "allotment_number", "XXOTHER01L0 is a line of project XXOTHER01; an import "
                                 "does not move lines between projects.")]


def test_a_line_added_to_an_imported_project_updates_its_status_and_start_year():
    project = make_project(number="XXSEN24001", status="closed", start_year=2005)
    report = run([line(allotment_number="XXSEN24001NEW", year="2001", status="ongoing", title="")])
    assert report.committed, problems(report)
    project.refresh_from_db()
    assert (project.status, project.start_year, project.allotments.count()) == ("ongoing", 2001, 2)
    assert project.allotments.get(number="XXSEN24001NEW").line == 2


def test_a_database_refusal_while_writing_names_its_row_and_rolls_everything_back(monkeypatch):
    write = PortfolioImport.write

    def after_another_import(self, plan, **kwargs):  # which wrote one of these lines after they were checked
        make_allotment(project=make_project(number="XXMEANWHILE", lines=0), number="XXNAM24003")
        return write(self, plan, **kwargs)

    monkeypatch.setattr(PortfolioImport, "write", after_another_import)
    report = run(clean_portfolio())
    assert not report.committed and stored() == (0, 0)
    assert not Project.objects.filter(number="XXMEANWHILE").exists()
    [(number, column, reason)] = problems(report)
    assert (number, column) == (5, "") and reason.startswith("The database refused this row:")
    assert "number" in reason  # the unique line number, in the database's own words


def test_a_dry_run_counts_and_writes_nothing():
    report = run(clean_portfolio(), commit=False)
    assert report.ok and not report.committed and report.created == 7
    assert stored() == (0, 0)


def test_checking_asks_the_database_the_same_number_of_times_for_5_rows_or_500():
    def queries(count):
        rows = [line(project_number=f"XXQ{n:05d}", allotment_number=f"XXQ{n:05d}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run(rows, commit=False).ok
        return len(captured)

    assert queries(5) == queries(500)


def test_wrong_columns_are_named_on_the_header_row():
    columns = [c for c in COLUMNS if c != "currency"] + ["colour"]
    rows = [{**{c: v for c, v in line().items() if c != "currency"}, "colour": "red"}]
    report = run(rows, columns=columns)
    assert [(p.row, p.column) for p in report.problems] == [(1, "currency"), (1, "colour")]
    assert report.problems[0].reason.startswith("Missing column(s): currency.")
    assert report.problems[1].reason.startswith("Unknown column(s): colour.")


def test_header_names_are_trimmed_and_case_blind_but_not_repeated():
    content = as_csv([line()], COLUMNS).replace(b"programme,", b" Programme ,", 1)
    assert run_import(PortfolioImport, content, "f.csv", commit=False).ok
    repeated = as_csv([line()], COLUMNS).replace(b"title,", b"year,", 1)
    report = run_import(PortfolioImport, repeated, "f.csv", commit=False)
    assert "Repeated column(s): year" in " ".join(p.reason for p in report.problems)


def test_a_file_that_cannot_be_read_is_one_problem_for_the_whole_file():
    report = run_import(PortfolioImport, b"\x89PNG\r\n\x1a\n" + bytes(300), "photo.xlsx", commit=True)
    assert not report.committed
    [problem] = report.problems
    assert problem.row is None and problem.reason.startswith("This is not an XLSX spreadsheet")


def test_a_semicolon_csv_from_a_european_spreadsheet_is_imported():
    content = as_csv(clean_portfolio(), COLUMNS).decode().replace(",", ";").replace("10;000.00", "10000.00")
    report = run_import(PortfolioImport, content.encode(), "f.csv", commit=False)
    assert report.ok, problems(report)


def test_the_preview_of_a_long_file_keeps_the_rows_with_problems():
    rows = [line(project_number=f"XXMAN{n:05d}", allotment_number=f"XXMAN{n:05d}") for n in range(300)]
    rows[250]["status"] = "paused"
    report = run(rows, commit=False)
    [shown] = report.preview()
    assert shown["number"] == 252 and shown["has_problem"]
    assert dict(zip(COLUMNS, shown["cells"]))["status"][0] == "paused"
    assert len(run(rows[:250], commit=False).preview()) == importing.PREVIEW_ROWS


# -- the command ---------------------------------------------------------------------------------


def test_the_command_reports_every_problem_and_writes_nothing(tmp_path):
    path = tmp_path / "portfolio.csv"
    rows = clean_portfolio()
    rows[1]["country"] = "XX"
    path.write_bytes(as_csv(rows, COLUMNS))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_portfolio", str(path), stderr=errors)
    assert "portfolio.csv: row 3, column country: Unknown country “XX”" in errors.getvalue()
    assert stored() == (0, 0)


def test_the_command_dry_run_then_import(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(as_xlsx(clean_portfolio(), COLUMNS))
    out = io.StringIO()
    call_command("import_portfolio", str(path), "--dry-run", stdout=out)
    assert "projects: 3 created" in out.getvalue() and "Nothing was written" in out.getvalue()
    assert stored() == (0, 0)
    call_command("import_portfolio", str(path), stdout=out)
    assert "Imported portfolio.xlsx: projects: 3 created" in out.getvalue()
    assert stored() == (3, 4)


def test_the_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_portfolio", "/nonexistent/portfolio.csv")


# -- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def staff(client, sam):
    client.force_login(sam)
    return client


def upload(client, content, name="portfolio.csv", url="/portfolio/import/"):
    """The page the upload leads to: its checking job's, the job done."""
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def kept_uploads():
    return default_storage.listdir(pending.FOLDER)[1] if default_storage.exists(pending.FOLDER) else []


@pytest.mark.parametrize("url", ["/portfolio/import/", "/portfolio/import/template.csv"])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("method, url", [("get", "/portfolio/import/"), ("post", "/portfolio/import/confirm/")])
def test_people_without_the_import_permission_are_refused(client, eve, method, url):
    client.force_login(eve)
    assert getattr(client, method)(url).status_code == 403


def test_the_import_needs_its_own_permission_not_add_project(client, otto):
    otto.user_permissions.add(Permission.objects.get(content_type__app_label="projects", codename="add_project"))
    client.force_login(otto)
    assert client.get("/portfolio/import/").status_code == 403
    otto.user_permissions.set([Permission.objects.get(content_type__app_label="projects",
                                                      codename="import_portfolio")])
    page = client.get("/portfolio/import/")
    assert page.status_code == 200
    assert "/ratings/import/" not in page.content.decode()  # no way in without ratings.import_ratings
    assert client.get("/ratings/import/").status_code == 403


def test_the_page_shows_the_form_and_the_columns(staff):
    page = staff.get("/portfolio/import/").content.decode()
    assert '<label for="id_file">' in page and 'enctype="multipart/form-data"' in page
    assert "<code>allotment_number</code>" in page and "<td>Allotment line number</td>" in page
    assert 'href="/portfolio/import/template.xlsx"' in page and 'href="/ratings/import/"' in page
    assert " style=" not in page and "<script>" not in page


def test_the_preview_shows_each_problem_and_writes_nothing(staff):
    rows = clean_portfolio()
    rows[2]["allotment"] = "-1"
    response = upload(staff, as_csv(rows, COLUMNS))
    assert response.redirect_chain == [(f"/imports/{response.context['job'].pk}/", 302)]
    page = response.content.decode()
    assert "1 problem: nothing will be imported" in page
    assert "<td class=\"num\">4</td><td>allotment</td><td>-1 is negative; amounts cannot be negative.</td>" in page
    assert "<mark>-1</mark>" in page and 'class="has-problem"' in page
    assert "Import 4 rows" not in page and not kept_uploads()
    assert stored() == (0, 0)


def test_preview_then_confirm_writes_once(staff):
    response = upload(staff, as_csv(clean_portfolio(), COLUMNS))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import 4 rows" in page
    assert '<th scope="row">Projects</th><td class="num">3</td><td class="num">0</td>' in page
    assert stored() == (0, 0)
    digest = response.context["digest"]
    confirmed = staff.post("/portfolio/import/confirm/", {"digest": digest}, follow=True)
    job = confirmed.context["job"]
    assert confirmed.redirect_chain == [(f"/imports/{job.pk}/", 302)] and job.commit
    assert "Imported portfolio.csv: projects: 3 created" in confirmed.content.decode()
    assert "Import 4 rows" not in confirmed.content.decode()
    assert stored() == (3, 4) and not kept_uploads()
    again = staff.post("/portfolio/import/confirm/", {"digest": digest}, follow=True)
    assert "that preview is no longer current" in again.content.decode()
    assert stored() == (3, 4)


def test_the_upload_waits_in_the_default_storage_and_another_worker_confirms_it(staff, monkeypatch, tmp_path):
    response = upload(staff, as_csv(clean_portfolio(), COLUMNS))
    [kept] = kept_uploads()
    assert staff.session["import-portfolio"]["token"] == kept
    # Another process, maybe on another host: a client of its own with the same session cookie and
    # a temporary directory of its own.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "another-host"))
    another = Client()
    another.cookies[settings.SESSION_COOKIE_NAME] = staff.cookies[settings.SESSION_COOKIE_NAME].value
    confirmed = another.post("/portfolio/import/confirm/", {"digest": response.context["digest"]})
    assert confirmed.status_code == 302 and confirmed.url.startswith("/imports/")
    assert stored() == (3, 4) and not kept_uploads()


def test_confirm_takes_the_file_kept_on_the_server_not_another(staff):
    response = upload(staff, as_csv(clean_portfolio(), COLUMNS))
    staff.post("/portfolio/import/confirm/", {"digest": "0" * 64})
    assert stored() == (0, 0)
    assert not kept_uploads()  # the refused preview is not kept either
    assert response.context["digest"] != "0" * 64


def test_an_upload_kept_past_its_age_is_not_confirmed_and_is_cleaned_up(staff, monkeypatch):
    response = upload(staff, as_csv(clean_portfolio(), COLUMNS))
    monkeypatch.setattr(pending, "MAX_AGE", -pending.MAX_AGE)  # every kept upload is now too old
    confirmed = staff.post("/portfolio/import/confirm/", {"digest": response.context["digest"]}, follow=True)
    assert "that preview is no longer current" in confirmed.content.decode()
    assert stored() == (0, 0) and not kept_uploads()


def test_abandoned_uploads_are_deleted_when_the_next_one_is_kept(monkeypatch):
    abandoned = pending.keep(b"name\nold\n")
    monkeypatch.setattr(pending, "MAX_AGE", -pending.MAX_AGE)
    kept = pending.keep(b"name\nnew\n")
    assert kept_uploads() == [kept] and pending.load(abandoned) is None


@pytest.mark.parametrize("token", [None, "", "../../etc/passwd", "a" * 42, "a" * 43 + "/", 43])
def test_a_malformed_token_is_refused(token):
    assert pending.load(token) is None
    pending.discard(token)


def test_confirm_checks_the_file_again(staff):
    response = upload(staff, as_csv(clean_portfolio(), COLUMNS))
    make_project(number="XXOTHER01")
    Allotment.objects.filter(number="XXOTHER01L0").update(number="XXNAM24003")  # arrived meanwhile
    confirmed = staff.post("/portfolio/import/confirm/", {"digest": response.context["digest"]}, follow=True)
    assert confirmed.context["job"].commit
    assert "is a line of project XXOTHER01" in confirmed.content.decode()
    assert "nothing was imported" in confirmed.content.decode()
    assert not Project.objects.filter(number="XXSEN24001").exists()


def test_the_page_refuses_a_file_over_the_limit_before_reading_it(staff):
    response = upload(staff, b"x" * (tabular.MAX_BYTES + 1))
    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()


def test_the_page_explains_a_file_that_is_not_a_spreadsheet(staff):
    response = upload(staff, b"\x89PNG\r\n\x1a\n" + bytes(300), "photo.xlsx")
    assert "This is not an XLSX spreadsheet" in response.content.decode()
    assert "1 problem: nothing will be imported" in response.content.decode() and not kept_uploads()


def test_the_templates_have_the_header_and_an_example_that_imports(staff):
    if not Programme.objects.filter(slug="unido-cnd").exists():
        make_programme(slug="unido-cnd", organisation=make_organisation())
    response = staff.get("/portfolio/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="evalbase-portfolio-import.csv"'
    assert staff.get("/portfolio/import/template.csv", {"kind": "portfolio"}).content == response.content
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == COLUMNS and len(example) == len(COLUMNS)
    workbook = load_workbook(io.BytesIO(staff.get("/portfolio/import/template.xlsx").content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == COLUMNS
    assert workbook.sheetnames == ["data", "columns"]
    assert run_import(PortfolioImport, response.content, "template.csv", commit=False).ok


def test_an_unknown_template_is_not_found(staff):
    assert staff.get("/portfolio/import/template.csv", {"kind": "gossip"}).status_code == 404
    assert staff.get("/portfolio/import/template.pdf").status_code == 404
