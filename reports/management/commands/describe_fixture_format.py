from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.loading.describe import describe_format, generated_part, readme_with


class Command(BaseCommand):
    help = ("Print the reference part of fixtures/README.md (sections, keys, types) as the loader's schema "
            "defines it; --write puts it into the README, --check fails if the README differs.")

    def add_arguments(self, parser):
        parser.add_argument("--readme", default=str(settings.FIXTURES_DIR / "README.md"), help="the README to use")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--write", action="store_true", help="replace the README's generated part")
        action.add_argument("--check", action="store_true", help="fail if the README's generated part is out of date")

    def handle(self, *args, readme, write, check, **options):
        block = describe_format()
        if not (write or check):
            self.stdout.write(block, ending="")
            return
        with open(readme, encoding="utf-8") as handle:
            text = handle.read()
        try:
            current = generated_part(text)
        except ValueError as error:
            raise CommandError(f"{readme}: {error}") from None
        if check:
            if current != block:
                raise CommandError(f"{readme} is out of date: run manage.py describe_fixture_format --write")
            self.stdout.write(f"{readme} is up to date.")
            return
        if current != block:
            with open(readme, "w", encoding="utf-8") as handle:
                handle.write(readme_with(text, block))
        self.stdout.write(self.style.SUCCESS(f"{readme}: {'updated' if current != block else 'already up to date'}."))
