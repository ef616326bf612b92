"""Full exports of the unfiltered portfolio: time, bytes, rows (checked complete), worker memory.

Run on a freshly started gunicorn, so that the worker's peak memory (VmHWM) before and after an
export is that export's, not a large page's measured earlier.
"""

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.client import get
from bench.pages import DATABASE

XLSX_DATA_SHEET = "xl/worksheets/sheet1.xml"  # openpyxl's write-only mode: sheets in creation order, "data" first


@dataclass
class Export:
    name: str
    response: object
    rows: int | None
    expected: int
    rss_before: float | None = None
    rss_after: float | None = None

    @property
    def verdict(self):
        """"complete", or why the file cannot be trusted: an export that fails is never a time."""
        if self.response.status != 200:
            return f"failed: {self.response.outcome}"
        if self.response.error:
            return f"{self.response.error} after {self.response.size:,} bytes"
        if self.rows != self.expected:
            return f"incomplete: {self.rows if self.rows is not None else '?'} of {self.expected:,} rows"
        return "complete"


def _download(port, path, target, timeout):
    with open(target, "wb") as out:
        return get(port, path, timeout=timeout, sink=out.write)


def _csv_rows(path):
    try:
        with open(path, newline="", encoding="utf-8") as file:
            return sum(1 for _ in csv.reader(file)) - 1  # less the header
    except (UnicodeDecodeError, csv.Error):
        return None


def _xlsx_rows(path):
    """Rows of the data sheet less the header, counted in its XML without loading the workbook."""
    try:
        with zipfile.ZipFile(path) as book, book.open(XLSX_DATA_SHEET) as sheet:
            count, tail = 0, b""
            while chunk := sheet.read(1 << 20):
                text = tail + chunk
                count += text.count(b"<row ") + text.count(b"<row>")
                tail = text[-4:]  # shorter than a match: none is counted twice, none split is missed
            return count - 1
    except (zipfile.BadZipFile, KeyError):
        return None


def measure_exports(evalbase, datasette, *, expected, workdir, timeout, log):
    workdir = Path(workdir)
    evalbase.restart()
    get(evalbase.port, "/portfolio/?region=AF&status=closed", timeout=timeout)  # load the app
    results = []
    runs = [
        ("CSV, EvalBase `/portfolio/?format=csv`", evalbase, "/portfolio/?format=csv", _csv_rows),
        ("CSV, Datasette `projects.csv?_stream=on`", datasette, f"/{DATABASE}/projects.csv?_stream=on",
         _csv_rows),
        ("XLSX, EvalBase `/portfolio/?format=xlsx`", evalbase, "/portfolio/?format=xlsx", _xlsx_rows),
    ]
    for name, server, path, count in runs:
        log(f"  {name} ...")
        target = workdir / ("export.xlsx" if "xlsx" in path else "export.csv")
        before = evalbase.peak_rss_mb() if server is evalbase else None
        response = _download(server.port, path, target, timeout)
        after = evalbase.peak_rss_mb() if server is evalbase and evalbase.process.poll() is None else None
        rows = count(target) if response.size else None
        target.unlink(missing_ok=True)
        results.append(Export(name, response, rows, expected, before, after))
        if server is evalbase and (response.error or response.status is None):
            evalbase.restart()
    return results
