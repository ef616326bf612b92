"""One page of each kind reachable from home, in chromium at 1366 and 390 px: no console error (the
`page` fixture), no sideways scroll, no accessibility violation found by axe-core, a screenshot
saved under test-artifacts/pages/. A reader's pages, then a staff member's entry forms."""

import urllib.error
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..crawl import crawl, kind, layout_kind
from .conftest import ARTIFACTS, STAFF_PASSWORD, STAFF_USER

WIDTHS = [1366, 390]
STAFF_PAGES = ["/ratings/new/", "/findings/new/", "/findings/lessons/new/", "/portfolio/import/", "/ratings/import/"]


@pytest.fixture(scope="module")
def reader_pages(server):
    def fetch(url):
        try:
            with urllib.request.urlopen(server + url, timeout=60) as response:
                html = response.read().decode() if "html" in response.headers.get("Content-Type", "") else None
                return response.status, html
        except urllib.error.HTTPError as error:
            return error.code, None
    # Pages only: a JSON answer (`?format=json`) has its own tests.
    return [url for url, status, html in crawl(fetch, key=layout_kind) if html is not None or status != 200]


def check(page, url, width, name):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    if response.status != 200:
        page.console_errors.clear()  # the status is the problem reported
        return {"status": response.status}, []
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    violations = Axe().run(page).response["violations"]
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    return {"sideways px": sideways} if sideways > 0 else {}, [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations]


def file_name(url):
    path, params = kind(url)
    return ("-".join(part for part in path.split("/") if part) or "home") + "".join(f"_{p}" for p in params)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_kind_of_page_fits_and_passes_axe(page, reader_pages, width):
    problems = {}
    for url in reader_pages:
        layout, violations = check(page, url, width, file_name(url))
        if layout or violations:
            problems[url] = (layout, violations)
    assert len(reader_pages) > 20
    assert problems == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_entry_forms_fit_and_pass_axe(page, width):
    page.goto("/accounts/login/")
    page.fill("#id_username", STAFF_USER)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    problems = {}
    for url in STAFF_PAGES:
        layout, violations = check(page, url, width, "staff" + file_name(url))
        if layout or violations:
            problems[url] = (layout, violations)
    assert problems == {}
