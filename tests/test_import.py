"""Bulk import of projects/allotment lines and of ratings: all or nothing, every problem named."""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.shortcuts import resolve_url
from openpyxl import Workbook, load_workbook

from projects import imports
from projects.models import Allotment, Project
from ratings.models import Rating

from .builders import country, make_evaluation, make_programme, make_project

pytestmark = pytest.mark.django_db

PORTFOLIO = ["programme", "project_number", "title", "allotment_number", "year", "country", "region",
             "approach", "type", "status", "currency", "allotment", "expenditure"]
RATINGS = ["evaluation", "subject_kind", "subject", "criterion", "value", "not_assessed", "scale",
           "justification"]


def line(**values):
    row = {"programme": "unido-cnd", "project_number": "XX/SEN/24/001", "title": "Food export consortia",
           "allotment_number": "XX/SEN/24/001", "year": "2021", "country": "SN", "region": "AF",
           "approach": "export_consortia", "type": "pilot_project", "status": "closed", "currency": "USD",
           "allotment": "250000", "expenditure": "120000.50"}
    row.update(values)
    return row


def rating(**values):
    row = {"evaluation": "unido-cnd-2010", "subject_kind": "country", "subject": "SN", "criterion": "relevance",
           "value": "4", "not_assessed": "no", "scale": "unido-table8", "justification": ""}
    row.update(values)
    return row


def as_csv(rows, columns=PORTFOLIO):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows, columns=PORTFOLIO):
    workbook = Workbook()
    workbook.active.append(columns)
    for row in rows:
        workbook.active.append([row[column] for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


def run(rows, kind="portfolio", filename="file.csv", commit=True, columns=None):
    content = as_csv(rows, columns or (PORTFOLIO if kind == "portfolio" else RATINGS))
    return imports.run_import(kind, content, filename, commit=commit)


def problems(report):
    return [(p.row, p.column, p.reason) for p in report.problems]


def database_state():
    return Project.objects.count(), Allotment.objects.count(), Rating.objects.count()


@pytest.fixture(autouse=True)
def pending_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "PENDING_DIR", tmp_path / "pending")


# -- projects and allotment lines ---------------------------------------------------------------


def test_it_imports_a_clean_csv():
    report = run(clean_portfolio())
    assert report.ok and report.committed, problems(report)
    assert str(report.tallies["projects"]) == "projects: 3 created, 0 updated, 0 unchanged"
    assert str(report.tallies["allotment lines"]) == "allotment lines: 4 created, 0 updated, 0 unchanged"
    project = Project.objects.get(number="XXSEN24001")
    assert (project.programme.slug, project.title, project.country.iso2, project.region.code) == (
        "unido-cnd", "Food export consortia", "SN", "AF")
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
    report = imports.run_import("portfolio", as_xlsx(rows), "portfolio.XLSX", commit=True)
    assert report.ok and report.committed, problems(report)
    assert report.created == 7
    first = Allotment.objects.get(number="XXSEN24001")
    assert (first.year, first.amount, first.expenditure) == (2021, Decimal("250000"), Decimal("120000.50"))


def test_importing_the_same_file_again_changes_nothing():
    run(clean_portfolio())
    before = database_state()
    again = run(clean_portfolio())
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert database_state() == before


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
    before = database_state()
    report = run(rows)
    assert not report.committed and database_state() == before
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


def test_a_transcribed_line_is_unchanged_when_matched_and_refused_when_changed():
    stored = Allotment.objects.select_related("project__programme", "project__country", "project__region").get(
        number="USIND01193")
    project = stored.project
    row = line(programme=project.programme.slug, project_number=project.number, title="",
               allotment_number=stored.printed_number, year=str(stored.year),
               country=project.country.iso2 if project.country else "", region=project.region.code,
               approach=project.approach, type=stored.project_type, status=stored.status, currency="USD",
               allotment=str(stored.amount), expenditure=str(stored.expenditure))
    assert project.allotments.count() == 1 and stored.source_id
    matched = run([row])
    assert matched.ok and (matched.created, matched.updated, matched.unchanged) == (0, 0, 2)
    changed = run([{**row, "expenditure": "1"}])
    [(number, column, reason)] = problems(changed)
    assert (number, column) == (2, "project_number")
    assert "was transcribed from" in reason and "Correct the report's YAML file" in reason
    stored.refresh_from_db()
    assert stored.expenditure != Decimal("1")


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
    save = Allotment.save

    def refuse_one(line, *args, **kwargs):
        if line.number == "XXNAM24003":
            raise IntegrityError("CHECK constraint failed: allotment_not_negative")
        return save(line, *args, **kwargs)

    monkeypatch.setattr(Allotment, "save", refuse_one)
    before = database_state()
    report = run(clean_portfolio())
    assert not report.committed and database_state() == before
    assert problems(report) == [(5, "", "The database refused this row: CHECK constraint failed: "
                                 "allotment_not_negative.")]


def test_the_preview_of_a_long_file_keeps_the_rows_with_problems():
    rows = [line(project_number=f"XXMAN{n:05d}", allotment_number=f"XXMAN{n:05d}") for n in range(300)]
    rows[250]["status"] = "paused"
    report = run(rows, commit=False)
    [shown] = report.preview()
    assert shown["number"] == 252 and shown["has_problem"]
    assert dict(zip(PORTFOLIO, shown["cells"]))["status"][0] == "paused"
    assert len(run(rows[:250], commit=False).preview()) == imports.PREVIEW_ROWS


# -- the file as a whole --------------------------------------------------------------------------


def file_problem(content, filename="file.csv", kind="portfolio"):
    report = imports.run_import(kind, content, filename, commit=True)
    assert not report.committed
    [problem] = report.problems
    assert problem.row is None
    return problem.reason


def test_wrong_columns_are_named():
    columns = [c for c in PORTFOLIO if c != "currency"] + ["colour"]
    rows = [{**{c: v for c, v in line().items() if c != "currency"}, "colour": "red"}]
    report = run(rows, columns=columns)
    assert [(p.row, p.column) for p in report.problems] == [(1, "currency"), (1, "colour")]
    assert report.problems[0].reason.startswith("Missing column(s): currency.")
    assert report.problems[1].reason.startswith("Unknown column(s): colour.")


def test_header_names_are_trimmed_and_case_blind_but_not_repeated():
    content = as_csv([line()]).replace(b"programme,", b" Programme ,", 1)
    assert imports.run_import("portfolio", content, "f.csv", commit=False).ok
    repeated = as_csv([line()]).replace(b"title,", b"year,", 1)
    report = imports.run_import("portfolio", repeated, "f.csv", commit=False)
    assert "Repeated column(s): year" in " ".join(p.reason for p in report.problems)


def test_empty_files_are_refused():
    assert file_problem(b"") == "The file is empty."
    assert file_problem(b"\n\n") == "The file is empty."
    assert file_problem(",".join(PORTFOLIO).encode() + b"\n") == "The file has a header row but no data rows."


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert file_problem(png, "picture.xlsx").startswith("This is not an XLSX spreadsheet")
    assert file_problem(png, "picture.csv") == "This is not a CSV file: it holds binary data."
    assert file_problem(b"PK\x03\x04" + b"\xff" * 300, "broken.xlsx").startswith("This is not an XLSX")
    assert file_problem(as_csv([line()]), "renamed.xlsx").startswith("This is not an XLSX spreadsheet")
    assert "UTF-8" in file_problem("programme;titre\nunido;é".encode("latin-1"))


def test_an_unsupported_extension_is_refused():
    assert file_problem(as_csv([line()]), "portfolio.xls") == (
        "Unsupported file type “.xls”: upload a .csv or .xlsx file.")


def test_too_large_files_are_refused(monkeypatch):
    reason = file_problem(b"x" * (imports.MAX_BYTES + 1))
    assert "the limit is 10 MB" in reason
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    reason = file_problem(as_csv([line(allotment_number=f"XX{n}") for n in range(5)]))
    assert reason == "The file has more than 3 rows; split it into smaller files."


def test_a_semicolon_csv_from_a_european_spreadsheet_is_read():
    content = as_csv(clean_portfolio()).decode().replace(",", ";").replace("10;000.00", "10000.00").encode()
    report = imports.run_import("portfolio", content, "f.csv", commit=False)
    assert report.ok, problems(report)


def test_a_dry_run_counts_and_writes_nothing():
    before = database_state()
    report = run(clean_portfolio(), commit=False)
    assert report.ok and not report.committed and report.created == 7
    assert database_state() == before


# -- ratings --------------------------------------------------------------------------------------


@pytest.fixture
def subjects():
    evaluation = make_evaluation(slug="test-eval", countries=[country("PE"), country("SN")])
    programme = make_programme(slug="test-programme", evaluations=[evaluation])
    project = make_project(number="XXPER24001", programme=programme)
    return evaluation, programme, project


def clean_ratings():
    return [
        rating(evaluation="test-eval", subject_kind="project", subject="XX/PER/24/001", value="3",
               justification="Well designed."),
        rating(evaluation="test-eval", subject="PE", criterion="impact", value="", not_assessed="yes"),
        rating(evaluation="test-eval", subject_kind="programme", subject="test-programme", value="1.5",
               scale="seco-dac-4"),
    ]


def test_it_imports_ratings(subjects):
    evaluation, programme, project = subjects
    report = run(clean_ratings(), kind="ratings")
    assert report.committed, problems(report)
    assert str(report.tallies["ratings"]) == "ratings: 3 created, 0 updated, 0 unchanged"
    of_project = Rating.objects.get(evaluation=evaluation, project=project)
    assert (of_project.criterion.code, of_project.value, of_project.justification) == (
        "relevance", Decimal("3"), "Well designed.")
    peru = Rating.objects.get(evaluation=evaluation, country__iso2="PE")
    assert (peru.value, peru.not_assessed) == (None, True)
    assert Rating.objects.get(evaluation=evaluation, programme=programme).normalised_value == Decimal("83.3")


def test_reimporting_ratings_updates_the_same_rating(subjects):
    evaluation, _, project = subjects
    run(clean_ratings(), kind="ratings")
    assert run(clean_ratings(), kind="ratings").unchanged == 3
    rows = clean_ratings()
    rows[0].update(value="0", justification="")
    report = run(rows, kind="ratings")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    updated = Rating.objects.get(evaluation=evaluation, project=project)
    assert (updated.value, updated.not_assessed, updated.justification) == (Decimal("0"), True, "Well designed.")
    assert Rating.objects.filter(evaluation=evaluation).count() == 3
    # An edit form opened before the import holds the old version and is refused as stale.
    assert updated.version == 2
    assert updated.history.first().history_change_reason == "Imported from file.csv"


def test_an_out_of_scale_rating_is_refused_with_the_scale(subjects):
    rows = clean_ratings()
    rows[0]["value"] = "7"
    before = database_state()
    report = run(rows, kind="ratings")
    assert problems(report) == [(2, "value", "7 is outside the scale UNIDO CND evaluation rating scale (Table 8) "
                                 "(1-4, 4 best, 1 worst; 0 = not assessed).")]
    assert database_state() == before


def test_rating_rows_name_unknown_things_and_missing_values(subjects):
    rows = clean_ratings()
    rows[0].update(subject="NOPE1", criterion="charm")
    rows[1].update(not_assessed="maybe")
    rows[2].update(value="", not_assessed="no")
    report = run(rows, kind="ratings")
    assert problems(report) == [
        (2, "criterion", "Unknown criterion “charm”."),
        (2, "subject", "Unknown project “NOPE1”."),
        (3, "not_assessed", "“maybe” must be yes or no."),
        (4, "value", 'Give a value or mark the rating "not assessed".'),
    ]


def test_a_transcribed_rating_is_not_changed_by_an_import():
    assert run([rating()], kind="ratings").unchanged == 1  # Senegal's relevance is 4 in Table 8
    report = run([rating(value="3")], kind="ratings")
    assert "was transcribed from" in problems(report)[0][2]
    assert Rating.objects.get(evaluation__slug="unido-cnd-2010", country__iso2="SN",
                              criterion__code="relevance").value == 4


# -- management commands --------------------------------------------------------------------------


def test_the_command_reports_every_problem_and_writes_nothing(tmp_path):
    path = tmp_path / "portfolio.csv"
    rows = clean_portfolio()
    rows[1]["country"] = "XX"
    path.write_bytes(as_csv(rows))
    before = database_state()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_portfolio", str(path), stderr=errors)
    assert "portfolio.csv: row 3, column country: Unknown country “XX”" in errors.getvalue()
    assert database_state() == before


def test_the_command_dry_run_then_import(tmp_path):
    path = tmp_path / "ratings.xlsx"
    make_evaluation(slug="test-eval", countries=[country("SN")])
    path.write_bytes(as_xlsx([rating(evaluation="test-eval")], RATINGS))
    out = io.StringIO()
    call_command("import_ratings", str(path), "--dry-run", stdout=out)
    assert "ratings: 1 created" in out.getvalue() and "Nothing was written" in out.getvalue()
    assert not Rating.objects.filter(evaluation__slug="test-eval").exists()
    call_command("import_ratings", str(path), stdout=out)
    assert Rating.objects.filter(evaluation__slug="test-eval").count() == 1


def test_the_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_portfolio", "/nonexistent/portfolio.csv")


# -- the staff pages ------------------------------------------------------------------------------


def make_user(*permissions, **kwargs):
    kwargs.setdefault("username", "clerk")
    user = User.objects.create_user(password="not-used-here", **kwargs)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def clerk(client):
    client.force_login(make_user("projects.add_project"))
    return client


def upload(client, content, name="portfolio.csv", url="/portfolio/import/"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("url", ["/portfolio/import/", "/portfolio/import/ratings/",
                                 "/portfolio/import/template.csv?kind=portfolio"])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("method, url", [("get", "/portfolio/import/"), ("get", "/portfolio/import/ratings/"),
                                         ("post", "/portfolio/import/confirm/"),
                                         ("post", "/portfolio/import/ratings/confirm/")])
def test_people_without_the_permission_are_refused(client, method, url):
    client.force_login(make_user())
    assert getattr(client, method)(url).status_code == 403


def test_each_kind_needs_its_own_permission(clerk):
    assert clerk.get("/portfolio/import/").status_code == 200
    assert clerk.get("/portfolio/import/ratings/").status_code == 403


def test_the_page_shows_the_form_and_the_columns(clerk):
    page = clerk.get("/portfolio/import/").content.decode()
    assert '<label for="id_file">' in page and 'enctype="multipart/form-data"' in page
    assert "<code>allotment_number</code>" in page and "template.xlsx?kind=portfolio" in page
    assert " style=" not in page and "<script>" not in page
    assert "/portfolio/import/ratings/" not in page  # no way in without ratings.add_rating


def test_the_preview_shows_each_problem_and_writes_nothing(clerk):
    rows = clean_portfolio()
    rows[2]["allotment"] = "-1"
    before = database_state()
    response = upload(clerk, as_csv(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 problem: nothing will be imported" in page
    assert "<td class=\"num\">4</td><td>allotment</td><td>-1 is negative; amounts cannot be negative.</td>" in page
    assert "<mark>-1</mark>" in page and 'class="has-problem"' in page
    assert "Import 4 rows" not in page and "import-portfolio" not in clerk.session
    assert database_state() == before


def test_preview_then_confirm_writes_once(clerk):
    response = upload(clerk, as_csv(clean_portfolio()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import 4 rows" in page
    assert '<th scope="row">Projects</th><td class="num">3</td><td class="num">0</td>' in page
    assert not Project.objects.filter(number="XXSEN24001").exists()
    digest = response.context["digest"]
    confirmed = clerk.post("/portfolio/import/confirm/", {"digest": digest}, follow=True)
    assert confirmed.redirect_chain == [("/portfolio/import/", 302)]
    assert "Imported portfolio.csv: projects: 3 created" in confirmed.content.decode()
    assert Project.objects.get(number="XXSEN24001").allotments.count() == 2
    again = clerk.post("/portfolio/import/confirm/", {"digest": digest}, follow=True)
    assert "that preview is no longer current" in again.content.decode()
    assert Allotment.objects.filter(number__startswith="XXSEN24001").count() == 2


def test_confirm_takes_the_file_kept_on_the_server_not_another(clerk):
    response = upload(clerk, as_csv(clean_portfolio()))
    clerk.post("/portfolio/import/confirm/", {"digest": "0" * 64})
    assert not Project.objects.filter(number="XXSEN24001").exists()
    assert not list(imports.PENDING_DIR.iterdir())  # the refused preview is not kept either
    assert response.context["digest"] != "0" * 64


def test_confirm_checks_the_file_again(clerk):
    response = upload(clerk, as_csv(clean_portfolio()))
    make_project(number="XXOTHER01")
    Allotment.objects.filter(number="XXOTHER01L0").update(number="XXNAM24003")  # arrived meanwhile
    confirmed = clerk.post("/portfolio/import/confirm/", {"digest": response.context["digest"]})
    assert confirmed.status_code == 409
    assert "is a line of project XXOTHER01" in confirmed.content.decode()
    assert not Project.objects.filter(number="XXSEN24001").exists()


def test_ratings_preview_and_confirm(client, subjects):
    client.force_login(make_user("ratings.add_rating"))
    response = upload(client, as_xlsx(clean_ratings(), RATINGS), "ratings.xlsx", url="/portfolio/import/ratings/")
    assert response.status_code == 200, response.content.decode()
    client.post("/portfolio/import/ratings/confirm/", {"digest": response.context["digest"]})
    assert Rating.objects.filter(evaluation__slug="test-eval").count() == 3


def test_the_page_refuses_a_file_over_the_limit_before_reading_it(clerk):
    response = upload(clerk, b"x" * (imports.MAX_BYTES + 1))
    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()


def test_the_page_explains_a_file_that_is_not_a_spreadsheet(clerk):
    response = upload(clerk, b"\x89PNG\r\n\x1a\n" + bytes(300), "photo.xlsx")
    assert response.status_code == 400
    assert "This is not an XLSX spreadsheet" in response.content.decode()


@pytest.mark.parametrize("kind, columns", [("portfolio", PORTFOLIO), ("ratings", RATINGS)])
def test_the_templates_have_the_header_and_an_example_that_imports(clerk, kind, columns):
    response = clerk.get("/portfolio/import/template.csv", {"kind": kind})
    assert response["Content-Disposition"] == f'attachment; filename="evalbase-{kind}-import.csv"'
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == columns and len(example) == len(columns)
    workbook = load_workbook(io.BytesIO(clerk.get("/portfolio/import/template.xlsx", {"kind": kind}).content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == columns
    assert workbook.sheetnames == ["data", "columns"]
    assert imports.run_import(kind, response.content, "template.csv", commit=False).ok


def test_an_unknown_template_is_not_found(clerk):
    assert clerk.get("/portfolio/import/template.csv", {"kind": "gossip"}).status_code == 404
    assert clerk.get("/portfolio/import/template.pdf").status_code == 404
