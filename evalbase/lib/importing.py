"""Importing records from a CSV or XLSX file, all or nothing: what every importer shares.

An importer (an `Importer` subclass, in the app of what it imports) declares its row as a Form
(`RowForm`: one field per column, whose label and help text the import page and the templates
show), and says how checked rows become records (`check`) and how they are written (`write`).
`run_import` then:

1. reads the file (`tabular`), refusing a wrong header before reading on;
2. checks every row and collects every problem as (row as the spreadsheet shows it, column,
   reason): each cell, then the rules across a row's cells (the row form's `clean`), then what the
   importer checks across rows and against the database, the models' own rules included;
3. only when there is no problem at all, writes everything in one transaction. A database refusal
   while writing becomes a problem on its row and rolls everything back.

Records are matched on their natural keys, so importing the same file twice changes nothing.
"""

import csv
import io
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.forms.utils import ErrorDict
from openpyxl import Workbook

from .tabular import FileProblem, WrongColumns, read_table, size_problem

# Problems kept for display; the count goes on beyond it.
MAX_PROBLEMS = 10_000
PREVIEW_ROWS = 200


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

    row_count = property(lambda self: len(self.rows))

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

        Each row is {"number", "has_problem", "cells": [(text, [reasons])], "reasons": [for no one column]}.
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
             "cells": [(values.get(column, ""), reasons[number].get(column, [])) for column in self.columns],
             "reasons": reasons[number].get("", [])}
            for number, values in rows[:limit]
        ]


class RowForm(forms.Form):
    """One row of a file as a Form: a field per column (evalbase.lib.cells), named as the column; the rules
    across a row's cells in `clean()`, reporting with `add_error()` as in any form.

    Rows are not cleaned by binding a form to each: a bound Form costs ~220 µs a row (22 s for
    100,000 rows), mostly in bound fields, widgets and error lists that an import never shows. An
    import makes one form (its `fields`, the form's own copy of `base_fields`, is where the importer
    gives lookup fields the maps it loads once) and `clean_row()` cleans each row with the fields'
    own `clean()` and the form's `clean()`: ~30 µs a row, the same rules and messages.
    """

    def clean_row(self, row):
        """({column: value} of the acceptable cells, {column: [reasons]}) for `row`, {column: text}.

        The reasons for the row as a whole are under "".
        """
        self.cleaned_data, self._errors = {}, ErrorDict()
        for name, cell in self.fields.items():
            try:
                self.cleaned_data[name] = cell.clean(row.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        try:
            self.clean()
        except ValidationError as error:
            self.add_error(None, error)
        errors = {"" if name == NON_FIELD_ERRORS else name: list(messages) for name, messages in self._errors.items()}
        return self.cleaned_data, errors


@dataclass(frozen=True)
class Column:
    """A column as the import page and the templates describe it."""

    name: str
    label: str
    help: str
    required: bool
    example: str


class Progress:
    """Tells `report(state, rows, checked)` how far an import got: every `every` seconds while checking,
    then once before writing (one transaction: a write shows no partial progress to anyone else).
    `checked` counts each row twice: its cells, then the rules across rows and with the database."""

    def __init__(self, report, rows, every=0.5):
        self.report, self.rows, self.checked, self.every, self.last = report, rows, 0, every, time.monotonic()
        report("checking", rows, 0)

    def advance(self, rows=1):
        self.checked += rows
        if self.checked % 100 < rows and time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            self.report("checking", self.rows, self.checked)

    def writing(self):
        self.report("writing", self.rows, self.checked)


class Refused(Exception):
    """The database refused a row while writing; raised out of the transaction to roll it back."""

    def __init__(self, row, reason):
        super().__init__(reason)
        self.row, self.reason = row, reason


class Importer:
    """What an import of one kind of record knows; one instance per import holds its maps."""

    kind = ""  # in addresses, session keys and file names: "portfolio"
    title = ""  # "Projects and allotment lines"
    one_row_is = ""  # "one row per rating"
    row_form = RowForm
    examples = {}  # column -> an example value, for the templates and the import page
    field_columns = {}  # model field -> column, for the models' own messages

    def __init__(self, progress=None):
        self.form = self.row_form()
        self.progress = progress  # a Progress, told of each row checked

    @classmethod
    def column_names(cls):
        return list(cls.row_form.base_fields)

    @classmethod
    def columns(cls):
        return [Column(name, str(cell.label or name), str(cell.help_text), cell.required, cls.examples.get(name, ""))
                for name, cell in cls.row_form.base_fields.items()]

    def check(self, rows, report):
        """Check `rows`, [(row number, {column: text})], reporting every problem; return the plan to write."""
        raise NotImplementedError

    def write(self, plan, *, reason, user):
        """Write the plan `check` made; raise Refused for a row the database refuses."""
        raise NotImplementedError

    def clean_cells(self, number, row, report):
        """The row's values by column (None for an empty cell), or None after reporting its problems."""
        self.advance()
        values, errors = self.form.clean_row(row)
        for column, reasons in errors.items():
            for reason in reasons:
                report.problem(number, column, reason)
        return None if errors else values

    def advance(self, rows=1):  # rows count twice in the progress: their cells (clean_cells), then the rest
        if self.progress:
            self.progress.advance(rows)

    def clean_record(self, record, number, report):
        """The model's own rules; each message becomes a problem on the column it is about. True if none.

        Related records were just read from the database and records are matched on the keys that
        must be unique, so neither is looked up again; the CHECK constraints are checked cell by cell.
        Asking the database for each of them per row took minutes for 100,000 rows, and the database
        still enforces them all when writing (a refusal becomes a problem on its row).
        """
        related = [f.name for f in record._meta.concrete_fields if f.is_relation]
        try:
            record.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = "" if name == NON_FIELD_ERRORS else self.field_columns.get(name, name)
                for message in messages:
                    report.problem(number, column, message)
            return False
        return True

    @staticmethod
    def save(record, number, *, reason, user):
        record._change_reason = reason  # kept by django-simple-history on models that record history
        record._history_user = user
        try:
            record.save()
        except DatabaseError as error:
            raise Refused(number, f"The database refused this row: {error}.") from None

    def create_all(self, model, new, *, reason, user, batch=1000):
        """Save the new records [(row, record)], in bulk where the model keeps no history.

        A batch at a time (100,000 saves one by one took a minute); if the database refuses a
        batch, its records are saved one by one, so that the refusal names its row.
        """
        for start in range(0, len(new), batch):
            part = new[start:start + batch]
            if hasattr(model, "history") or not _bulk_created(model, [record for _, record in part]):
                for number, record in part:
                    self.save(record, number, reason=reason, user=user)


def _bulk_created(model, records):
    """Whether the database took `records` in one insert."""
    try:
        with transaction.atomic():
            model.objects.bulk_create(records)
    except DatabaseError:
        return False
    return True


def run_import(importer, content, filename, *, commit, user=None, progress=None):
    """Read and check one file and, if `commit` and there is no problem, write it; return an ImportReport.

    `importer` is an Importer subclass; each run makes its own instance. `user` is recorded as the
    author of the changes where the models keep a history. `progress(state, rows, checked)`, if
    given, is told how far it got. The check runs before the write's transaction, so that its progress
    can be seen; a change made meanwhile is refused by the database or a rating's version, as before.
    """
    report = ImportReport(kind=importer.kind, filename=filename, columns=importer.column_names())
    try:
        table = read_table(content, filename, expected=report.columns)
    except (WrongColumns, FileProblem) as refused:
        for problem in getattr(refused, "problems", [refused]):
            report.problem(problem.row, problem.column, problem.reason)
        return report
    report.rows = table.rows
    run = importer(Progress(progress, len(table.rows)) if progress else None)
    try:
        plan = run.check(table.rows, report)
        if commit and report.ok:
            if run.progress:
                run.progress.writing()
            with transaction.atomic():
                run.write(plan, reason=f"Imported from {filename}", user=user)
                report.committed = True
    except Refused as refused:
        report.problem(refused.row, "", refused.reason)
    return report


def assign(record, values, *, created):
    """Set `values` on `record`: "created", or "updated" / "unchanged" as anything differed from what it held."""
    changed = False
    for name, value in values.items():
        if created or getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return "created" if created else "updated" if changed else "unchanged"


def in_batches(queryset, field_name, values, size=500):
    """`queryset` filtered on `field_name` in `values`, a batch at a time (databases cap parameters)."""
    values = sorted(set(values))
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start:start + size]})


def transcribed_from(record):
    """Where a transcribed record comes from: "file, section"."""
    return f"{record.source.file_name}, {record.source_section}".rstrip(", ")


# -- templates to fill in ------------------------------------------------------------------------


def template_csv(importer):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(importer.column_names())
    writer.writerow([column.example for column in importer.columns()])
    return buffer.getvalue()


def template_xlsx(importer):
    """The header and an example row on the first sheet; what each column means on the second."""
    workbook = Workbook()
    data = workbook.active
    data.title = "data"
    data.append(importer.column_names())
    data.append([column.example for column in importer.columns()])
    about = workbook.create_sheet("columns")
    about.append(["column", "label", "required", "meaning", "example"])
    for column in importer.columns():
        about.append([column.name, column.label, "yes" if column.required else "no", column.help, column.example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImportCommand(BaseCommand):
    """`manage.py import_<kind> FILE [--dry-run]`: the same rules as the page, from the shell."""

    importer = None
    page = ""  # the page's address, where the templates are

    def add_arguments(self, parser):
        parser.add_argument("file", help=f"a .csv (UTF-8) or .xlsx file; the template is at {self.page}")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if problem := size_problem(path.stat().st_size):
            raise CommandError(f"{path.name}: {problem}")
        report = run_import(self.importer, path.read_bytes(), path.name, commit=not dry_run)
        for problem in report.problems:
            self.stderr.write(f"{path.name}: {problem}")
        if not report.ok:
            left_off = f" ({report.problems_left_off} more not shown)" if report.problems_left_off else ""
            raise CommandError(f"{report.problem_count} problem(s){left_off}: nothing was imported.")
        if dry_run:
            self.stdout.write(f"{path.name} is valid. It would give: {report.summary}. Nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {report.summary}."))
