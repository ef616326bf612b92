"""Every page reachable from the home page by following links, as a reader would.

Used by the crawler test (tests/fidelity/test_every_page.py, through Django's test client) and the
browser sweep (tests/browser/test_every_page.py, through a real server): one crawl, two ways to
fetch.
"""

import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

# Not pages to read: the admin (its own tests), signing out, downloads.
SKIPPED_PATHS = re.compile(r"^/(admin|static|media|accounts/logout)/")
DOWNLOAD = re.compile(r"(^|&)format=(csv|xlsx)(&|$)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.charts, self._chart = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("type") == "application/json" and (attrs.get("id") or "").startswith("chart"):
            self._chart = [attrs["id"]]

    def handle_data(self, data):
        if self._chart is not None:
            self._chart.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._chart is not None:
            self.charts.append((self._chart[0], json.loads("".join(self._chart[1:]))))
            self._chart = None


def links_and_charts(html):
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.charts


def internal(href, base_path):
    """The link as a path with its query, or None when it leaves the site or is not a page."""
    href, _ = urldefrag(href)
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path or base_path
    if not path.startswith("/"):
        path = base_path.rsplit("/", 1)[0] + "/" + path
    if SKIPPED_PATHS.match(path) or DOWNLOAD.search(parts.query):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def kind(url):
    """Pages of one kind: the same path with numbers and codes generalised, the same parameter names."""
    parts = urlsplit(url)
    path = re.sub(r"/[^/]*\d[^/]*/", "/N/", parts.path)
    return path, tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)} - {"page"}))


def layout_kind(url):
    """Pages drawn the same way: the same generalised path, filtered or not (a JSON page apart),
    whatever the filters. The browser sweep visits one of each."""
    path, params = kind(url)
    return path, bool(set(params) - {"sort", "format"}), "format" in params


def page_key(url):
    """Every distinct path, but of each path one address per set of parameter names: filters and
    sorts combine without end, and one of each shows the page answers."""
    parts = urlsplit(url)
    return parts.path, kind(url)[1]


def crawl(fetch, start="/", limit=5000, key=page_key):
    """(url, status, html) for every page reachable from `start`, one per `key` (`page_key`: every
    path; `kind`: one page of each kind). `fetch(url)` returns (status, html)."""
    seen, queue = {key(start)}, deque([start])
    while queue and len(seen) <= limit:
        url = queue.popleft()
        status, html = fetch(url)
        yield url, status, html
        if status != 200 or html is None:
            continue
        links, _ = links_and_charts(html)
        for href in links:
            target = internal(href, urlsplit(url).path)
            if target and key(target) not in seen:
                seen.add(key(target))
                queue.append(target)


def _points(values):
    if isinstance(values, dict):  # plotly's typed arrays: {"dtype": ..., "bdata": ...}
        return len(values.get("bdata", ""))
    return len(values or [])


def empty_charts(html):
    """Ids of the page's charts with no point to draw."""
    _, charts = links_and_charts(html)
    empty = []
    for chart_id, figure in charts:
        traces = figure.get("data", [])
        if not any(_points(trace.get(axis)) for trace in traces for axis in ("x", "y", "z", "values", "locations")):
            empty.append(chart_id)
    return empty

