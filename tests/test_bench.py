"""The benchmark's own rules: a failed or cut-off export is never reported as a time, and its
percentiles and row counts are what they say (bench/, `make bench`)."""

import socket
import threading

from openpyxl import Workbook

from bench.client import Response, get
from bench.exports import Export, _csv_rows, _xlsx_rows
from bench.measure import Samples


def _serve_once(payload):
    """A server on a free port that answers one request with `payload`, then hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer():
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(payload)
        connection.close()
        listener.close()

    threading.Thread(target=answer, daemon=True).start()
    return listener.getsockname()[1]


def test_it_reports_a_stream_that_stops_mid_way_as_cut_off():
    port = _serve_once(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
    response = get(port, "/portfolio/?format=csv", timeout=5)
    assert response.status == 200 and response.error == "cut off" and not response.ok


def test_it_reads_a_complete_stream():
    port = _serve_once(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    response = get(port, "/", timeout=5, keep_body=True)
    assert response.ok and response.body == b"hello" and response.size == 5


def test_an_export_is_complete_only_with_status_200_every_byte_and_every_row():
    def export(response, rows):
        return Export("CSV", response, rows, expected=100).verdict

    assert export(Response(status=200, seconds=1.0, size=900), 100) == "complete"
    assert export(Response(status=200, seconds=30.0, size=450, error="cut off"), 50) == "cut off after 450 bytes"
    assert export(Response(status=200, seconds=1.0, size=450), 50) == "incomplete: 50 of 100 rows"
    assert export(Response(status=500, seconds=2.0, size=10), None) == "failed: 500"


def test_it_counts_the_rows_of_an_export_file(tmp_path):
    csv_file = tmp_path / "export.csv"
    csv_file.write_text('number,title\n1,"two\nlines"\n2,plain\n')
    assert _csv_rows(csv_file) == 2

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append(["number", "title"])
    for n in range(40_000):  # more than one megabyte of sheet XML: rows straddle the chunks read
        data.append([n, f"Project {n}"])
    book.create_sheet("about").append(["rows", 40_000])
    book.save(tmp_path / "export.xlsx")
    assert _xlsx_rows(tmp_path / "export.xlsx") == 40_000


def test_p95_is_nearest_rank():
    samples = Samples([Response(status=200, seconds=s / 1000) for s in range(1, 21)])
    assert samples.p50() == 10.5 and samples.p95() == 19
    assert Samples([Response(status=200, seconds=s) for s in (0.1, 0.3, 0.2)]).p95() == 300
