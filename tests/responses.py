"""Reading what a page sends: the cells of its tables, the figures of its charts, its XLSX exports."""

import io
import json
from html.parser import HTMLParser

from openpyxl import load_workbook


class _Tables(HTMLParser):
    """Text of every cell of every table with an id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "id" in attrs:
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, table_id):
    """A table as a list of rows (head row first), each a list of cell texts."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[table_id]


def table(response, table_id):
    """A table as {row head: {column head: cell text}}."""
    head, *rows = table_rows(response, table_id)
    return {row[0]: dict(zip(head[1:], row[1:])) for row in rows}


def chart_json(response, chart_id):
    """The figure a page sends to charts.js through json_script."""
    html = response.content.decode()
    start = html.index(f'<script id="{chart_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def read_xlsx(response):
    """A (streamed) XLSX download: the rows of its data sheet (header first) and of its about sheet, as tuples."""
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["data"].values), list(workbook["about"].values)


def usd(totals):
    """The US dollar row of a portfolio page's totals per currency."""
    return next(row for row in totals["by_currency"] if row["currency"] == "USD")
