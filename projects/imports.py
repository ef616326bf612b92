"""The portfolio import: projects and their allotment lines from a CSV or XLSX file, all or nothing.

One row per allotment line; rows with the same project number are the lines of one project, and
must agree on what describes the project as a whole. Lines are matched on their number, projects
on theirs, so importing the same file twice changes nothing (evalbase.lib.importing runs it).

Records transcribed from a report (those citing a source document) are not changed by an import:
the report's YAML file is their source, and `load_reports` would put them back. A row that matches
one exactly is counted as unchanged; a row that would change one, or add a line to a transcribed
project, is a problem.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError

from evalbase.lib.cells import (
    Cell,
    ChoiceCell,
    CurrencyCell,
    DecimalCell,
    LookupCell,
    TextCell,
    YearCell,
)
from evalbase.lib.importing import Importer, RowForm, assign, in_batches, transcribed_from
from reference.models import Country, Region

from .models import Allotment, Approach, Programme, Project, ProjectType, Status, project_status
from .numbers import normalise_project_number
from .services import refresh_totals

_PROJECT_NUMBER = re.compile(r"^[A-Z0-9]{1,30}$")
# What describes the project as a whole: its lines must agree on it.
PROJECT_COLUMNS = ("programme", "country", "region", "approach")


class ProjectNumberCell(Cell):
    """A project's or a line's number in any spelling: US/SEN/24/001 is USSEN24001."""

    def parse(self, text):
        number = normalise_project_number(text)
        if not _PROJECT_NUMBER.match(number):
            raise ValidationError(f"“{text}” is not a valid number: letters and digits, at most 30 "
                                  "(separators / - . and spaces are ignored).")
        return number


class PortfolioRow(RowForm):
    programme = LookupCell(label="Programme", help_text="Programme slug; the programme must exist.",
                           unknown="Unknown programme “{}”.")
    project_number = ProjectNumberCell(
        label="Project number", help_text="The project's number in any spelling (US/SEN/24/001 = USSEN24001). "
        "Rows with the same project number are the lines of one project.")
    title = TextCell(max_length=400, required=False, label="Project title",
                     help_text="Optional: when empty, a title already stored is kept.")
    allotment_number = ProjectNumberCell(label="Allotment line number",
                                         help_text="This line's number, unique across the database (any spelling).")
    year = YearCell(required=False, label="Year of the line",
                    help_text="e.g. 2005. Optional. The project's start year is its earliest line.")
    country = LookupCell(required=False, key=str.upper, label="Country",
                         help_text="ISO 3166 alpha-2 code, e.g. SN. Empty for a regional or global project.",
                         unknown="Unknown country “{}” (use an ISO 3166 alpha-2 code, e.g. SN).")
    region = LookupCell(required=False, key=str.casefold, label="Region",
                        help_text="Region code or one of its labels: AF, ASIA, LA, INT, Internat. Optional.",
                        unknown="Unknown region “{}”.")
    approach = ChoiceCell(Approach, required=False, label="Approach",
                          help_text=f"Optional; one of: {', '.join(Approach.values)}.")
    type = ChoiceCell(ProjectType, label="Project type", help_text=f"One of: {', '.join(ProjectType.values)}.")
    status = ChoiceCell(Status, label="Status of the line", help_text=f"One of: {', '.join(Status.values)}. "
                        "A project is ongoing if any of its lines is, closed if all are.")
    currency = CurrencyCell(label="Currency", help_text="Three-letter currency code, e.g. USD.")
    allotment = DecimalCell(label="Allotment", help_text="Amount allotted: a number of at least 0, at most 12 "
                            "digits before the decimal point and 2 after.")
    expenditure = DecimalCell(label="Expenditure", help_text="Amount spent, with the same rules.")


class PortfolioImport(Importer):
    """One row per allotment line; rows with the same project number are the lines of one project."""

    kind = "portfolio"
    title = "Projects and allotment lines"
    one_row_is = "one row per allotment line (rows with the same project number are the lines of one project)"
    row_form = PortfolioRow
    examples = {
        "programme": "unido-cnd", "project_number": "US/SEN/24/001",
        "title": "Export consortia of Senegalese food processors", "allotment_number": "US/SEN/24/001",
        "year": "2024", "country": "SN", "region": "AF", "approach": "export_consortia", "type": "pilot_project",
        "status": "ongoing", "currency": "USD", "allotment": "250000.00", "expenditure": "120000.00",
    }
    field_columns = {
        "programme": "programme", "number": "allotment_number", "printed_number": "allotment_number",
        "title": "title", "country": "country", "country_label": "country", "region": "region",
        "region_label": "region", "approach": "approach", "approach_label": "approach", "start_year": "year",
        "year": "year", "project_type": "type", "type_label": "type", "status": "status",
        "status_label": "status", "currency": "currency", "amount": "allotment", "expenditure": "expenditure",
    }

    def load(self):
        """What rows name, read once: programmes by slug, countries by code, regions by code and label."""
        fields = self.form.fields
        fields["programme"].records = {p.slug: p for p in Programme.objects.all()}
        fields["country"].records = {c.iso2: c for c in Country.objects.all()}
        fields["region"].records = {str(label).casefold(): region for region in Region.objects.all()
                                    for label in (region.code, *region.labels)}

    def check(self, rows, report):
        """Problems go to `report`; returns the plan: [(project, state, first row, [(row, line, state)])]."""
        self.load()
        groups = self.group(rows, report)
        named_lines = [values["allotment_number"] for members in groups.values() for _, values in members]
        projects = {p.number: p for p in in_batches(
            Project.objects.select_related("source", "programme", "country", "region"), "number", groups)}
        lines = {a.number: a for a in in_batches(
            Allotment.objects.select_related("project", "source"), "number", named_lines)}
        unnamed = defaultdict(list)  # stored lines of these projects that the file does not name
        for line in in_batches(Allotment.objects.all(), "project", [p.pk for p in projects.values()]):
            if line.number not in lines:
                unnamed[line.project_id].append(line)
        plan = []
        for project_number, members in groups.items():
            project = projects.get(project_number)
            checked = self.check_project(project_number, project, members,
                                         unnamed[project.pk] if project else [], lines, report)
            self.advance(len(members))
            if checked:
                plan.append(checked)
        return plan

    def group(self, rows, report):
        """{project number: [(row, values)]} of the rows without problem, each line named once."""
        groups, seen_lines = defaultdict(list), {}
        for number, row in rows:
            values = self.clean_cells(number, row, report)
            if values is None:
                continue
            line_number = values["allotment_number"]
            if line_number in seen_lines:
                report.problem(number, "allotment_number", f"{row['allotment_number']} is already in "
                               f"row {seen_lines[line_number]}.")
                continue
            seen_lines[line_number] = number
            values["typed"] = row  # kept on new lines as labels, like the report's printed spellings
            groups[values["project_number"]].append((number, values))
        return groups

    def check_project(self, project_number, project, members, unnamed, lines, report):
        """(project, state, first row, [(row, line, state)]) of one project's rows, or None after a problem."""
        if not self.lines_agree(project_number, members, lines, report):
            return None
        first_row = members[0][0]
        project, state = self.project(project_number, project, members, unnamed)
        line_plan = [
            (number, *self.line(values, project, lines.get(values["allotment_number"]), position))
            for position, (number, values) in enumerate(members, start=len(unnamed) + 1)
        ]
        changes = [number for number, _, line_state in line_plan if line_state != "unchanged"]
        if project.source_id and (state != "unchanged" or changes):
            report.problem(first_row if state != "unchanged" else changes[0], "project_number",
                           f"Project {project.display_number} was transcribed from {transcribed_from(project)}; "
                           "an import cannot change it or add lines to it. Correct the report's YAML file.")
            return None
        good = state == "unchanged" or self.clean_record(project, first_row, report)
        for number, line, line_state in line_plan:
            if line_state != "unchanged":
                good = self.clean_record(line, number, report) and good
        if not good:
            return None
        report.tally("projects").add(state)
        for _, _, line_state in line_plan:
            report.tally("allotment lines").add(line_state)
        return project, state, first_row, line_plan

    @staticmethod
    def lines_agree(project_number, members, lines, report):
        """Whether the lines agree on the project and on its title, and none belongs to another project."""
        (first_row, first), agree = members[0], True
        for number, values in members:
            for column in PROJECT_COLUMNS:
                if values[column] != first[column]:
                    report.problem(number, column, f"Differs from row {first_row} for the same project "
                                   f"({values[column] or 'empty'} here, {first[column] or 'empty'} there).")
                    agree = False
            stored = lines.get(values["allotment_number"])
            if stored is not None and stored.project.number != project_number:
                report.problem(number, "allotment_number", f"{stored.printed_number} is a line of project "
                               f"{stored.project.display_number}; an import does not move lines between projects.")
                agree = False
        titles = {values["title"] for _, values in members if values["title"]}
        if len(titles) > 1:
            report.problem(first_row, "title", f"The lines of this project give different titles: "
                           f"{'; '.join(sorted(titles))}.")
            agree = False
        return agree

    @staticmethod
    def project(project_number, project, members, unnamed):
        """The project as its lines describe it (those of the file and those stored that it does not name)."""
        first = members[0][1]
        statuses = [values["status"] for _, values in members] + [line.status for line in unnamed]
        years = [values["year"] for _, values in members if values["year"]] + [
            line.year for line in unnamed if line.year]
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
        titles = {values["title"] for _, values in members if values["title"]}
        if titles:
            updates["title"] = titles.pop()
        return project, assign(project, updates, created=created)

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
        return line, assign(line, updates, created=created)

    def write(self, plan, *, reason, user):
        """New projects, then new lines, in bulk; changed ones one by one."""
        self.create_all(Project, [(first_row, project) for project, state, first_row, _ in plan if state == "created"],
                        reason=reason, user=user)
        new_lines = []
        for project, state, first_row, line_plan in plan:
            if state == "updated":
                self.save(project, first_row, reason=reason, user=user)
            for number, line, line_state in line_plan:
                line.project = project  # now that a new project has its id
                if line_state == "created":
                    new_lines.append((number, line))
                elif line_state == "updated":
                    self.save(line, number, reason=reason, user=user)
        self.create_all(Allotment, new_lines, reason=reason, user=user)
        refresh_totals([project.pk for project, *_ in plan])
