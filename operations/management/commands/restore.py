from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Replace every row of the database with a backup made by `manage.py backup`, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="path of the backup file")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask for confirmation")

    def handle(self, *args, backup, interactive, **options):
        database = connection.settings_dict["NAME"]
        if interactive:
            try:
                answer = input(f"This replaces every row of the database {database} with the backup {backup}.\n"
                               "Type 'yes' to continue: ")
            except EOFError:
                answer = ""
            if answer != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            restore_database(connection, backup)
        except BackupError as error:
            raise CommandError(f"{error}\nNothing was changed.") from error
        self.stdout.write(f"Restored {backup} into {database}.")
