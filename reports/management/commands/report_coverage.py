from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.coverage import CoverageError, check_coverage


class Command(BaseCommand):
    help = (
        "Per report: how many passages of the source text are covered by a record's citation, "
        "skipped with a reason (fixtures/coverage-skips.yaml) or neither. Exit status 1 if any is neither."
    )

    def add_arguments(self, parser):
        parser.add_argument("--uncovered", action="store_true", help="list the passages neither covered nor skipped")

    def handle(self, *args, uncovered, **options):
        try:
            reports = check_coverage(settings.SEEDS_DIR, settings.FIXTURES_DIR)
        except CoverageError as error:
            raise CommandError(f"Coverage cannot be checked: {error}") from None
        self.stdout.write(f"{'source file':<26} {'units':>6} {'covered':>8} {'skipped':>8} {'uncovered':>10}  report")
        for report in reports:
            self.stdout.write(
                f"{report.file:<26} {len(report.units):>6} {len(report.covered):>8} {len(report.skipped):>8} "
                f"{len(report.uncovered):>10}  {report.title[:60]}"
            )
        if uncovered:
            for report in reports:
                if report.uncovered:
                    self.stdout.write(f"\nUncovered in {report.file}:")
                for unit in report.uncovered:
                    self.stdout.write(f"  lines {unit.lines:<10} {unit.kind:<10} {unit.first_words()}")
        missing = sum(len(report.uncovered) for report in reports)
        if missing:
            raise CommandError(f"Passages neither covered by a citation nor skipped with a reason: {missing}.")
