"""CSV downloads: streamed row by row, with stable column names."""

import csv

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, columns, rows):
    """Stream `rows` (sequences in the order of `columns`) as a CSV attachment."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def wants_csv(request):
    return request.GET.get("format") == "csv"
