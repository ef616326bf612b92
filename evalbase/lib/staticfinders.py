"""Serve plotly.js from the npm package pinned in package-lock.json, so the app needs no CDN and no copied file.

The package is plotly's strict bundle (plotly.js-strict-dist-min): unlike the bundle shipped with the
plotly Python package, it never compiles code from strings (`new Function`), so the
Content-Security-Policy can forbid 'unsafe-eval'. `make install` installs it with `npm ci`; it is the
same plotly.js version the Python package writes figures for (4.1.1).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(settings.BASE_DIR) / "node_modules" / "plotly.js-strict-dist-min"
PLOTLY_FILE = "plotly-strict.min.js"
PLOTLY_PATH = "vendor/plotly.min.js"


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs):
        if (PLOTLY_DIR / PLOTLY_FILE).exists():
            return []
        return [checks.Warning(f"{PLOTLY_DIR / PLOTLY_FILE} is missing: charts will not draw.",
                               hint="Run `make install` (npm ci).", id="evalbase.W001")]

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_PATH:
            return [] if find_all else None
        match = str(PLOTLY_DIR / PLOTLY_FILE)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        yield "plotly.min.js", _RenamingStorage(location=PLOTLY_DIR)


class _RenamingStorage(FileSystemStorage):
    """The strict bundle under the name the templates use, vendor/plotly.min.js."""

    prefix = "vendor"

    def path(self, name):
        return super().path(PLOTLY_FILE if name == "plotly.min.js" else name)

    def open(self, name, mode="rb"):
        return super().open(PLOTLY_FILE if name == "plotly.min.js" else name, mode)
