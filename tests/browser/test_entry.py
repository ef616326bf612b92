"""A staff member rates a project on every criterion and finds the ratings where evaluators look."""

from .conftest import STAFF_PASSWORD, STAFF_USER, screenshot

VALUES = {"relevance": "4", "coherence": "3", "effectiveness": "3", "efficiency": "2", "sustainability": "3",
          "design": "4"}


def test_staff_rates_a_project_on_all_criteria(page):
    page.goto("/accounts/login/?next=/ratings/")
    page.fill("#id_username", STAFF_USER)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/ratings/")
    page.click("text=Rate a subject")
    page.select_option("#id_evaluation", "unido-cnd-2010")
    page.select_option("#id_subject_kind", "project")
    page.fill("#id_subject", "US/IND/97/148")
    page.select_option("#id_scale", "unido-table8")
    page.click("text=Choose")
    page.wait_for_selector("#rating-grid")
    rows = page.locator("#rating-grid tbody tr")
    for i in range(rows.count()):
        code = page.input_value(f"#id_form-{i}-criterion")
        if code == "impact":
            page.check(f"#id_form-{i}-not_assessed")
        else:
            page.fill(f"#id_form-{i}-value", VALUES[code])
            page.fill(f"#id_form-{i}-justification", f"Field visit evidence on {code}")
    screenshot(page, "rating-grid")
    page.click("text=Save ratings")
    page.wait_for_url("**/portfolio/USIND97148/")
    ratings = page.locator("main").inner_text()
    assert "Saved 7 ratings." in ratings
    assert "Relevance: 4" in ratings and "Impact: not assessed" in ratings
    page.goto("/ratings/?evaluation=unido-cnd-2010&subject_kind=project")
    matrix = page.locator("main").inner_text()
    assert "US/IND/97/148" in matrix
    screenshot(page, "ratings-after-entry")
