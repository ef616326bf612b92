"""Bulk import of projects with their allotment lines, and of ratings, from CSV or XLSX files.

Both kinds share one mechanism (`run_import`):

1. read the file with pandas, every cell as text, and check its columns exactly;
2. check every row and collect every problem as (row as the spreadsheet shows it, column, reason):
   formats first, then the things a row names (programme, country, scale...), then the models' own
   rules (`full_clean()`);
3. only when there is no problem at all, write everything in one transaction. Records are matched
   on their natural keys (project number, allotment number, evaluation + subject + criterion), so
   importing the same file twice creates and changes nothing. A database error while writing
   becomes a problem on its row and rolls everything back.

Records transcribed from a report (those citing a source document) are not changed by an import:
the report's YAML file is their source, and `load_reports` would put them back. A row that matches
one exactly is counted as unchanged; a row that would change one, or add a line to a transcribed
project, is a problem.

Reading, parsing and templates need no Django; checking and writing use the models.
"""

import csv
import io
import os
import re
import secrets
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from openpyxl import Workbook

from evaluations.models import Evaluation
from ratings.models import Rating
from ratings.services import create_ratings, update_rating
from reference.models import Country, Criterion, RatingScale, Region

from .models import Allotment, Approach, Programme, Project, ProjectType, Status, project_status
from .numbers import normalise_project_number
from .services import refresh_totals

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# An XLSX file is a zip archive: refuse one that unpacks to far more than any honest 10 MB sheet.
MAX_UNPACKED_BYTES = 25 * MAX_BYTES
# Problems kept for display; the count goes on beyond it.
MAX_PROBLEMS = 10_000
PREVIEW_ROWS = 200
EXTENSIONS = (".csv", ".xlsx")


# -- reading a file (no Django) ---------------------------------------------------------------


class FileProblem(Exception):
    """The file as a whole cannot be imported: wrong type, empty, too large, unreadable."""


class CellError(Exception):
    """One cell's value is not acceptable; the message is the reason."""


@dataclass(frozen=True)
class Problem:
    row: int | None  # as the spreadsheet shows it (the header is row 1); None for the whole file
    column: str
    reason: str

    def __str__(self):
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


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


def read_table(content, filename):
    """Every non-blank row of the first sheet as text, with its row number; raises FileProblem."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileProblem(f"Unsupported file type “{suffix or filename}”: upload a .csv or .xlsx file.")
    if not content:
        raise FileProblem("The file is empty.")
    if problem := size_problem(len(content)):
        raise FileProblem(problem)
    frame = _read_csv(content) if suffix == ".csv" else _read_xlsx(content)
    if len(frame) > MAX_ROWS + 1:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
    cells = frame.fillna("").values.tolist()
    rows = [(index + 1, [str(cell).strip() for cell in row]) for index, row in enumerate(cells)]
    rows = [(number, row) for number, row in rows if any(row)]
    if not rows:
        raise FileProblem("The file is empty.")
    (header_row, header), data = rows[0], rows[1:]
    if not data:
        raise FileProblem("The file has a header row but no data rows.")
    columns = [name.lower() for name in header]
    for index, name in enumerate(columns):
        if not name and any(row[index] for _, row in data):
            raise FileProblem(f"Column {_column_letter(index)} has values but no name in the header row.")
    keep = [index for index, name in enumerate(columns) if name]
    return Table(
        header_row=header_row,
        columns=[columns[index] for index in keep],
        rows=[(number, {columns[index]: row[index] for index in keep}) for number, row in data],
    )


def _read_csv(content):
    if b"\x00" in content:
        raise FileProblem("This is not a CSV file: it holds binary data.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.") from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to many European locales save CSV with semicolons.
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        # No NA guessing: Namibia is "NA" and an empty cell is "".
        return pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=separator, na_filter=False,
                           skip_blank_lines=False, nrows=MAX_ROWS + 2)
    except pd.errors.EmptyDataError:
        raise FileProblem("The file is empty.") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise FileProblem(f"The file could not be read as CSV: {error}".strip()) from None


def _read_xlsx(content):
    not_a_workbook = "This is not an XLSX spreadsheet (it cannot be opened as an Excel workbook)."
    if not content.startswith(b"PK\x03\x04"):
        raise FileProblem(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem(not_a_workbook) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(f"The workbook unpacks to {unpacked // 1024 // 1024} MB, which is too large; "
                          "split it into smaller files.")
    try:
        return pd.read_excel(io.BytesIO(content), sheet_name=0, header=None, dtype=str, engine="openpyxl",
                             nrows=MAX_ROWS + 2)
    except Exception:  # openpyxl raises many different errors for a zip file that is not a workbook
        raise FileProblem(not_a_workbook) from None


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# -- cell values (no Django) ------------------------------------------------------------------

_GROUPED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PROJECT_NUMBER = re.compile(r"^[A-Z0-9]{1,30}$")


def parse_decimal(text, *, negative_allowed=False, integer_digits=12, places=2):
    """A number as typed or as a spreadsheet writes it: 1234.5, 1,234.50, 1.2e6. Not 1,5."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if _GROUPED_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"“{text}” is not a number.") from None
    if not number.is_finite():
        raise CellError(f"“{text}” is not a number.")
    if number < 0 and not negative_allowed:
        raise CellError(f"{text} is negative; amounts cannot be negative.")
    if abs(number) >= 10 ** integer_digits:
        raise CellError(f"{text} is too large: at most {integer_digits} digits before the decimal point.")
    rounded = number.quantize(Decimal(1).scaleb(-places))
    if rounded != number:
        raise CellError(f"{text} has more than {places} decimal places.")
    return rounded


def parse_year(text):
    try:
        year = parse_decimal(text, integer_digits=4, places=0)
    except CellError:
        raise CellError(f"“{text}” is not a year.") from None
    if not 1900 <= year <= 2100:
        raise CellError(f"{text} is not a year between 1900 and 2100.")
    return int(year)


def parse_choice(text, choices):
    """A TextChoices value, given as its value or its label, in any case."""
    wanted = text.casefold()
    for value, label in choices.choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    raise CellError(f"“{text}” is not one of: {', '.join(choices.values)}.")


def parse_yes_no(text):
    answer = {"yes": True, "no": False}.get(text.casefold())
    if answer is None:
        raise CellError(f"“{text}” must be yes or no.")
    return answer


def parse_currency(text):
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise CellError(f"“{text}” is not a currency: use its three-letter code, e.g. USD.")
    return text.upper()


def parse_project_number(text):
    number = normalise_project_number(text)
    if not _PROJECT_NUMBER.match(number):
        raise CellError(f"“{text}” is not a valid number: letters and digits, at most 30 "
                        "(separators / - . and spaces are ignored).")
    return number


def parse_text(max_length):
    def parse(text):
        if len(text) > max_length:
            raise CellError(f"is {len(text)} characters long; at most {max_length}.")
        return text
    return parse


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    parse: object = None  # text -> value, raising CellError; None keeps the text
    required: bool = True
    example: str = ""


# -- the report of one import ------------------------------------------------------------------


@dataclass
class Tally:
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, state):
        setattr(self, state, getattr(self, state) + 1)

    def __str__(self):
        return f"{self.label}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportReport:
    kind: str
    filename: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    problem_count: int = 0
    tallies: dict = field(default_factory=dict)
    committed: bool = False

    def problem(self, row, column, reason):
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, reason))

    def tally(self, label):
        return self.tallies.setdefault(label, Tally(label))

    @property
    def ok(self):
        return self.problem_count == 0

    @property
    def created(self):
        return sum(t.created for t in self.tallies.values())

    @property
    def updated(self):
        return sum(t.updated for t in self.tallies.values())

    @property
    def unchanged(self):
        return sum(t.unchanged for t in self.tallies.values())

    @property
    def summary(self):
        return "; ".join(str(t) for t in self.tallies.values())

    @property
    def problems_left_off(self):
        return self.problem_count - len(self.problems)

    def preview(self, limit=PREVIEW_ROWS):
        """Rows for the preview table: all of them if few, else the rows with problems (or the first).

        Each row is {"number", "cells": [(text, [reasons])], "reasons": [reasons for no one column]}.
        """
        reasons = defaultdict(lambda: defaultdict(list))
        for problem in self.problems:
            if problem.row is not None:
                column = problem.column if problem.column in self.columns else ""
                reasons[problem.row][column].append(problem.reason)
        rows = self.rows
        if len(rows) > limit and reasons:
            rows = [row for row in rows if row[0] in reasons]
        return [
            {"number": number, "has_problem": number in reasons,
             "cells": [(cells.get(column, ""), reasons[number].get(column, [])) for column in self.columns],
             "reasons": reasons[number].get("", [])}
            for number, cells in rows[:limit]
        ]


def run_import(kind, content, filename, *, commit):
    """Read, check and (if `commit` and there is no problem) write one file; return an ImportReport."""
    importer = IMPORTERS[kind]()
    report = ImportReport(kind=kind, filename=filename, columns=importer.column_names)
    try:
        table = read_table(content, filename)
    except FileProblem as problem:
        report.problem(None, "", str(problem))
        return report
    report.rows = table.rows
    missing = [name for name in importer.column_names if name not in table.columns]
    unknown = [name for name in table.columns if name not in importer.column_names]
    twice = sorted({name for name in table.columns if table.columns.count(name) > 1})
    for label, names in (("Missing", missing), ("Unknown", unknown), ("Repeated", twice)):
        if names:
            report.problem(table.header_row, ", ".join(names),
                           f"{label} column(s): {', '.join(names)}. The columns are: "
                           f"{', '.join(importer.column_names)}.")
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            plan = importer.check(table.rows, report)
            if commit and report.ok:
                importer.write(plan, reason=f"Imported from {filename}")
                report.committed = True
    except _Refused as refused:
        report.problem(refused.row, "", refused.reason)
    return report


class _Refused(Exception):
    """The database refused a row while writing; raised out of the transaction to roll it back."""

    def __init__(self, row, reason):
        super().__init__(reason)
        self.row, self.reason = row, reason


# -- the importers -----------------------------------------------------------------------------


class _Importer:
    kind = ""
    title = ""
    columns = ()
    # model field -> column, for the models' own error messages
    field_columns = {}

    @property
    def column_names(self):
        return [column.name for column in self.columns]

    @classmethod
    def example_row(cls):
        return [column.example for column in cls.columns]

    def parse_row(self, number, cells, report):
        """The row's values by column (None for an empty cell), and whether every cell was acceptable.

        A cell with a problem is reported and left out of the values.
        """
        values, good = {}, True
        for column in self.columns:
            text = cells[column.name]
            if not text:
                if column.required:
                    report.problem(number, column.name, "A value is required.")
                    good = False
                values[column.name] = None
                continue
            try:
                values[column.name] = column.parse(text) if column.parse else text
            except CellError as error:
                report.problem(number, column.name, str(error))
                good = False
        return values, good

    def look_up(self, number, values, cells, report, lookups):
        """Replace keys by the records they name; report those that name nothing. True if all were found."""
        good = True
        for column, find, reason in lookups:
            if values.get(column) is not None:
                values[column] = find(values[column])
                if values[column] is None:
                    report.problem(number, column, reason.format(cells[column]))
                    good = False
        return good

    def clean(self, obj, number, report):
        """The model's own rules; each message becomes a problem on the column it is about.

        Related records were just read from the database and records are matched on the keys that
        must be unique, so neither is looked up again; the CHECK constraints are checked cell by cell
        when parsing. Asking the database for each of them per row took minutes for 100,000 rows, and
        the database still enforces them all when writing (a refusal becomes a problem on its row).
        """
        related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        try:
            obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = "" if name == NON_FIELD_ERRORS else self.field_columns.get(name, name)
                for message in messages:
                    report.problem(number, column, message)
            return False
        return True

    def save(self, obj, number, reason):
        obj._change_reason = reason  # kept by django-simple-history on models that record history
        try:
            obj.save()
        except DatabaseError as error:
            raise _Refused(number, f"The database refused this row: {error}.") from None


def _assign(obj, values, *, created):
    """Set `values` on `obj`: "created", or "updated" / "unchanged" as anything differed from what it held."""
    changed = False
    for name, value in values.items():
        if created or getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return "created" if created else "updated" if changed else "unchanged"


def _in_batches(queryset, field_name, values, size=500):
    """`queryset` filtered on `field_name` in `values`, a batch at a time (databases cap parameters)."""
    values = sorted(set(values))
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start:start + size]})


def _transcribed(obj):
    return f"{obj.source.file_name}, {obj.source_section}".rstrip(", ")


class PortfolioImport(_Importer):
    """One row per allotment line; rows with the same project number are the lines of one project."""

    kind = "portfolio"
    title = "Projects and allotment lines"
    columns = (
        Column("programme", "Programme slug; the programme must exist.", example="unido-cnd"),
        Column("project_number", "The project's number in any spelling (US/SEN/24/001 = USSEN24001). "
               "Rows with the same project number are the lines of one project.",
               parse=parse_project_number, example="US/SEN/24/001"),
        Column("title", "Project title. Optional: when empty, a title already stored is kept.",
               parse=parse_text(400), required=False, example="Export consortia of Senegalese food processors"),
        Column("allotment_number", "This line's number, unique across the database (any spelling).",
               parse=parse_project_number, example="US/SEN/24/001"),
        Column("year", "Year of the line, e.g. 2005. Optional. The project's start year is its earliest line.",
               parse=parse_year, required=False, example="2024"),
        Column("country", "ISO 3166 alpha-2 code, e.g. SN. Empty for a regional or global project.",
               required=False, example="SN"),
        Column("region", "Region code or one of its labels: AF, ASIA, LA, INT, Internat. Optional.",
               required=False, example="AF"),
        Column("approach", f"Optional; one of: {', '.join(Approach.values)}.",
               parse=lambda text: parse_choice(text, Approach), required=False, example="export_consortia"),
        Column("type", f"One of: {', '.join(ProjectType.values)}.",
               parse=lambda text: parse_choice(text, ProjectType), example="pilot_project"),
        Column("status", f"One of: {', '.join(Status.values)}. A project is ongoing if any of its lines is, "
               "closed if all are.", parse=lambda text: parse_choice(text, Status), example="ongoing"),
        Column("currency", "Three-letter currency code, e.g. USD.", parse=parse_currency, example="USD"),
        Column("allotment", "Amount allotted: a number of at least 0, at most 12 digits before the decimal "
               "point and 2 after.", parse=parse_decimal, example="250000.00"),
        Column("expenditure", "Amount spent, with the same rules.", parse=parse_decimal, example="120000.00"),
    )
    field_columns = {
        "programme": "programme", "number": "allotment_number", "printed_number": "allotment_number",
        "title": "title", "country": "country", "country_label": "country", "region": "region",
        "region_label": "region", "approach": "approach", "approach_label": "approach", "start_year": "year",
        "year": "year", "project_type": "type", "type_label": "type", "status": "status",
        "status_label": "status", "currency": "currency", "amount": "allotment", "expenditure": "expenditure",
    }

    def load_references(self):
        self.programmes = {p.slug: p for p in Programme.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}
        self.regions = {}
        for region in Region.objects.all():
            for label in (region.code, *region.labels):
                self.regions[str(label).casefold()] = region

    def parse_row(self, number, cells, report):
        values, good = super().parse_row(number, cells, report)
        good = self.look_up(number, values, cells, report, (
            ("programme", self.programmes.get, "Unknown programme “{}”."),
            ("country", lambda key: self.countries.get(key.upper()),
             "Unknown country “{}” (use an ISO 3166 alpha-2 code, e.g. SN)."),
            ("region", lambda key: self.regions.get(key.casefold()), "Unknown region “{}”."),
        )) and good
        values["typed"] = cells  # kept on new lines as labels, like the report's printed spellings
        return values if good else None

    def check(self, rows, report):
        """Problems go to `report`; returns the plan: [(project, state, first row, [(row, line, state)])]."""
        self.load_references()
        groups, seen_lines = defaultdict(list), {}
        for number, cells in rows:
            values = self.parse_row(number, cells, report)
            if values is None:
                continue
            line_number = values["allotment_number"]
            if line_number in seen_lines:
                report.problem(number, "allotment_number", f"{cells['allotment_number']} is already in "
                               f"row {seen_lines[line_number]}.")
                continue
            seen_lines[line_number] = number
            groups[values["project_number"]].append((number, values))
        projects = {p.number: p for p in _in_batches(
            Project.objects.select_related("source", "programme", "country", "region"), "number", groups)}
        lines = {a.number: a for a in _in_batches(
            Allotment.objects.select_related("project", "source"), "number", seen_lines)}
        others = defaultdict(list)  # stored lines of these projects that the file does not name
        for line in _in_batches(Allotment.objects.all(), "project", [p.pk for p in projects.values()]):
            if line.number not in seen_lines:
                others[line.project_id].append(line)
        plan = []
        for project_number, members in groups.items():
            project = projects.get(project_number)
            stored = others[project.pk] if project else []
            checked = self.check_project(project_number, project, members, stored, lines, report)
            if checked:
                plan.append(checked)
        return plan

    def check_project(self, project_number, project, members, stored, lines, report):
        first_row, first = members[0]
        consistent = True
        for number, values in members:
            for column in ("programme", "country", "region", "approach"):
                if values[column] != first[column]:
                    report.problem(number, column, f"Differs from row {first_row} for the same project "
                                   f"({values[column] or 'empty'} here, {first[column] or 'empty'} there).")
                    consistent = False
            existing = lines.get(values["allotment_number"])
            if existing is not None and existing.project.number != project_number:
                report.problem(number, "allotment_number", f"{existing.printed_number} is a line of project "
                               f"{existing.project.display_number}; an import does not move lines between projects.")
                consistent = False
        titles = {values["title"] for _, values in members if values["title"]}
        if len(titles) > 1:
            report.problem(first_row, "title", "The lines of this project give different titles: "
                           f"{'; '.join(sorted(titles))}.")
            consistent = False
        if not consistent:
            return None

        statuses = [values["status"] for _, values in members] + [line.status for line in stored]
        years = [values["year"] for _, values in members if values["year"]] + [
            line.year for line in stored if line.year]
        created = project is None
        if created:
            project = Project(number=project_number)
        updates = {
            "programme": first["programme"], "country": first["country"], "region": first["region"],
            "approach": first["approach"] or "", "start_year": min(years, default=None),
            "status": project_status(statuses),
        }
        if not project.source_id:  # a transcribed project keeps its note on the report's data
            updates["status_note"] = "" if len(set(statuses)) == 1 else "Its allotment lines differ in status."
        if titles:
            updates["title"] = titles.pop()
        state = _assign(project, updates, created=created)
        line_plan = [
            (number, *self.line(row, project, lines.get(row["allotment_number"]), position))
            for position, (number, row) in enumerate(members, start=len(stored) + 1)
        ]
        changes = [number for number, _, line_state in line_plan if line_state != "unchanged"]
        if project.source_id and (state != "unchanged" or changes):
            report.problem(first_row if state != "unchanged" else changes[0], "project_number",
                           f"Project {project.display_number} was transcribed from {_transcribed(project)}; "
                           "an import cannot change it or add lines to it. Correct the report's YAML file.")
            return None
        good = state == "unchanged" or self.clean(project, first_row, report)
        for number, line, line_state in line_plan:
            if line_state != "unchanged":
                good = self.clean(line, number, report) and good
        if not good:
            return None
        report.tally("projects").add(state)
        for _, _, line_state in line_plan:
            report.tally("allotment lines").add(line_state)
        return project, state, first_row, line_plan

    @staticmethod
    def line(values, project, line, position):
        """The allotment line with the row's values, and whether it is created, updated or unchanged."""
        typed = values["typed"]
        updates = {
            "project": project, "year": values["year"], "project_type": values["type"],
            "status": values["status"], "currency": values["currency"], "amount": values["allotment"],
            "expenditure": values["expenditure"],
        }
        created = line is None
        if created:
            line = Allotment(number=values["allotment_number"], line=position)
        if not line.source_id:  # a transcribed line keeps the spellings its report prints
            updates.update({
                "printed_number": typed["allotment_number"],
                "country_label": values["country"].name if values["country"] else "",
                "region_label": typed["region"], "approach_label": typed["approach"],
                "type_label": typed["type"], "status_label": typed["status"],
            })
        state = _assign(line, updates, created=created)
        return line, state

    def write(self, plan, reason):
        for project, state, first_row, line_plan in plan:
            if state != "unchanged":
                self.save(project, first_row, reason)
            for number, line, line_state in line_plan:
                if line_state != "unchanged":
                    line.project = project
                    self.save(line, number, reason)
        refresh_totals([project.pk for project, *_ in plan])


class RatingImport(_Importer):
    """One row per rating: evaluation × subject × criterion, its raw value on its scale."""

    kind = "ratings"
    title = "Ratings"
    columns = (
        Column("evaluation", "Evaluation slug; the evaluation must exist.", example="unido-cnd-2010"),
        Column("subject_kind", f"One of: {', '.join(Rating.Subject.values)}.",
               parse=lambda text: parse_choice(text, Rating.Subject), example="country"),
        Column("subject", "The project's number (any spelling), the country's ISO 3166 alpha-2 code or "
               "the programme's slug.", example="SN"),
        Column("criterion", "Criterion code, e.g. relevance, effectiveness.", example="relevance"),
        Column("value", "The raw value on the scale. May be empty when not_assessed is yes.",
               parse=lambda text: parse_decimal(text, negative_allowed=True, integer_digits=3),
               required=False, example="4"),
        Column("not_assessed", "yes or no (empty = no).", parse=parse_yes_no, required=False, example="no"),
        Column("scale", "Rating scale code, e.g. unido-table8, seco-dac-4.", example="unido-table8"),
        Column("justification", "Optional: when empty, a justification already stored is kept.",
               required=False, example=""),
    )
    field_columns = {"value": "value", "not_assessed": "not_assessed", "scale": "scale",
                     "justification": "justification", "criterion": "criterion", "evaluation": "evaluation",
                     "project": "subject", "country": "subject", "programme": "subject",
                     "subject_kind": "subject_kind"}

    def load_references(self):
        self.evaluations = {e.slug: e for e in Evaluation.objects.all()}
        self.criteria = {c.code: c for c in Criterion.objects.all()}
        self.scales = {s.code: s for s in RatingScale.objects.all()}
        self.subjects = {
            Rating.Subject.COUNTRY: {c.iso2.casefold(): c for c in Country.objects.all()},
            Rating.Subject.PROGRAMME: {p.slug.casefold(): p for p in Programme.objects.all()},
        }

    def parse_row(self, number, cells, report):
        values, good = super().parse_row(number, cells, report)
        lookups = [
            ("evaluation", self.evaluations.get, "Unknown evaluation “{}”."),
            ("criterion", self.criteria.get, "Unknown criterion “{}”."),
            ("scale", self.scales.get, "Unknown scale “{}”."),
        ]
        kind = values.get("subject_kind")
        if kind:  # else the subject cannot be looked up, and the kind's problem is reported
            lookups.append(("subject", lambda key: self.subjects[kind].get(self.subject_key(kind, key)),
                            "Unknown country “{}” (use an ISO 3166 alpha-2 code, e.g. SN)."
                            if kind == Rating.Subject.COUNTRY else f"Unknown {kind} “{{}}”."))
        good = self.look_up(number, values, cells, report, lookups) and good
        return values if good else None

    @staticmethod
    def subject_key(kind, text):
        return normalise_project_number(text) if kind == Rating.Subject.PROJECT else text.casefold()

    def check(self, rows, report):
        """Problems go to `report`; returns the plan: [(row, rating, state)]."""
        self.load_references()
        numbers = {self.subject_key(Rating.Subject.PROJECT, cells["subject"]) for _, cells in rows
                   if cells["subject_kind"].casefold() == Rating.Subject.PROJECT}
        self.subjects[Rating.Subject.PROJECT] = {
            p.number: p for p in _in_batches(Project.objects.all(), "number", numbers)}
        parsed = [(number, values) for number, cells in rows
                  if (values := self.parse_row(number, cells, report)) is not None]
        evaluations = {values["evaluation"].pk for _, values in parsed}
        stored = {
            (r.evaluation_id, r.criterion_id, r.subject_kind, r.project_id or r.country_id or r.programme_id): r
            for r in Rating.objects.filter(evaluation__in=evaluations).select_related("scale", "source")
        }
        plan, seen = [], {}
        for number, values in parsed:
            kind, subject = values["subject_kind"], values["subject"]
            key = (values["evaluation"].pk, values["criterion"].pk, kind, subject.pk)
            if key in seen:
                report.problem(number, "subject", f"Row {seen[key]} already rates this subject on this "
                               "criterion in this evaluation.")
                continue
            seen[key] = number
            rating = stored.get(key)
            created = rating is None
            if created:
                rating = Rating(evaluation=values["evaluation"], criterion=values["criterion"],
                                subject_kind=kind, **{kind: subject})
            scale, value = values["scale"], values["value"]
            updates = {"scale": scale, "value": value,
                       "not_assessed": bool(values["not_assessed"]) or scale.is_not_assessed_code(value)}
            if values["justification"]:
                updates["justification"] = values["justification"]
            version = rating.version  # as read: update_rating refuses the row if someone saved it since
            state = _assign(rating, updates, created=created)
            if rating.source_id and state != "unchanged":
                report.problem(number, "", f"This rating was transcribed from {_transcribed(rating)}; an "
                               "import cannot change it. Correct the report's YAML file.")
                continue
            if state != "unchanged" and not self.clean(rating, number, report):
                continue
            report.tally("ratings").add(state)
            plan.append((number, rating, state, version, updates))
        return plan

    def write(self, plan, reason):
        """Through ratings.services, as every write of a rating; a refusal rolls the whole import back."""
        for number, rating, state, version, updates in plan:
            try:
                if state == "created":
                    create_ratings([(rating, [])], reason=reason)
                elif state == "updated":
                    update_rating(rating, version=version, changes=updates, reason=reason)
            except (ValidationError, DatabaseError) as error:
                raise _Refused(number, f"This row could not be saved: {' '.join(getattr(error, 'messages', [str(error)]))}") from None


IMPORTERS = {importer.kind: importer for importer in (PortfolioImport, RatingImport)}


# -- templates to fill in (no Django) ----------------------------------------------------------


def template_csv(kind):
    importer = IMPORTERS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in importer.columns])
    writer.writerow(importer.example_row())
    return buffer.getvalue()


def template_xlsx(kind):
    """The header and an example row on the first sheet; what each column means on the second."""
    importer = IMPORTERS[kind]
    workbook = Workbook()
    data = workbook.active
    data.title = "data"
    data.append([column.name for column in importer.columns])
    data.append(importer.example_row())
    about = workbook.create_sheet("columns")
    about.append(["column", "required", "meaning"])
    for column in importer.columns:
        about.append([column.name, "yes" if column.required else "no", column.help])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- an upload kept between preview and confirm (no Django) ------------------------------------

PENDING_DIR = Path(tempfile.gettempdir()) / "evalbase-imports"
PENDING_MAX_AGE = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def keep_pending(content):
    """Store an upload under an unguessable token (kept in the user's session); return the token."""
    PENDING_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for old in PENDING_DIR.iterdir():  # uploads previewed and never confirmed
        if now - old.stat().st_mtime > PENDING_MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(32)
    descriptor = os.open(PENDING_DIR / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return token


def load_pending(token):
    """The stored upload, or None if the token is malformed, unknown or expired."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    try:
        return (PENDING_DIR / token).read_bytes()
    except FileNotFoundError:
        return None


def discard_pending(token):
    if isinstance(token, str) and _TOKEN.match(token):
        (PENDING_DIR / token).unlink(missing_ok=True)
