"""Exports at any size: one query and flat memory for the portfolio's CSV, the same cells as the
page, XLSX refused above its cap with a link to the CSV, and no server timeout cutting a long
download (gunicorn served with gunicorn.conf.py, the settings of `make run` and `make serve`)."""

import http.client
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from evalbase.lib.exports import FAILURE_MARKER
from projects.selectors import project_list
from projects.services import refresh_totals
from projects.views import _project_row

from .builders import (
    cited,
    make_allotment,
    make_evaluation,
    make_programme,
    make_project,
    make_recommendation,
    read_csv,
    region,
)

ROOT = Path(__file__).resolve().parent.parent


def as_text(value):
    return "" if value is None else str(value)


@pytest.fixture
def portfolio():
    """One project of each kind a row can show: transcribed (cited), entered by hand without a
    country or region, in another currency, with lines in two currencies, with no lines."""
    programme = make_programme(slug="scale")
    make_project(programme=programme, number="SCL0001", **cited(section="Annex 3", locator="row 7"))
    make_project(programme=programme, number="SCL0002", country=None, region=None, approach="", start_year=None)
    make_project(programme=programme, number="SCL0003", currency="CHF", status="ongoing",
                 title="=HYPERLINK(\"http://evil.example/\")")
    mixed = make_project(programme=programme, number="SCL0004", region=region("ASIA"))
    make_allotment(project=mixed, currency="EUR", amount="5")
    refresh_totals([mixed.pk])
    make_project(programme=programme, number="SCL0005", lines=0, status="not_stated")
    return programme


@pytest.mark.django_db
def test_the_csv_holds_the_cells_the_page_shows_for_each_kind_of_project(client, portfolio):
    rows = read_csv(client.get("/portfolio/", {"programme": "scale", "format": "csv"}))
    expected = [[as_text(value) for value in _project_row(p)] for p in project_list().filter(programme=portfolio)]
    written = [list(row.values()) for row in rows]
    expected[2][1] = "'" + expected[2][1]  # a title that looks like a formula is written as text
    assert written == expected
    assert rows[0]["source"].endswith(", Annex 3, row 7") and rows[1]["country"] == rows[1]["source"] == ""
    assert rows[3]["currency"] == "mixed" and rows[4]["currency"] == "" and rows[4]["allotments"] == "0"


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_export_runs_the_same_queries_whatever_the_number_of_projects(client, portfolio, format):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/portfolio/", {"programme": "scale", "format": format})
            b"".join(response.streaming_content)
        return len(captured)

    few = queries()
    for number in range(12):
        make_project(programme=portfolio, **cited(locator=f"row {number}"))
    assert queries() == few <= 3  # the filter's lookup, the rows, and for XLSX a count first


@pytest.mark.django_db
def test_an_xlsx_above_the_cap_is_a_page_linking_to_the_csv_of_the_same_selection(client, portfolio, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 4
    response = client.get("/portfolio/", {"programme": "scale", "status": "closed", "format": "xlsx"})
    assert response.status_code == 200 and "spreadsheet" in response["Content-Type"]  # 3 rows: within the cap
    response = client.get("/portfolio/", {"programme": "scale", "format": "xlsx"})
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "too large for an XLSX file" in page and "at most 4 rows" in page and "this selection has 5" in page
    assert 'href="/portfolio/?programme=scale&amp;format=csv"' in page
    assert len(read_csv(client.get("/portfolio/", {"programme": "scale", "format": "csv"}))) == 5


@pytest.mark.django_db
def test_an_xlsx_found_above_the_cap_while_written_ends_with_the_failure_marker(client, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 2
    evaluation = make_evaluation()
    for number in range(1, 4):
        make_recommendation(evaluation=evaluation, number=number)
    response = client.get("/recommendations/", {"evaluation": evaluation.slug, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = list(workbook["data"].values)
    assert len(data) == 1 + 2 + 1 and data[-1][0].startswith(FAILURE_MARKER + " at 2 rows")
    assert "download the CSV" in data[-1][0]


@pytest.mark.django_db
def test_the_xlsx_holds_the_same_rows_as_the_csv(client, portfolio):
    csv_rows = read_csv(client.get("/portfolio/", {"programme": "scale", "format": "csv"}))
    response = client.get("/portfolio/", {"programme": "scale", "format": "xlsx"})
    data = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["data"].values)
    assert list(data[0]) == list(csv_rows[0])
    assert [row[0] for row in data[1:]] == [row["number"] for row in csv_rows]
    assert data[3][1] == '=HYPERLINK("http://evil.example/")'  # text, not a formula
    assert data[1][10] == 1000 and data[1][12].endswith(", Annex 3, row 7")


# A download slower than the server's timeout, served by gunicorn as `make run` serves it.

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_slow_export(worker_class, timeout, log):
    port = free_port()
    argv = [str(Path(sys.executable).parent / "gunicorn"), "tests.slow_export_app:application",
            "--config", "gunicorn.conf.py", "--workers", "1", "--timeout", str(timeout), "--bind", f"127.0.0.1:{port}",
            "--no-control-socket"]
    if worker_class:  # one thread: with more, gunicorn would use gthread anyway
        argv += ["--worker-class", worker_class, "--threads", "1"]
    env = dict(os.environ, DEBUG="false", SLOW_EXPORT_ROWS="60", SLOW_EXPORT_DELAY="0.1")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            assert process.poll() is None, "gunicorn stopped at start"
            time.sleep(0.2)
    process.kill()
    raise AssertionError("gunicorn did not start")


def download(port):
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/slow.csv")
    response = connection.getresponse()
    try:
        body, complete = response.read(), True
    except http.client.IncompleteRead as cut:
        body, complete = cut.partial, False
    return response.status, body.decode(), complete, time.monotonic() - started


@pytest.mark.parametrize("worker_class, cut", [(None, False), ("sync", True)])
def test_no_server_timeout_cuts_a_download_longer_than_it(tmp_path, worker_class, cut):
    """gunicorn.conf.py's worker with a 2 s timeout streams a 6 s CSV to its last row; the same
    settings with gunicorn's default sync worker kill it mid-file (what happened at 1M projects)."""
    with open(tmp_path / "gunicorn.log", "w+") as log:
        process, port = serve_slow_export(worker_class, 2, log)
        try:
            status, text, complete, seconds = download(port)
        finally:
            process.terminate()
            process.wait(15)
        log.seek(0)
        logged = log.read()
    lines = text.splitlines()
    assert status == 200
    if cut:
        # The sync worker closes the connection to end a response: a client sees a short file, not an error.
        assert len(lines) < 61 and "WORKER TIMEOUT" in logged, logged
    else:
        assert complete and seconds > 3 * 2, logged
        assert len(lines) == 61 and lines[-1].startswith("row 59,59,") and FAILURE_MARKER not in text


@pytest.mark.parametrize("large", [False, True])
def test_the_streaming_xlsx_writer_keeps_each_kind_of_value(large):
    import datetime
    from decimal import Decimal

    from evalbase.lib.xlsx_writer import StreamingWorkbook, column_letter

    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    row = ["a < b & \"c\"", "bell\x07gone", -3, Decimal("-12.50"), 2.5, True, None, "",
           datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 12, 30), "  spaced  ", "=1+1"] + ["x"] * 20
    book = StreamingWorkbook(["data", "about"])
    data = b"".join([*book.sheet([["header"], row], large=large), *book.sheet([["about"]]), book.close()])
    sheet = load_workbook(io.BytesIO(data))["data"]
    assert [cell.value for cell in sheet[2][:12]] == [
        "a < b & \"c\"", "bellgone", -3, -12.5, 2.5, True, None, None,
        datetime.datetime(2024, 2, 29), datetime.datetime(2024, 2, 29, 12, 30), "  spaced  ", "=1+1"]
    assert sheet["L2"].data_type == "s" and sheet["I2"].is_date and sheet["AF2"].value == "x"
