"""Exports never carry live formulas and never look complete when they are not."""

import csv
import io
import logging
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from openpyxl import load_workbook

from evalbase.lib.exports import FAILURE_MARKER, csv_response, is_formula_like, xlsx_response

from .builders import make_evaluation, make_recommendation

HOSTILE = ["=HYPERLINK(\"http://evil.example/\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\tTAB", "\rCR", "=1+1"]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_written_as_text_in_csv(text):
    rows = csv_rows(csv_response("test", ["title"], [[text]]))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("value, written", [
    (-3, "-3"), (Decimal("-12.50"), "-12.50"), (2.5, "2.5"), ("-12.5", "-12.5"), ("+4", "+4"), ("1e5", "1e5"),
    ("plain text", "plain text"), ("a=b", "a=b"), ("", ""),
])
def test_numbers_stay_numbers_and_plain_text_is_untouched(value, written):
    assert csv_rows(csv_response("test", ["value"], [[value]]))[1] == [written]


def test_it_tells_a_formula_from_a_negative_number():
    assert is_formula_like("-2+3") and is_formula_like("-A1") and is_formula_like("=1")
    assert not is_formula_like("-2") and not is_formula_like("-0.5") and not is_formula_like(-2)


def xlsx(rows, query="format=xlsx"):
    request = RequestFactory().get(f"/recommendations/?{query}")
    response = xlsx_response("test", ["title", "amount"], rows, request=request)
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_a_string_cell_in_xlsx(text):
    cell = xlsx([[text, Decimal("-5.25")]])["data"]["A2"]
    assert cell.data_type == "s" and cell.value == text.replace("\r", "\n")  # XML reads a lone CR as LF


def test_numbers_stay_numbers_in_xlsx():
    sheet = xlsx([["x", Decimal("-5.25")], ["y", -3]])["data"]
    assert sheet["B2"].data_type == "n" and sheet["B2"].value == -5.25
    assert sheet["B3"].data_type == "n" and sheet["B3"].value == -3


def test_query_parameters_reflected_on_the_about_sheet_are_text():
    about = xlsx([["x", 1]], query="format=xlsx&q=%3DHYPERLINK(%22http://evil.example/%22)")["about"]
    cells = [cell for row in about.iter_rows() for cell in row if cell.value and "HYPERLINK" in str(cell.value)]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert any(cell.value == '=HYPERLINK("http://evil.example/")' for cell in cells)


@pytest.mark.django_db
def test_a_recommendation_titled_as_a_formula_is_exported_as_text(client):
    evaluation = make_evaluation()
    make_recommendation(evaluation=evaluation, text='=HYPERLINK("http://evil.example/","click")')
    response = client.get("/recommendations/", {"evaluation": evaluation.slug, "format": "csv"})
    texts = [row[2] for row in csv_rows(response)[1:]]
    assert texts == ['\'=HYPERLINK("http://evil.example/","click")']
    workbook = load_workbook(io.BytesIO(b"".join(
        client.get("/recommendations/", {"evaluation": evaluation.slug, "format": "xlsx"}).streaming_content)))
    assert workbook["data"]["C2"].data_type == "s"


def rows_failing_after(count):
    for number in range(count):
        yield [f"row {number}", number]
    raise RuntimeError("the database went away")


def test_a_csv_that_fails_mid_stream_ends_with_the_failure_marker(caplog):
    with caplog.at_level(logging.ERROR, logger="evalbase.lib.exports"):
        text = b"".join(csv_response("test", ["title", "n"], rows_failing_after(3)).streaming_content).decode()
    lines = text.splitlines()
    assert lines[:4] == ["title,n", "row 0,0", "row 1,1", "row 2,2"]
    assert lines[-1].startswith(FAILURE_MARKER) and "after 3 rows" in lines[-1] and "incomplete" in lines[-1]
    assert "CSV export test failed after 3 rows" in caplog.text


def test_a_csv_whose_first_row_fails_fails_before_sending_anything():
    with pytest.raises(RuntimeError):
        csv_response("test", ["title", "n"], rows_failing_after(0))


def test_an_xlsx_that_fails_mid_stream_says_so_on_both_sheets(caplog):
    with caplog.at_level(logging.ERROR, logger="evalbase.lib.exports"):
        workbook = xlsx(rows_failing_after(3))
    data = list(workbook["data"].values)
    assert [row[0] for row in data[1:4]] == ["row 0", "row 1", "row 2"] and len(data) == 5
    assert data[-1][0].startswith(FAILURE_MARKER + " after 3 rows (RuntimeError)") and "incomplete" in data[-1][0]
    rows = dict(row[:2] for row in workbook["about"].values if row[0])
    assert rows["rows"].startswith(FAILURE_MARKER)
    assert "XLSX export test failed after 3 rows" in caplog.text


def test_an_xlsx_whose_first_row_fails_fails_before_sending_anything():
    with pytest.raises(RuntimeError):
        xlsx(rows_failing_after(0))


@pytest.mark.django_db
def test_a_page_export_failing_halfway_ends_with_the_marker(client):
    evaluation = make_evaluation()
    for number in range(1, 4):
        make_recommendation(evaluation=evaluation, number=number)
    calls = []

    def failing_row(recommendation):
        calls.append(recommendation)
        if len(calls) == 2:
            raise OperationalError("connection lost")
        return [recommendation.number] * 9

    with mock.patch("follow_up.views._recommendation_row", failing_row):
        response = client.get("/recommendations/", {"evaluation": evaluation.slug, "format": "csv"})
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert response.status_code == 200 and len(lines) == 3
    assert lines[-1].startswith(FAILURE_MARKER + " after 1 rows (OperationalError)")


@pytest.mark.django_db
def test_an_xlsx_page_export_that_fails_answers_an_error_page(client):
    client.raise_request_exception = False
    make_recommendation()
    with mock.patch("follow_up.views._recommendation_row", side_effect=RuntimeError("boom")):
        response = client.get("/recommendations/", {"format": "xlsx"})
    assert response.status_code == 500
    assert "spreadsheet" not in response.get("Content-Type", "")
