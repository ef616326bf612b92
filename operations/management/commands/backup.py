from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database into BACKUP_DIR (var/backups/). The last line printed is the backup's path."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=settings.BACKUP_DIR, help="where to write (default: BACKUP_DIR)")

    def handle(self, *args, directory, **options):
        try:
            path = backup_database(connection, directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path.resolve()))
