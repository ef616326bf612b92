"""Import projects and their allotment lines from a CSV or XLSX file, all or nothing."""

from ._importing import ImportCommand


class Command(ImportCommand):
    help = __doc__
    kind = "portfolio"
