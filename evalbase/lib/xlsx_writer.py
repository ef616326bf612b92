"""A streaming XLSX writer: rows in, compressed bytes out, a chunk at a time, in constant memory.

openpyxl builds the whole file before the first byte can be sent (at 100,000 rows: over a minute on
a busy 2-core machine); this writes the few XML parts of a workbook itself and compresses them into
a ZIP as the rows come (zipfile writes to an unseekable stream with data descriptors). Text is
always an inline string cell (never a formula); numbers are numbers; dates and datetimes are
Excel dates with a date format. Only what exports need: sheets of values, no styles beyond dates.
"""

import datetime
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included
EPOCH = datetime.datetime(1899, 12, 30)
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DATE_STYLE, DATETIME_STYLE = 1, 2
STYLES = (HEAD + f'<styleSheet {NS}><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
          '<cellXfs count="3"><xf/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
          '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return (value - EPOCH) / datetime.timedelta(days=1), DATETIME_STYLE
    return (value - EPOCH.date()).days, DATE_STYLE


def cell_xml(ref, value):
    """One cell; "" for an empty one."""
    if value is None or value == "":
        return ""
    kind = value.__class__
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float or kind is Decimal:
        number = float(value)
        if number == number and abs(number) != float("inf"):
            return f'<c r="{ref}"><v>{value if kind is int else repr(number)}</v></c>'
    elif isinstance(value, datetime.date):
        number, style = _serial(value)
        return f'<c r="{ref}" s="{style}"><v>{number}</v></c>'
    text = escape(INVALID_XML.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _Sink:
    """The ZIP's output: kept until taken, never seeked (so zipfile streams)."""

    def __init__(self):
        self.parts, self.position, self.pending = [], 0, 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.position += len(data)
        self.pending += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        self.pending = 0
        return data


class StreamingWorkbook:
    """Sheets written one after the other; `sheet()` yields the ZIP's bytes as it goes.

        book = StreamingWorkbook(["data", "about"])
        yield from book.sheet(rows_of_data)
        yield from book.sheet(rows_of_about)
        yield book.close()
    """

    def __init__(self, names, *, chunk_bytes=64 * 1024):
        self.names, self.chunk_bytes = names, chunk_bytes
        self.sink = _Sink()
        self.zip = zipfile.ZipFile(self.sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.written = 0
        sheets = "".join(f'<sheet name="{escape(name)}" sheetId="{number}" r:id="rId{number}"/>'
                         for number, name in enumerate(names, 1))
        relations = "".join(
            f'<Relationship Id="rId{number}" Target="worksheets/sheet{number}.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            for number in range(1, len(names) + 1))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for number in range(1, len(names) + 1))
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        self.zip.writestr("[Content_Types].xml", HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'{overrides}</Types>'))
        self.zip.writestr("_rels/.rels", HEAD + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        self.zip.writestr("xl/workbook.xml", HEAD + f'<workbook {NS} {REL_NS}><sheets>{sheets}</sheets></workbook>')
        self.zip.writestr("xl/_rels/workbook.xml.rels", HEAD + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{relations}<Relationship Id="rId{len(names) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            '</Relationships>'))
        self.zip.writestr("xl/styles.xml", STYLES)

    def sheet(self, rows, *, large=False):
        """Write the next sheet from `rows` (sequences of values), yielding bytes now and then.
        `large`: it may pass 2 GiB unpacked (ZIP64 headers; Excel for Mac warns about them otherwise)."""
        self.written += 1
        with self.zip.open(f"xl/worksheets/sheet{self.written}.xml", "w", force_zip64=large) as part:
            part.write(f"{HEAD}<worksheet {NS}><sheetData>".encode())
            letters, pending = [], []
            for number, row in enumerate(rows, 1):
                while len(letters) < len(row):
                    letters.append(column_letter(len(letters)))
                cells = "".join(cell_xml(f"{letter}{number}", value) for letter, value in zip(letters, row))
                pending.append(f'<row r="{number}">{cells}</row>')
                if len(pending) == 200:
                    part.write("".join(pending).encode())
                    pending.clear()
                    if self.sink.pending >= self.chunk_bytes:
                        yield self.sink.take()
            part.write(("".join(pending) + "</sheetData></worksheet>").encode())
        yield self.sink.take()

    def close(self):
        """The ZIP's central directory: the last bytes of the file."""
        self.zip.close()
        return self.sink.take()
