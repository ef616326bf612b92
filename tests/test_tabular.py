"""Reading an uploaded table (evalbase.lib.tabular, evalbase.lib.xlsx): caps, encodings, separators, bad files."""

import time
import zipfile

import pytest

from evalbase.lib import tabular, xlsx
from evalbase.lib.tabular import FileProblem, WrongColumns, read_table

from .spreadsheets import as_csv, as_xlsx, inline_row, workbook_with

COLUMNS = ["name", "year", "amount"]
ROWS = [{"name": "Dakar", "year": "2021", "amount": "10"}, {"name": "Lima", "year": "2022", "amount": "20"}]
RELATIONSHIPS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="/xl/worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'<Relationship Id="rId2" Target="styles.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
    b'<Relationship Id="rId4" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def refusal(content, filename="file.csv", **kwargs):
    with pytest.raises(FileProblem) as problem:
        read_table(content, filename, **kwargs)
    return problem.value.reason


def rows_of(table):
    return [(number, list(row.values())) for number, row in table.rows]


def test_it_reads_a_csv_file_as_text_cells_with_row_numbers():
    table = read_table(as_csv(ROWS, COLUMNS), "places.csv")
    assert (table.header_row, table.columns) == (1, COLUMNS)
    assert rows_of(table) == [(2, ["Dakar", "2021", "10"]), (3, ["Lima", "2022", "20"])]


def test_it_reads_an_xlsx_file_with_number_cells_as_the_sheet_stores_them():
    content = as_xlsx([{"name": "Dakar", "year": 2021, "amount": 120000.5}], COLUMNS)
    assert rows_of(read_table(content, "places.XLSX")) == [(2, ["Dakar", "2021", "120000.5"])]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_spreadsheet():
    content = b"\n name , YEAR,amount\n\nDakar , 2021,10\n,,\nLima,2022,20\n"
    table = read_table(content, "f.csv")
    assert (table.header_row, table.columns) == (2, COLUMNS)
    assert rows_of(table) == [(4, ["Dakar", "2021", "10"]), (6, ["Lima", "2022", "20"])]


def test_a_semicolon_csv_from_a_european_spreadsheet_is_read():
    content = "name;year;amount\r\nDakar;2021;1,5\r\n".encode("utf-8-sig")
    assert rows_of(read_table(content, "f.csv")) == [(2, ["Dakar", "2021", "1,5"])]


def test_a_quoted_cell_may_hold_the_separator_and_a_line_break():
    content = b'name,year,amount\n"Dakar, Senegal",2021,"1\n2"\nLima,2022,3\n'
    assert rows_of(read_table(content, "f.csv")) == [(2, ["Dakar, Senegal", "2021", "1\n2"]),
                                                     (3, ["Lima", "2022", "3"])]


def test_empty_files_are_refused():
    assert refusal(b"") == "The file is empty."
    assert refusal(b"\n\n") == "The file is empty."
    assert refusal(b"name,year\n") == "The file has a header row but no data rows."
    assert refusal(workbook_with(b""), "empty.xlsx") == "The file is empty."


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert refusal(png, "picture.xlsx").startswith("This is not an XLSX spreadsheet")
    assert refusal(png, "picture.csv") == "This is not a CSV file: it holds binary data."
    assert refusal(b"PK\x03\x04" + b"\xff" * 300, "broken.xlsx").startswith("This is not an XLSX")
    assert refusal(as_csv(ROWS, COLUMNS), "renamed.xlsx").startswith("This is not an XLSX spreadsheet")
    assert refusal(workbook_with(b"<row><c>"), "truncated.xlsx").startswith("This is not an XLSX spreadsheet")
    assert "UTF-8" in refusal("name;titre\nunido;é".encode("latin-1"))


def test_an_unsupported_extension_is_refused():
    assert refusal(as_csv(ROWS, COLUMNS), "portfolio.xls") == (
        "Unsupported file type “.xls”: upload a .csv or .xlsx file.")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    assert "the limit is 10 MB" in refusal(b"x" * (tabular.MAX_BYTES + 1))
    assert tabular.size_problem(tabular.MAX_BYTES) is None


def test_a_value_under_no_column_name_is_refused():
    assert refusal(b"name,,amount\nDakar,oops,10\n") == "Column B has values but no name in the header row."
    assert refusal(b"name,year\nDakar,2021,10\n") == "Column C has values but no name in the header row."
    assert read_table(b"name,,year\nDakar,,2021\n", "f.csv").columns == ["name", "year"]


def test_values_beyond_the_last_column_allowed_are_refused():
    wide = ",".join(["x"] * (tabular.MAX_COLUMNS + 1)).encode()
    assert refusal(b"name\n" + wide) == (
        f"Row 2 has a value in column AY; a file may have at most {tabular.MAX_COLUMNS} columns.")
    sheet = inline_row(1, "name") + b'<row r="2"><c r="AY2" t="inlineStr"><is><t>far</t></is></c></row>'
    assert refusal(workbook_with(sheet), "wide.xlsx").startswith("Row 2 has a value in column AY;")


def test_the_header_is_checked_against_the_expected_columns():
    content = as_csv([{**row, "colour": "red"} for row in ROWS], [*COLUMNS, "colour"])
    with pytest.raises(WrongColumns) as wrong:
        read_table(content, "f.csv", expected=["name", "year", "amount", "currency"])
    assert [(p.row, p.column, p.reason.split(".")[0]) for p in wrong.value.problems] == [
        (1, "currency", "Missing column(s): currency"), (1, "colour", "Unknown column(s): colour")]
    assert wrong.value.problems[0].reason.endswith("The columns are: name, year, amount, currency.")
    with pytest.raises(WrongColumns, match="Repeated column"):
        read_table(b"name,year,YEAR\na,1,2\n", "f.csv", expected=["name", "year"])


# -- XLSX ---------------------------------------------------------------------------------------


def test_it_reads_shared_strings_inline_strings_booleans_dates_and_formulas():
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<si><t>name</t></si><si><r><t>Da</t></r><r><t>kar</t></r><rPh><t>x</t></rPh></si></sst>")
    sheet = (b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>when</t></is></c>'
             b'<c r="C1" t="inlineStr"><is><t>done</t></is></c><c r="D1" t="inlineStr"><is><t>sum</t></is></c></row>'
             b'<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>44197</v></c><c r="C3" t="b"><v>1</v></c>'
             b'<c r="D3"><f>1+1</f><v>2</v></c></row>')
    styles = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2">'
              b'<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>')
    content = workbook_with(sheet, parts={"xl/sharedStrings.xml": strings, "xl/styles.xml": styles,
                                          "xl/_rels/workbook.xml.rels": RELATIONSHIPS})
    table = read_table(content, "f.xlsx")
    assert table.columns == ["name", "when", "done", "sum"]
    assert rows_of(table) == [(3, ["Dakar", "2021-01-01", "TRUE", "2"])]


def test_it_reads_a_sheet_written_with_a_namespace_prefix():
    sheet = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
             b'<x:row r="1"><x:c t="inlineStr"><x:is><x:t>name</x:t></x:is></x:c></x:row>'
             b'<x:row r="2"><x:c t="inlineStr"><x:is><x:t>Dakar</x:t></x:is></x:c></x:row>'
             b"</x:sheetData></x:worksheet>")
    assert rows_of(read_table(workbook_with(sheet=sheet), "f.xlsx")) == [(2, ["Dakar"])]


def test_a_workbook_with_a_document_type_declaration_is_refused():
    sheet = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
             b"<worksheet><sheetData>" + inline_row(1, "&a;") + b"</sheetData></worksheet>")
    assert refusal(workbook_with(sheet=sheet), "f.xlsx").startswith("This is not an XLSX spreadsheet")


def test_a_cell_longer_than_excel_allows_is_refused():
    huge = inline_row(1, "name") + inline_row(2, "x" * (xlsx.MAX_CELL_CHARACTERS + 1))
    assert refusal(workbook_with(huge), "f.xlsx") == (
        "A cell holds more than 32,767 characters, which Excel does not allow.")


def test_a_workbook_that_unpacks_past_the_cap_is_refused_quickly_without_reading_it_all(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1024 * 1024)
    content = workbook_with(inline_row(1, "name") + b"<x/>" * (10 * 1024 * 1024))  # 40 MB of elements
    assert len(content) < 100_000
    unpacked = []
    read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: unpacked.append(len(chunk := read(self, n)))
                        or chunk)
    started = time.monotonic()
    assert refusal(content, "bomb.xlsx") == "The workbook unpacks to more than 1 MB, which is too large; split it " \
                                            "into smaller files."
    assert sum(unpacked) < 2 * 1024 * 1024 and time.monotonic() - started < 2


def test_a_workbook_of_too_many_cells_is_refused_before_they_are_all_parsed(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_TAGS", 50_000)
    content = workbook_with(b'<row r="1">' + b"<c/>" * 1_000_000 + b"</row>")
    assert refusal(content, "cells.xlsx") == ("The workbook holds more than about 10,000 cells, which is too many; "
                                              "split it into smaller files.")


# -- caps enforced while streaming --------------------------------------------------------------


@pytest.fixture
def records_read(monkeypatch):
    """How many rows the reader handed over before the file was refused."""
    counted = []

    def counting(reader):
        def records(*args, **kwargs):
            for record in reader(*args, **kwargs):
                counted.append(record[0])
                yield record
        return records

    monkeypatch.setattr(tabular, "_csv_records", counting(tabular._csv_records))
    monkeypatch.setattr(tabular.xlsx, "sheet_rows", counting(xlsx.sheet_rows))
    return counted


def big_csv(rows, header=b"name,year,amount\n"):
    return header + b"Dakar,2021,10\n" * rows


def big_xlsx(rows, header=("name", "year", "amount")):
    data = [inline_row(1, *header)] + [b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(2, rows + 2)]
    return workbook_with(b"".join(data))


@pytest.mark.parametrize("build, filename", [(big_csv, "big.csv"), (big_xlsx, "big.xlsx")])
def test_a_file_of_100_000_rows_is_read_and_one_more_is_refused_as_it_streams(build, filename, records_read):
    assert len(read_table(build(tabular.MAX_ROWS), filename).rows) == tabular.MAX_ROWS
    records_read.clear()
    assert refusal(build(tabular.MAX_ROWS + 50_000), filename) == (
        "The file has more than 100,000 rows; split it into smaller files.")
    assert len(records_read) == tabular.MAX_ROWS + 2  # the header, the rows allowed, the one too many


@pytest.mark.parametrize("build, filename", [(big_csv, "big.csv"), (big_xlsx, "big.xlsx")])
def test_a_wrong_header_is_refused_before_the_rows_are_read(build, filename, records_read):
    with pytest.raises(WrongColumns, match="Missing column"):
        read_table(build(tabular.MAX_ROWS), filename, expected=["name", "year", "amount", "currency"])
    assert records_read == [1]


def test_the_row_cap_counts_rows_that_are_not_blank(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    assert len(read_table(b"name\na\n\n\nb\n,\nc\n", "f.csv").rows) == 3
    assert refusal(b"name\na\nb\nc\nd\n") == "The file has more than 3 rows; split it into smaller files."
