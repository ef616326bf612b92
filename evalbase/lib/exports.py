"""Downloads of exactly what a page shows: CSV (streamed) and XLSX (with an "About" sheet).

Pages call `export_response()` with the same rows they render, so screen and file cannot differ.
"""

import csv
import tempfile
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


def wants_export(request):
    return request.GET.get("format") in FORMATS


def csv_response(filename, columns, rows):
    """Stream `rows` (sequences in the order of `columns`) as a CSV attachment."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell(value):
    # Excel holds floats; Decimal money is written as a number with its exact printed digits.
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_response(filename, columns, rows, *, request):
    """An XLSX attachment: the rows on sheet "data"; filters, export time and link on sheet "about".

    openpyxl's write-only mode keeps memory flat for large exports; the file is spooled to disk.
    """
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append(columns)
    count = 0
    for row in rows:
        data.append([_cell(value) for value in row])
        count += 1
    about = workbook.create_sheet("about")
    about.append(["EvalBase export", filename])
    about.append(["exported at", timezone.now().isoformat(timespec="seconds")])
    about.append(["rows", count])
    link = request.build_absolute_uri(request.get_full_path()).replace("format=xlsx", "format=html")
    about.append(["reproduce at", link])
    about.append([])
    about.append(["filter", "value"])
    for name, values in request.GET.lists():
        if name != "format":
            about.append([name, ", ".join(values)])
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
