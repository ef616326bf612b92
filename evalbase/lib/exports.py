"""Downloads of exactly what a page shows: CSV (streamed) and XLSX (with an "About" sheet).

Pages call `export_response()` with the same rows they render, so screen and file cannot differ.

Text is never a formula: a spreadsheet opening a CSV treats a cell starting with `=`, `+`, `-`, `@`,
tab or carriage return as a formula, so such text gets a leading apostrophe (the convention Excel
and LibreOffice show as plain text); in XLSX it is stored as a string cell, with its text unchanged.
Numbers stay numbers, negative ones included.

A CSV is complete at any size: rows are written as they are read (pages pass an iterator over a
server-side cursor), in chunks of about 64 KB, so memory stays flat; no server timeout cuts it
(gunicorn's gthread worker, gunicorn.conf.py, and README "Exports").

A failed export never looks complete: the first row is read before anything is sent, so a query
that fails fails as an ordinary error page; a CSV that fails later, mid-stream, ends with an
"# EXPORT FAILED" line and the error is logged. An XLSX is built in full before it is sent, so it
fails with an error page and no file; above `EXPORT_XLSX_MAX_ROWS` rows (settings) it is not built
at all: a page says so and links to the CSV of the same selection.
"""

import csv
import io
import logging
import re
from itertools import chain

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from .xlsx_writer import MAX_ROWS, StreamingWorkbook

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FAILURE_MARKER = "# EXPORT FAILED"
LARGE_ROWS = 200_000  # an XLSX this long may pass 2 GiB unpacked: its sheet gets ZIP64 headers
CHUNK_CHARS = 64 * 1024  # one write to the socket per ~64 KB, not one per row
XLSX_MAX_ROWS = MAX_ROWS - 1  # default of settings.EXPORT_XLSX_MAX_ROWS: Excel's limit, less the header

log = logging.getLogger(__name__)


def wants_export(request):
    return request.GET.get("format") in FORMATS


def is_formula_like(value):
    """Text a spreadsheet would run as a formula; a plain number such as "-12.5" is not."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value)


def csv_value(value):
    return "'" + value if is_formula_like(value) else value


def _first_and_rest(rows):
    """Read the first row now, so a failing query fails before the response starts."""
    rows = iter(rows)
    first = next(rows, None)
    return rows if first is None else chain([first], rows)


def csv_lines(columns, rows, *, name="export"):
    """The CSV text of `columns` and `rows`, in chunks of about CHUNK_CHARS; a failure while reading
    rows ends it with a FAILURE_MARKER line, after the rows written so far."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    written = 0
    try:
        for row in rows:
            writer.writerow([csv_value(value) if value.__class__ is str else value for value in row])
            written += 1
            if buffer.tell() >= CHUNK_CHARS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    except Exception as error:
        log.exception("CSV export %s failed after %d rows", name, written)
        buffer.write(f"{FAILURE_MARKER} after {written} rows ({type(error).__name__}): the file is incomplete.\r\n")
    yield buffer.getvalue()


def csv_response(filename, columns, rows):
    """Stream `rows` (sequences in the order of `columns`) as a CSV attachment."""
    rows = _first_and_rest(rows)
    response = StreamingHttpResponse(csv_lines(columns, rows, name=filename), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _about_rows(request, filename, count):
    link = request.build_absolute_uri(request.get_full_path()).replace("format=xlsx", "format=html")
    yield ["EvalBase export", filename]
    yield ["exported at", timezone.now().isoformat(timespec="seconds")]
    yield ["rows", count]
    yield ["reproduce at", link]
    yield []
    yield ["filter", "value"]
    for name, values in request.GET.lists():
        if name != "format":
            yield [name, ", ".join(values)]


def xlsx_max_rows():
    return getattr(settings, "EXPORT_XLSX_MAX_ROWS", XLSX_MAX_ROWS)


def too_large_for_xlsx(request, count=None):
    """The page answering an XLSX above the cap: why, and the CSV of the same selection."""
    query = request.GET.copy()
    query["format"] = "csv"
    csv_url = f"{request.path}?{query.urlencode()}"
    query.pop("format")
    page_url = f"{request.path}?{query.urlencode()}" if query else request.path
    context = {"limit": xlsx_max_rows(), "count": count, "csv_url": csv_url, "page_url": page_url}
    return render(request, "exports/too_large.html", context, status=400)


def _data_rows(columns, rows, limit, outcome, name):
    """The data sheet's rows; a failure, or more than `limit` rows, ends it with a FAILURE_MARKER row."""
    yield columns
    try:
        for row in rows:
            if outcome["rows"] == limit:
                outcome["failure"] = f"at {limit:,} rows, the most an XLSX holds here: download the CSV for all"
                break
            yield row
            outcome["rows"] += 1
    except Exception as error:
        log.exception("XLSX export %s failed after %d rows", name, outcome["rows"])
        outcome["failure"] = f"after {outcome['rows']} rows ({type(error).__name__})"
    if outcome["failure"]:
        yield [f"{FAILURE_MARKER} {outcome['failure']}: the file is incomplete."]


def _xlsx_bytes(request, filename, columns, rows, limit, large):
    book = StreamingWorkbook(["data", "about"])
    outcome = {"rows": 0, "failure": None}
    yield from book.sheet(_data_rows(columns, rows, limit, outcome, filename), large=large)
    count = outcome["rows"] if not outcome["failure"] else f"{FAILURE_MARKER} {outcome['failure']}"
    yield from book.sheet(_about_rows(request, filename, count))
    yield book.close()


def xlsx_response(filename, columns, rows, *, request, count=None):
    """An XLSX attachment, streamed as it is written (evalbase/lib/xlsx_writer.py): the rows on sheet "data";
    filters, export time and link on sheet "about".

    More rows than `xlsx_max_rows()`, known beforehand from `count` (a callable), answer
    `too_large_for_xlsx`; found while writing, they end the file with a FAILURE_MARKER row.
    """
    limit = xlsx_max_rows()
    total = count() if count else None
    if total is not None and total > limit:
        return too_large_for_xlsx(request, total)
    rows = _first_and_rest(rows)
    response = StreamingHttpResponse(
        _xlsx_bytes(request, filename, columns, rows, limit, large=(total or 0) > LARGE_ROWS),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(request, filename, columns, rows, *, count=None):
    """CSV or XLSX, as `?format=` asks. `count`, a callable giving the number of rows, lets an XLSX
    too large to build be refused before any row is read."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename, columns, rows, request=request, count=count)
    return csv_response(filename, columns, rows)
