"""Files to import, built in tests: CSV and XLSX from rows, and workbooks with a sheet written by hand."""

import csv
import io
import zipfile

from openpyxl import Workbook


def as_csv(rows, columns):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows, columns):
    workbook = Workbook()
    workbook.active.append(columns)
    for row in rows:
        workbook.active.append([row[column] for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_with(sheet_data=b"", *, sheet=None, parts=None):
    """A workbook made by openpyxl whose first sheet holds `sheet_data` (the XML inside <sheetData>),
    or is `sheet` (a whole part); `parts` replaces or adds other parts ({path: bytes})."""
    if sheet is None:
        sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                 + sheet_data + b"</sheetData></worksheet>")
    parts = {"xl/worksheets/sheet1.xml": sheet, **(parts or {})}
    buffer = io.BytesIO()
    Workbook().save(buffer)
    made = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in made.namelist():
            archive.writestr(name, parts.pop(name, None) or made.read(name))
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def inline_row(number, *texts):
    """A sheet row of inline strings, as <sheetData> holds it."""
    cells = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % text.encode() for text in texts)
    return b'<row r="%d">%s</row>' % (number, cells)


def problems(report):
    return [(p.row, p.column, p.reason) for p in report.problems]
