"""An uploaded table, CSV or XLSX, as rows of text cells with the row numbers a spreadsheet shows. No Django.

Every cap is checked while the file is read, and reading stops as soon as one is passed, so that no
file holds a worker for more than a few seconds nor fills its memory: the file's size (MAX_BYTES),
rows that are not blank (a header and MAX_ROWS more), values in the first MAX_COLUMNS columns only,
and for a workbook the caps of `xlsx` on what it unpacks to. Given the expected column names, a
wrong header is refused before any other row is read.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import xlsx

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
EXTENSIONS = (".csv", ".xlsx")


class FileProblem(Exception):
    """The file cannot be imported as it is: wrong type, empty, too large, unreadable, wrong header.

    `row` and `column` say where, when one place is the cause.
    """

    def __init__(self, reason, *, row=None, column=""):
        super().__init__(reason)
        self.reason, self.row, self.column = reason, row, column


class WrongColumns(Exception):
    """The header row does not name the expected columns: `problems` holds one FileProblem per mistake."""

    def __init__(self, problems):
        super().__init__("; ".join(problem.reason for problem in problems))
        self.problems = problems


@dataclass
class Table:
    header_row: int
    columns: list
    rows: list  # (row number, {column: text}) for every row that is not blank


def size_problem(size):
    """The reason a file of `size` bytes is refused, or None."""
    if size > MAX_BYTES:
        return (f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
                "Split it into smaller files.")
    return None


def read_table(content, filename, *, expected=None):
    """The rows of the file (the first worksheet of a workbook), every cell as stripped text.

    The header is the first row that is not blank; its names are trimmed and compared in lower
    case. Given `expected` (column names), the header is checked as soon as it is read: WrongColumns
    names the missing, unknown and repeated columns. Raises FileProblem for a file that cannot be read.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileProblem(f"Unsupported file type “{suffix or filename}”: upload a .csv or .xlsx file.")
    if not content:
        raise FileProblem("The file is empty.")
    if problem := size_problem(len(content)):
        raise FileProblem(problem)
    records = _csv_records(content) if suffix == ".csv" else xlsx.sheet_rows(content, max_columns=MAX_COLUMNS)
    try:
        return _tabulate((record for record in records if any(record[1])), expected)
    except xlsx.Unreadable as problem:
        raise FileProblem(str(problem), row=problem.row) from None


def _tabulate(records, expected):
    first = next(records, None)
    if first is None:
        raise FileProblem("The file is empty.")
    header_row, header = first
    names = [name.lower() for name in header]
    _check_header(header_row, [name for name in names if name], expected)
    row_of = _row_maker(names)
    rows = []
    for number, cells in records:
        if len(rows) == MAX_ROWS:
            raise FileProblem(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
        rows.append((number, row_of(cells)))
    if not rows:
        raise FileProblem("The file has a header row but no data rows.")
    return Table(header_row=header_row, columns=[name for name in names if name], rows=rows)


def _row_maker(names):
    """A function that gives a row's {column: text}, refusing a value in a column the header does not name."""
    width = len(names)
    keep = [index for index, name in enumerate(names) if name]
    unnamed = [index for index, name in enumerate(names) if not name]
    columns = [names[index] for index in keep]

    def row_of(cells):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        for index in unnamed if len(cells) == width else [*unnamed, *range(width, len(cells))]:
            if cells[index]:
                raise FileProblem(f"Column {xlsx.reference_letters(index + 1)} has values but no name in the "
                                  "header row.")
        return dict(zip(columns, cells if len(keep) == width else [cells[index] for index in keep]))

    return row_of


def _check_header(row, names, expected):
    repeated = sorted({name for name in names if names.count(name) > 1})
    if expected is None:
        if repeated:
            raise FileProblem(f"Repeated column(s): {', '.join(repeated)}.", row=row, column=", ".join(repeated))
        return
    missing = [name for name in expected if name not in names]
    unknown = [name for name in names if name not in expected]
    problems = [
        FileProblem(f"{label} column(s): {', '.join(found)}. The columns are: {', '.join(expected)}.",
                    row=row, column=", ".join(found))
        for label, found in (("Missing", missing), ("Unknown", unknown), ("Repeated", repeated)) if found
    ]
    if problems:
        raise WrongColumns(problems)


def _csv_records(content):
    """(row number, [text]) for every record of a UTF-8 CSV file separated by commas or semicolons."""
    if b"\x00" in content:
        raise FileProblem("This is not a CSV file: it holds binary data.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.") from None
    first_line = text.partition("\n")[0]
    # Spreadsheets set to many European locales save CSV with semicolons.
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                _refuse_values_beyond(number, cells)
                del cells[MAX_COLUMNS:]
            yield number, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise FileProblem(f"The file could not be read as CSV (row {number + 1}): {error}.") from None


def _refuse_values_beyond(number, cells):
    for index in range(MAX_COLUMNS, len(cells)):
        if cells[index].strip():
            raise FileProblem(f"Row {number} has a value in column {xlsx.reference_letters(index + 1)}; a file may "
                              f"have at most {MAX_COLUMNS} columns.", row=number)
