"""A staff member adds a finding with its evidence from the evaluation page, then corrects it, on a
wide screen and a phone.

The screenshot comes last: here, a click right after a full-page screenshot reached the form around
the submit button instead of the button, and nothing was submitted.
"""

import pytest

from .conftest import STAFF_PASSWORD, STAFF_USER, screenshot


@pytest.mark.parametrize("width", [1366, 390])
def test_staff_add_and_correct_a_finding_with_its_evidence(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/?next=/evaluations/ilo-peru-forestry-2021/")
    page.fill("#id_username", STAFF_USER)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    page.click("text=Add a finding")
    page.fill("#id_code", f"B{width}")
    page.fill("#id_title", "Cooperatives kept their certification")
    page.fill("#id_text", "Most cooperatives renewed their certificate after the project ended.")
    page.select_option("#id_evidence_kind", "survey")
    page.check("input[name=criterion_sustainability][value=named]")
    page.check("input[name=criterion_impact][value=inferred]")
    page.fill("#id_countries", "pe")
    page.fill("#id_evidence-0-indicator", "Cooperatives renewing certification")
    page.fill("#id_evidence-0-value", "43")
    page.fill("#id_evidence-0-unit", "%")
    page.fill("#id_evidence-0-base", "certified cooperatives")
    page.fill("#id_evidence-0-base_value", "55")
    page.click("text=Add the finding")
    page.wait_for_url("**/findings/*/")
    text = page.locator("main").inner_text()
    assert f"Finding B{width} added." in text and "Impact (inferred), Sustainability" in text
    assert "43 %" in text and "55 certified cooperatives" in text and "Peru" in text

    page.click("main a.button:has-text('Edit')")
    page.wait_for_url("**/edit/")
    page.fill("#id_evidence-0-value", "44")
    page.fill("#id_reason", "Checked against annex 3")
    page.click("main button:has-text('Save')")
    page.wait_for_url("**/findings/*/")
    text = page.locator("main").inner_text()
    assert f"Finding B{width} saved." in text and "44 %" in text
    screenshot(page, f"finding-after-edit-{width}")
