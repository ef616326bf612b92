from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.loading import FixtureError, load_fixtures


class Command(BaseCommand):
    help = "Load reference data and the transcribed reports from fixtures/ (all or nothing; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", default=str(settings.FIXTURES_DIR), help="fixtures directory")

    def handle(self, *args, fixtures, **options):
        try:
            summary = load_fixtures(fixtures)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
