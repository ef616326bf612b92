"""The rows of an XLSX workbook's first worksheet, read with expat one cell at a time. No Django.

Every cap is checked while reading, and reading stops as soon as one is passed: the parts' bytes as
they are decompressed (the sizes a zip archive declares are not trusted), the XML tags parsed (the
work of reading them: about 0.5 µs a tag), the characters of one cell (Excel's own limit) and the
columns holding values. The worst file thus costs what the largest file accepted costs, a few
seconds, and memory holds the rows, never a whole part.

Not openpyxl's read-only mode: it builds each row as an element tree before handing it over and
spends ~30 µs a cell. A 15 KB file whose one row unpacks to 10 MB of empty cells held it 6 s and
850 MB; 100,000 rows of 13 cells take it 40 s, expat under 3 s. openpyxl still says which number
formats are dates.
"""

import io
import posixpath
import re
import zipfile
import zlib
from datetime import datetime, time
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_TAGS = 10_000_000  # 100,000 rows of 13 cells hold 5 to 8 million
MAX_CELL_CHARACTERS = 32_767
_CHUNK = 64 * 1024
_NOT_A_WORKBOOK = "This is not an XLSX spreadsheet (it cannot be opened as an Excel workbook)."
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


class Unreadable(Exception):
    """The workbook cannot be read; the message says why. `row` is set when one row is the cause."""

    def __init__(self, reason, *, row=None):
        super().__init__(reason)
        self.row = row


def sheet_rows(content, *, max_columns):
    """(row number, [text]) for every row of the first worksheet that holds a value, as a spreadsheet
    shows it; a value beyond the first `max_columns` columns is refused."""
    if not content.startswith(b"PK\x03\x04"):
        raise Unreadable(_NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _Parts(archive)
            sheet, strings, styles, date1904 = parts.locate()
            reader = _SheetRows(
                parts.parse(_SharedStrings(), strings).strings if strings else [],
                parts.parse(_DateStyles(), styles).styles if styles else set(),
                CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
                max_columns,
            )
            yield from parts.stream(reader, sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, RuntimeError, NotImplementedError, EOFError,
            OverflowError, OSError, zlib.error, expat.ExpatError):
        raise Unreadable(_NOT_A_WORKBOOK) from None


class _Done(Exception):
    """Raised by a handler once it has read what it needs."""


class _Parts:
    """The workbook's XML parts, parsed with expat; their bytes and tags count against the caps."""

    def __init__(self, archive):
        self.archive, self.unpacked, self.tags = archive, 0, 0

    def locate(self):
        """Paths of the first worksheet, the shared strings and the styles (None when absent); 1904 dates?"""
        package = self.parse(_Relations(), "_rels/.rels")
        workbook = _target("", package.targets[_RELATIONSHIP + "officeDocument"][0])
        folder, name = posixpath.split(workbook)
        relations = self.parse(_Relations(), posixpath.join(folder, "_rels", name + ".rels"))
        book = self.parse(_Workbook(), workbook)
        worksheets = [rid for rid in book.sheets if relations.types.get(rid) == _RELATIONSHIP + "worksheet"]
        if not worksheets:
            raise Unreadable("The workbook has no worksheet.")

        def part(kind):
            targets = relations.targets.get(_RELATIONSHIP + kind)
            return _target(folder, targets[0]) if targets else None

        return _target(folder, relations.by_id[worksheets[0]]), part("sharedStrings"), part("styles"), book.date1904

    def parse(self, handler, name):
        """`handler`, once it has read the part `name` (KeyError if there is none)."""
        for _ in self.stream(handler, name):
            pass
        return handler

    def stream(self, handler, name):
        """Feed the part to `handler` a chunk at a time; yield the rows it has finished after each chunk."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_doctype  # no entity tricks: a workbook never needs a DTD
        parser.CharacterDataHandler = handler.text
        rows = getattr(handler, "rows", [])
        try:
            with self.archive.open(name) as member:
                while chunk := member.read(_CHUNK):
                    self.count(chunk)
                    if parser.StartElementHandler is None:
                        _set_element_handlers(parser, handler, chunk)
                    parser.Parse(chunk, False)
                    yield from rows
                    rows.clear()
                parser.Parse(b"", True)
        except _Done:
            pass
        yield from rows

    def count(self, chunk):
        """Stop before parsing more than the caps allow: bytes unpacked, and tags (the work of parsing)."""
        self.unpacked += len(chunk)
        self.tags += chunk.count(b"<")
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise Unreadable(f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB, which "
                             "is too large; split it into smaller files.")
        if self.tags > MAX_TAGS:
            raise Unreadable(f"The workbook holds more than about {MAX_TAGS // 5:,} cells, which is too many; "
                             "split it into smaller files.")


def _set_element_handlers(parser, handler, chunk):
    """Element names as the handlers know them; `<x:c>` as `<c>` in parts written with a namespace prefix."""
    if _PREFIXED_ROOT.match(chunk):
        parser.StartElementHandler = lambda name, attributes: handler.start(name.rpartition(":")[2], attributes)
        parser.EndElementHandler = lambda name: handler.end(name.rpartition(":")[2])
    else:
        parser.StartElementHandler, parser.EndElementHandler = handler.start, handler.end


_PREFIXED_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s|<\?[^>]*\?>|<!--.*?-->)*<[\w.-]+:", re.DOTALL)


def _refuse_doctype(*args):
    raise expat.ExpatError("a document type declaration")


def _target(folder, target):
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


class _Part:
    """What a part's handler is told: elements as they start and end, and text."""

    def start(self, name, attributes):
        pass

    def end(self, name):
        pass

    def text(self, data):
        pass


class _Relations(_Part):
    def __init__(self):
        self.by_id, self.types, self.targets = {}, {}, {}

    def start(self, name, attributes):
        if name == "Relationship":
            rid, kind, target = attributes["Id"], attributes.get("Type", ""), attributes["Target"]
            self.by_id[rid], self.types[rid] = target, kind
            self.targets.setdefault(kind, []).append(target)


class _Workbook(_Part):
    def __init__(self):
        self.sheets, self.date1904 = [], False

    def start(self, name, attributes):
        if name == "sheet":  # its relationship id is r:id, whatever the prefix
            self.sheets += [value for key, value in attributes.items() if key.rpartition(":")[2] == "id"]
        elif name == "workbookPr":
            self.date1904 = attributes.get("date1904", "").lower() in ("1", "true")


class _DateStyles(_Part):
    """Which cell styles show a number as a date: those whose number format is a date format."""

    def __init__(self):
        self.formats, self.styles, self.in_cell_formats, self.count = dict(BUILTIN_FORMATS), set(), False, 0

    def start(self, name, attributes):
        if name == "numFmt":
            self.formats[int(attributes["numFmtId"])] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_formats = True
        elif name == "xf" and self.in_cell_formats:
            if is_date_format(self.formats.get(int(attributes.get("numFmtId", 0)), "")):
                self.styles.add(str(self.count))
            self.count += 1

    def end(self, name):
        if name == "cellXfs":
            raise _Done


class _Text(_Part):
    """The text of `<t>` (and `<v>`) elements, phonetic runs left out, at most MAX_CELL_CHARACTERS a cell."""

    def __init__(self):
        self.parts, self.length, self.collecting, self.phonetic = [], 0, False, False

    def text(self, data):
        if self.collecting:
            self.parts.append(data)
            self.length += len(data)
            if self.length > MAX_CELL_CHARACTERS:
                raise Unreadable(f"A cell holds more than {MAX_CELL_CHARACTERS:,} characters, which Excel does "
                                  "not allow.")

    def collected(self):
        text = "".join(self.parts)
        self.parts, self.length = [], 0
        return text


class _SharedStrings(_Text):
    def __init__(self):
        super().__init__()
        self.strings = []

    def start(self, name, attributes):
        if name == "t":
            self.collecting = not self.phonetic
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        if name == "si":
            self.strings.append(self.collected())
        elif name == "t":
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False


class _SheetRows(_Text):
    """The sheet's rows as (row number, [text]), each cell's value as the spreadsheet shows it.

    Called for every element of the sheet, hence written for speed.
    """

    def __init__(self, strings, date_styles, epoch, max_columns):
        super().__init__()
        self.strings, self.date_styles, self.epoch, self.max_columns = strings, date_styles, epoch, max_columns
        self.rows, self.values, self.number, self.column, self.kind, self.style = [], {}, 0, 0, "n", None

    def start(self, name, attributes):
        if name == "c":
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            self.kind, self.style = attributes.get("t", "n"), attributes.get("s")
        elif name == "v" or name == "t":
            self.collecting = not self.phonetic
        elif name == "row":
            number = attributes.get("r")
            self.number = int(number) if number else self.number + 1
            self.values, self.column = {}, 0
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        if name == "c":
            if self.parts and (text := self.value(self.collected()).strip()):
                if self.column > self.max_columns:
                    raise Unreadable(f"Row {self.number} has a value in column {reference_letters(self.column)}; "
                                     f"a file may have at most {self.max_columns} columns.", row=self.number)
                self.values[self.column] = text
        elif name == "v" or name == "t":
            self.collecting = False
        elif name == "row":
            if self.values:
                width = max(self.values)
                self.rows.append((self.number, [self.values.get(column, "") for column in range(1, width + 1)]))
        elif name == "rPh":
            self.phonetic = False
        elif name == "sheetData":
            raise _Done

    def value(self, text):
        kind = self.kind
        if kind == "s":
            return self.strings[int(text)]
        if kind == "n" and self.style in self.date_styles:
            moment = from_excel(float(text), self.epoch)
            return moment.date().isoformat() if isinstance(moment, datetime) and moment.time() == time() else str(
                moment)
        if kind == "b":
            return "TRUE" if text == "1" else "FALSE"
        return text  # a number as the sheet stores it, a text, an error such as #N/A

    def text(self, data):  # the same as _Text's, without a call more for every piece of text
        if self.collecting:
            self.parts.append(data)
            self.length += len(data)
            if self.length > MAX_CELL_CHARACTERS:
                super().text("")


def reference_letters(column):
    """The letters of the column numbered `column` (from 1): 1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_COLUMNS = {}
_DIGITS = "0123456789"


def _column_index(reference):
    """The column (from 1) of a cell reference such as AB12."""
    letters = reference.rstrip(_DIGITS)
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        if not letters.isalpha() or not 0 < index <= 16384:
            raise ValueError(f"not a cell reference: {reference}")
        _COLUMNS[letters] = index
    return index
