"""Import projects and their allotment lines from a CSV or XLSX file, all or nothing."""

from evalbase.lib.importing import ImportCommand
from projects.imports import PortfolioImport


class Command(ImportCommand):
    help = __doc__
    importer = PortfolioImport
    page = "/portfolio/import/"
