"""Downloads of exactly what a page shows: CSV (streamed) and XLSX (with an "About" sheet).

Pages call `export_response()` with the same rows they render, so screen and file cannot differ.

Text is never a formula: a spreadsheet opening a CSV treats a cell starting with `=`, `+`, `-`, `@`,
tab or carriage return as a formula, so such text gets a leading apostrophe (the convention Excel
and LibreOffice show as plain text); in XLSX it is stored as a string cell, with its text unchanged.
Numbers stay numbers, negative ones included.

A failed export never looks complete: the first row is read before anything is sent, so a query
that fails fails as an ordinary error page; a CSV that fails later, mid-stream, ends with an
"# EXPORT FAILED" line and the error is logged. An XLSX is built in full before it is sent, so it
fails with an error page and no file.
"""

import csv
import logging
import re
import tempfile
from decimal import Decimal
from itertools import chain

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FAILURE_MARKER = "# EXPORT FAILED"

log = logging.getLogger(__name__)


class _Echo:
    def write(self, value):
        return value


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


def csv_response(filename, columns, rows):
    """Stream `rows` (sequences in the order of `columns`) as a CSV attachment."""
    writer = csv.writer(_Echo())
    rows = _first_and_rest(rows)

    def lines():
        yield writer.writerow(columns)
        written = 0
        try:
            for row in rows:
                yield writer.writerow([csv_value(value) for value in row])
                written += 1
        except Exception as error:
            log.exception("CSV export %s failed after %d rows", filename, written)
            yield f"{FAILURE_MARKER} after {written} rows ({type(error).__name__}): the file is incomplete.\r\n"

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell(sheet, value):
    # Excel holds floats; Decimal money is written as a number with its exact printed digits.
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
    return cell


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


def xlsx_response(filename, columns, rows, *, request):
    """An XLSX attachment: the rows on sheet "data"; filters, export time and link on sheet "about".

    openpyxl's write-only mode keeps memory flat for large exports; the file is spooled to disk and
    sent only once complete.
    """
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([_cell(data, value) for value in columns])
    count = 0
    for row in rows:
        data.append([_cell(data, value) for value in row])
        count += 1
    about = workbook.create_sheet("about")
    for row in _about_rows(request, filename, count):
        about.append([_cell(about, value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(request, filename, columns, rows):
    """CSV or XLSX, as `?format=` asks."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename, columns, rows, request=request)
    return csv_response(filename, columns, rows)
