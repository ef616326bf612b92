"""Import ratings from a CSV or XLSX file, all or nothing."""

from evalbase.lib.importing import ImportCommand
from ratings.imports import RatingImport


class Command(ImportCommand):
    help = __doc__
    importer = RatingImport
    page = "/ratings/import/"
