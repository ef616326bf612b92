"""What an evaluator does in a browser, end to end."""

import csv
import io

import pytest

from .conftest import screenshot

PAGES = ["/", "/portfolio/", "/portfolio/summary/?by=region", "/portfolio/USIND01193/", "/evaluations/",
         "/evaluations/unido-cnd-2010/", "/ratings/", "/ratings/?evaluation=unido-cnd-2010", "/ratings/compare/",
         "/ratings/evidence-map/", "/findings/?q=certification", "/recommendations/", "/reconciliation/",
         "/sources/", "/ratings/1/", "/accounts/login/", "/admin/login/", "/health/"]


def total(page, name):
    return page.locator(f'[data-total="{name}"]').inner_text()


def test_filtering_the_portfolio_changes_rows_totals_and_charts(page):
    page.goto("/portfolio/")
    page.wait_for_selector("#chart-allotment-region + script, .js-plotly-plot")
    before = (total(page, "projects"), total(page, "allotment-USD"))
    # Facets: a click on a value with its count narrows the list; the count is the rows shown.
    page.click(".facets a:has-text('Africa')")
    page.wait_for_url("**region=AF**")
    cluster = page.locator(".facets a:has-text('Cluster & networking')")
    expected = cluster.locator(".count").inner_text()
    cluster.click()
    page.wait_for_url("**approach=cluster_networking**")
    assert total(page, "projects") == expected
    assert (total(page, "projects"), total(page, "allotment-USD")) != before
    assert total(page, "projects") == "9"
    assert page.locator("#projects tbody tr").count() == 9
    page.wait_for_selector("[data-chart='chart-allotment-region'].js-plotly-plot")
    labels = page.evaluate("document.querySelector(\"[data-chart='chart-allotment-region']\").data[0].labels")
    assert labels == ["Africa"]
    screenshot(page, "portfolio-filtered")


def test_opening_a_project_from_the_table(page):
    page.goto("/portfolio/?q=US/IND/01/193")
    page.click("#projects tbody a")
    page.wait_for_url("**/portfolio/USIND01193/")
    assert "US/IND/01/193" in page.locator("h1").inner_text()
    screenshot(page, "project")


def test_the_downloaded_csv_matches_the_screen(page):
    page.goto("/portfolio/?region=ASIA")
    shown = [cell.strip() for cell in page.locator("#projects tbody tr td:first-child").all_inner_texts()]
    with page.expect_download() as download:
        page.click("text=CSV")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [row["number"] for row in rows] == shown
    screen_total = int(total(page, "allotment-USD").replace("USD", "").replace(",", "").strip())
    assert round(sum(float(row["allotment"]) for row in rows if row["allotment"])) == screen_total == 6512485


def test_searching_findings_for_certification_finds_the_peru_evidence(page):
    page.goto("/findings/")
    page.fill("#id_q", "certification")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=certification**")
    assert "Peru" in page.locator("main").inner_text()
    screenshot(page, "findings-certification")


def test_filtering_recommendations_by_owner_donors(page):
    page.goto("/recommendations/")
    owners = page.locator("details.facet", has=page.locator("summary", has_text="Responsibility owner"))
    if not owners.evaluate("details => details.open"):
        owners.locator("summary").click()
    owners.locator("a", has=page.locator(".facet-label", has_text="Donors")).first.click()
    page.wait_for_url("**owner=**")
    numbers = page.locator("#recommendations tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(int(n) for n in numbers) == [3, 5, 6, 7, 8]
    screenshot(page, "recommendations-donors")


@pytest.mark.parametrize("path", PAGES)
def test_main_pages_render_without_console_errors(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
    screenshot(page, name)


def test_the_content_security_policy_is_enforced_and_reported(page):
    """The listener is not idle: an inline script is refused, and the refusal is reported."""
    page.goto("/portfolio/")
    page.wait_for_selector(".js-plotly-plot")
    assert page.console_errors == []
    page.evaluate("""() => { const script = document.createElement("script");
                             script.textContent = "window.injected = true"; document.body.append(script); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in error for error in page.console_errors)
    page.console_errors.clear()
