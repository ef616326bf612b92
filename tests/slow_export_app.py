"""A WSGI app for tests/test_exports_at_scale.py: EvalBase's settings and middleware, one URL
answering a CSV through evalbase.lib.exports that takes longer to stream than gunicorn's timeout
(a stand-in for a million projects; no database needed)."""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalbase.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402

ROWS = int(os.environ.get("SLOW_EXPORT_ROWS", "60"))
DELAY = float(os.environ.get("SLOW_EXPORT_DELAY", "0.1"))
PADDING = "x" * 8000  # ~8 KB a row: a 64 KB chunk leaves every 8 rows, so bytes flow all along


def slow_rows():
    for number in range(ROWS):
        time.sleep(DELAY)
        yield [f"row {number}", number, PADDING]


def export(request):
    from evalbase.lib.exports import csv_response

    return csv_response("slow", ["title", "n", "padding"], slow_rows())


urlpatterns = [path("slow.csv", export)]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
