"""What `import_portfolio` and `import_ratings` share: read a file, report every problem, write or not."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects import imports


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file; the template is at /portfolio/import/")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if problem := imports.size_problem(path.stat().st_size):
            raise CommandError(f"{path.name}: {problem}")
        report = imports.run_import(self.kind, path.read_bytes(), path.name, commit=not dry_run)
        for problem in report.problems:
            self.stderr.write(f"{path.name}: {problem}")
        if not report.ok:
            left_off = f" ({report.problems_left_off} more not shown)" if report.problems_left_off else ""
            raise CommandError(f"{report.problem_count} problem(s){left_off}: nothing was imported.")
        if dry_run:
            self.stdout.write(f"{path.name} is valid. It would give: {report.summary}. Nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {report.summary}."))
