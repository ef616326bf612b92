"""The map of evaluated countries in a browser cut off from everything but the server: it draws from
the outlines EvalBase serves itself, breaks no Content-Security-Policy rule, fits a phone and a
laptop, and a click on a country opens the list behind its figure."""

import json
from urllib.parse import urlsplit

import pytest

from evalbase.lib.staticfinders import TOPOJSON_DIR

from .conftest import ARTIFACTS, CSP_LISTENER, screenshot

OUTLINES = {g.get("id") for g in json.loads((TOPOJSON_DIR / "world_110m.json").read_text())
            ["objects"]["countries"]["geometries"]}


@pytest.fixture
def offline(browser, server):
    """A page factory at a given width; every request to a host other than 127.0.0.1 is aborted and
    recorded, and so are console errors (CSP violations among them)."""
    contexts, errors, outside = [], [], []

    def open_page(width):
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
        context.add_init_script(CSP_LISTENER)

        def route(request_route):
            if urlsplit(request_route.request.url).hostname == "127.0.0.1":
                request_route.continue_()
            else:
                outside.append(request_route.request.url)
                request_route.abort()
        context.route("**/*", route)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert outside == [], f"requests outside the server: {outside}"
    assert errors == [], f"console errors: {errors}"


def drawn(page):
    """(codes of the countries the figure colours that the outlines hold, SVG paths drawn for them)."""
    page.wait_for_selector("#country-map path.choroplethlocation", state="attached", timeout=20000)
    locations = page.evaluate("document.getElementById('country-map').data[0].locations")
    return [code for code in locations if code in OUTLINES], page.locator("#country-map path.choroplethlocation")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_map_draws_offline_and_fits_the_screen(offline, width):
    page = offline(width)
    page.goto("/map/")
    expected, paths = drawn(page)
    assert len(expected) >= 5
    assert paths.count() == len(expected)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    screenshot(page, f"map-{width}")
    page.screenshot(path=str(ARTIFACTS / f"map-{width}-screen.png"))  # what shows first, without scrolling
    # Another measure, chosen with the select: the page reloads coloured by it.
    page.select_option("#measure", "findings")
    page.wait_for_url("**measure=findings**")
    expected, paths = drawn(page)
    assert paths.count() == len(expected) >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    screenshot(page, f"map-findings-{width}")


def test_a_click_on_a_country_opens_its_filtered_list(offline):
    page = offline(1366)
    page.goto("/map/?measure=findings")
    drawn(page)
    # The country with the most findings (India, in the transcribed reports): a click in its middle.
    trace = page.evaluate("document.getElementById('country-map').data[0]")
    most = max(range(len(trace["z"])), key=lambda i: trace["z"][i])
    path = page.locator("#country-map path.choroplethlocation").nth(
        page.evaluate("(code) => Array.from(document.querySelectorAll('#country-map path.choroplethlocation'))"
                      ".findIndex(p => p.__data__.loc === code)", trace["locations"][most]))
    box = path.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/findings/?country=**")
    assert page.url.endswith(trace["customdata"][most])
    assert trace["text"][most] in page.locator("main").inner_text()
    screenshot(page, "map-click-findings")
