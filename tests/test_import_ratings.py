"""The ratings import: through ratings.services, all or nothing, its pages under /ratings/import/ and its command."""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from evalbase.lib.importing import run_import
from evaluations.models import Evaluation
from ratings.imports import RatingImport
from ratings.models import Rating
from reference.models import RatingScale

from .builders import cited, country, criterion, make_evaluation, make_programme, make_project, make_rating, make_scale
from .spreadsheets import as_csv, as_xlsx, problems

pytestmark = pytest.mark.django_db

COLUMNS = ["evaluation", "subject_kind", "subject", "criterion", "value", "not_assessed", "scale", "justification"]


@pytest.fixture(autouse=True)
def pending_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}


@pytest.fixture
def subjects(db):
    """An evaluation covering Peru and Senegal and evaluating a programme with one project; two scales."""
    evaluation = make_evaluation(slug="test-eval", countries=[country("PE"), country("SN")])
    programme = make_programme(slug="test-programme", evaluations=[evaluation])
    project = make_project(number="XXPER24001", programme=programme)
    make_scale(code="test-1-4", name="Test scale", not_assessed_value=Decimal("0"))
    make_scale(code="test-0-2", minimum=Decimal("0"), maximum=Decimal("2"))
    return evaluation, programme, project


def rating(**values):
    row = {"evaluation": "test-eval", "subject_kind": "country", "subject": "SN", "criterion": "relevance",
           "value": "4", "not_assessed": "no", "scale": "test-1-4", "justification": ""}
    row.update(values)
    return row


def clean_ratings():
    return [
        rating(subject_kind="project", subject="XX/PER/24/001", value="3", justification="Well designed."),
        rating(subject="PE", criterion="impact", value="", not_assessed="yes"),
        rating(subject_kind="programme", subject="test-programme", value="1.5", scale="test-0-2"),
    ]


def run(rows, commit=True, filename="file.csv"):
    return run_import(RatingImport, as_csv(rows, COLUMNS), filename, commit=commit)


def ratings_of(evaluation):
    return Rating.objects.filter(evaluation=evaluation)


def test_it_imports_ratings(subjects):
    evaluation, programme, project = subjects
    report = run(clean_ratings())
    assert report.committed, problems(report)
    assert str(report.tallies["ratings"]) == "ratings: 3 created, 0 updated, 0 unchanged"
    of_project = Rating.objects.get(evaluation=evaluation, project=project)
    assert (of_project.criterion.code, of_project.value, of_project.justification) == (
        "relevance", Decimal("3"), "Well designed.")
    peru = Rating.objects.get(evaluation=evaluation, country__iso2="PE")
    assert (peru.value, peru.not_assessed) == (None, True)
    assert Rating.objects.get(evaluation=evaluation, programme=programme).normalised_value == Decimal("75.0")
    assert of_project.history.first().history_change_reason == "Imported from file.csv"


def test_reimporting_ratings_updates_the_same_rating(subjects):
    evaluation, _, project = subjects
    run(clean_ratings())
    assert run(clean_ratings()).unchanged == 3
    rows = clean_ratings()
    rows[0].update(value="0", justification="")
    report = run(rows)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    updated = Rating.objects.get(evaluation=evaluation, project=project)
    assert (updated.value, updated.not_assessed, updated.justification) == (Decimal("0"), True, "Well designed.")
    assert ratings_of(evaluation).count() == 3
    # An edit form opened before the import holds the old version and is refused as stale.
    assert updated.version == 2
    assert updated.history.first().history_change_reason == "Imported from file.csv"


def test_an_out_of_scale_rating_is_refused_with_the_scale(subjects):
    rows = clean_ratings()
    rows[0]["value"] = "7"
    report = run(rows)
    assert problems(report) == [(2, "value", "7 is outside the scale Test scale (1-4, 4 best, 1 worst; "
                                 "0 = not assessed).")]
    assert not ratings_of(subjects[0]).exists()


def test_rating_rows_name_unknown_things_and_missing_values(subjects):
    rows = clean_ratings()
    rows[0].update(subject="NOPE1", criterion="charm")
    rows[1].update(not_assessed="maybe")
    rows[2].update(value="", not_assessed="no")
    report = run(rows)
    assert problems(report) == [
        (2, "criterion", "Unknown criterion “charm”."),
        (2, "subject", "Unknown project “NOPE1”."),
        (3, "not_assessed", "“maybe” must be yes or no."),
        (4, "value", 'Give a value or mark the rating "not assessed".'),
    ]


def test_a_subject_outside_the_evaluations_scope_is_refused_with_the_models_own_reason(subjects):
    evaluation = subjects[0]
    outside = make_project(number="XXOUT24001")
    report = run([rating(subject="ML"), rating(subject_kind="project", subject="XXOUT24001")])
    mali = Rating(evaluation=evaluation, subject_kind="country", country=country("ML"))
    stray = Rating(evaluation=evaluation, subject_kind="project", project=outside)
    assert problems(report) == [(2, "subject", mali.scope_problem()), (3, "subject", stray.scope_problem())]
    assert mali.scope_problem() == f"Mali is not among the countries {evaluation} covers."


def test_the_scope_read_once_gives_the_rule_read_per_rating(subjects):
    evaluation, programme, project = subjects
    scope = Rating.scopes([evaluation.pk])[evaluation.pk]
    for subject in [{"country": country("SN")}, {"country": country("ML")}, {"project": project},
                    {"project": make_project()}, {"programme": programme}, {"programme": make_programme()}]:
        kind = next(iter(subject))
        one = Rating(evaluation=evaluation, subject_kind=kind, **subject)
        assert one.scope_problem(scope) == one.scope_problem(), subject


def test_checking_asks_the_database_once_per_import_not_once_per_rating(subjects):
    def queries(count):
        rows = [rating(subject_kind="project", subject=make_project(programme=subjects[1]).number,
                       criterion="effectiveness") for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run(rows, commit=False).ok
        return len(captured)

    assert queries(2) == queries(40)


def test_a_transcribed_rating_is_not_changed_by_an_import(subjects):
    evaluation = subjects[0]
    scale = RatingScale.objects.get(code="test-1-4")
    make_rating(evaluation=evaluation, country=country("SN"), criterion=criterion("relevance"), scale=scale,
                value=Decimal("4"), **cited())
    assert run([rating()]).unchanged == 1
    report = run([rating(value="3")])
    assert "was transcribed from" in problems(report)[0][2]
    assert Rating.objects.get(evaluation=evaluation, country__iso2="SN").value == 4


def test_a_refusal_by_the_service_while_writing_names_its_row_and_rolls_everything_back(subjects, monkeypatch):
    from ratings import imports
    from ratings.services import update_rating

    run(clean_ratings())
    rows = clean_ratings()
    rows[0]["value"], rows[2]["value"] = "2", "2"

    def stale(rating, **kwargs):
        if rating.programme_id:
            Rating.objects.filter(pk=rating.pk).update(version=rating.version + 5)  # saved by someone meanwhile
        return update_rating(rating, **kwargs)

    monkeypatch.setattr(imports, "update_rating", stale)
    report = run(rows)
    assert not report.committed
    [(number, column, reason)] = problems(report)
    assert (number, column) == (4, "") and reason.startswith("This row could not be saved: Someone saved this")
    assert sorted(ratings_of(subjects[0]).exclude(value=None).values_list("value", flat=True)) == [
        Decimal("1.5"), Decimal("3")]


# -- the command ---------------------------------------------------------------------------------


def test_the_command_dry_run_then_import(tmp_path, subjects):
    path = tmp_path / "ratings.xlsx"
    path.write_bytes(as_xlsx([rating()], COLUMNS))
    out = io.StringIO()
    call_command("import_ratings", str(path), "--dry-run", stdout=out)
    assert "ratings: 1 created" in out.getvalue() and "Nothing was written" in out.getvalue()
    assert not ratings_of(subjects[0]).exists()
    call_command("import_ratings", str(path), stdout=out)
    assert ratings_of(subjects[0]).count() == 1


def test_the_command_reports_every_problem(tmp_path, subjects):
    path = tmp_path / "ratings.csv"
    path.write_bytes(as_csv([rating(scale="nope")], COLUMNS))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_ratings", str(path), stderr=errors)
    assert "ratings.csv: row 2, column scale: Unknown scale “nope”." in errors.getvalue()


# -- the pages -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def jobs_in_the_request(settings):
    """Import jobs run as soon as they are queued (tests/test_background_imports.py runs the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, content, name="ratings.xlsx", url="/ratings/import/"):
    """The page the upload leads to: its checking job's, the job done."""
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize("url", ["/ratings/import/", "/ratings/import/template.csv"])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("method, url", [("get", "/ratings/import/"), ("post", "/ratings/import/confirm/")])
def test_people_without_the_import_permission_are_refused(client, eve, method, url):
    client.force_login(eve)
    assert getattr(client, method)(url).status_code == 403


def test_the_import_needs_its_own_permission_not_add_rating(client, otto):
    otto.user_permissions.add(Permission.objects.get(content_type__app_label="ratings", codename="add_rating"))
    client.force_login(otto)
    assert client.get("/ratings/import/").status_code == 403
    otto.user_permissions.set([Permission.objects.get(content_type__app_label="ratings", codename="import_ratings")])
    page = client.get("/ratings/import/")
    assert page.status_code == 200 and "<code>subject_kind</code>" in page.content.decode()
    assert client.get("/portfolio/import/").status_code == 403


def test_ratings_preview_and_confirm(client, sam, subjects):
    client.force_login(sam)
    response = upload(client, as_xlsx(clean_ratings(), COLUMNS))
    assert response.status_code == 200, response.content.decode()
    assert "No problem found. Confirm to write" in response.content.decode()
    confirmed = client.post("/ratings/import/confirm/", {"digest": response.context["digest"]}, follow=True)
    assert confirmed.redirect_chain == [(f"/imports/{confirmed.context['job'].pk}/", 302)]
    assert "Imported ratings.xlsx: ratings: 3 created" in confirmed.content.decode()
    assert ratings_of(subjects[0]).count() == 3
    assert ratings_of(subjects[0]).first().history.first().history_user == sam


def test_the_old_addresses_redirect_for_good_and_keep_the_upload(client, sam, subjects):
    client.force_login(sam)
    assert client.get("/portfolio/import/ratings/").status_code == 308
    assert client.get("/portfolio/import/ratings/")["Location"] == "/ratings/import/"
    moved = client.post("/portfolio/import/ratings/", {"file": SimpleUploadedFile("r.csv", b"")})
    assert (moved.status_code, moved["Location"]) == (308, "/ratings/import/")
    preview = upload(client, as_csv(clean_ratings(), COLUMNS), "r.csv")
    old_confirm = client.post("/portfolio/import/ratings/confirm/", {"digest": preview.context["digest"]})
    assert (old_confirm.status_code, old_confirm["Location"]) == (308, "/ratings/import/confirm/")
    confirmed = client.post(old_confirm["Location"], {"digest": preview.context["digest"]})
    assert confirmed.status_code == 302 and ratings_of(subjects[0]).count() == 3
    template = client.get("/portfolio/import/template.csv", {"kind": "ratings"})
    assert (template.status_code, template["Location"]) == (308, "/ratings/import/template.csv")


def test_the_templates_have_the_header_and_an_example_that_imports(client, sam):
    example = RatingImport.examples
    evaluation = Evaluation.objects.filter(slug=example["evaluation"]).first() or make_evaluation(
        slug=example["evaluation"], countries=[country(example["subject"])])
    if not RatingScale.objects.filter(code=example["scale"]).exists():
        make_scale(code=example["scale"])
    assert evaluation.countries.filter(iso2=example["subject"]).exists()
    client.force_login(sam)
    response = client.get("/ratings/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="evalbase-ratings-import.csv"'
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == COLUMNS and len(row) == len(COLUMNS)
    workbook = load_workbook(io.BytesIO(client.get("/ratings/import/template.xlsx").content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == COLUMNS
    assert workbook.sheetnames == ["data", "columns"]
    assert run_import(RatingImport, response.content, "template.csv", commit=False).ok
    assert client.get("/ratings/import/template.pdf").status_code == 404
