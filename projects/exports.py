"""The portfolio's rows for a full export, read as plain values: one query whatever the size.

The same cells as `projects.views._project_row` (the page's JSON rows), without building a model
instance per project or querying its source document per row: the citation's parts are joined in
the same query. `iterator()` reads through a server-side cursor on PostgreSQL, `chunk_size` rows a
fetch, so memory stays flat at any size.
"""

from .models import Approach, Status
from .numbers import display_project_number

FIELDS = ("number", "title", "programme__slug", "country__iso2", "region__name", "approach", "start_year", "status",
          "allotment_count", "currency", "allotment_total", "expenditure_total",
          "source__file_name", "source_section", "source_locator")
APPROACHES = dict(Approach.choices)
STATUSES = dict(Status.choices)


def export_rows(projects, *, chunk_size=5000):
    """Rows of `projects` (a queryset, in its order) in the order of views.PROJECT_COLUMNS."""
    for (number, title, programme, country, region, approach, start_year, status, allotment_count, currency,
         allotment, expenditure, source, section, locator) in projects.values_list(*FIELDS).iterator(chunk_size):
        # A project with lines in several currencies has no total: "mixed", and its page lists each.
        currency = currency or ("mixed" if allotment_count else "")
        citation = ", ".join(part for part in (source, section, locator) if part) if source else ""
        yield [display_project_number(number), title, programme, country or "", region or "",
               APPROACHES.get(approach, approach), start_year or "", STATUSES.get(status, status), allotment_count,
               currency, allotment, expenditure, citation]
