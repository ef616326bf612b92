"""The coverage check: how it cuts a text into passages, reads locators and skips, and fails loudly.

The four reports themselves are checked in tests/fidelity/test_coverage_of_the_reports.py.
"""

import io
import textwrap

import pytest
import yaml
from django.core.management import CommandError, call_command

from reports.coverage import CoverageError, check_coverage, cited_lines, segment

# -- segmenting -------------------------------------------------------------------------------------

def units_of(text):
    return [(u.kind, u.start, u.end) for u in segment(textwrap.dedent(text).lstrip("\n"))]


def test_paragraphs_are_separated_by_blank_lines():
    assert units_of("""
        One paragraph
        on two lines.

        Another.
    """) == [("paragraph", 1, 2), ("paragraph", 4, 4)]


def test_headings_items_table_rows_and_footnotes_are_units_of_their_own():
    assert units_of("""
        ## Findings
        - first item
          continued
        - second item
        1. numbered item
        Name\tValue
        <sup>3</sup> A footnote.

        **A bold line on its own**
    """) == [
        ("heading", 1, 1), ("item", 2, 3), ("item", 4, 4), ("item", 5, 5), ("table_row", 6, 6),
        ("footnote", 7, 7), ("heading", 9, 9),
    ]


def test_a_page_break_is_no_unit_but_an_underlined_line_is_a_heading():
    assert units_of("""
        Before the break.

        ---

        Knowledge activities:
        --
    """) == [("paragraph", 1, 1), ("heading", 5, 6)]


def test_plain_text_footnotes_and_box_paragraphs():
    assert units_of("""
        2 The ILO defines MSMEs as small.

        ⁴ <https://example.org>

        21 April 2010

        **BOX 1. A title**

        Inside the box.

        # 4
        After the box.
    """) == [("footnote", 1, 1), ("footnote", 3, 3), ("paragraph", 5, 5), ("heading", 7, 7),
             ("box", 9, 9), ("heading", 11, 11), ("paragraph", 12, 12)]


# -- locators -------------------------------------------------------------------------------------

@pytest.mark.parametrize("locator, lines", [
    ("line 610", {610}),
    ("lines 566-568", {566, 567, 568}),
    ("paragraph 2 (line 451)", {451}),
    ("row 9 (lines 1056 and 1059, split by a page break)", {1056, 1059}),
    ("lines 76, 81, 86, 91", {76, 81, 86, 91}),
    ("lines 128, 142-144", {128, 142, 143, 144}),
    ("paragraph 1, line 3; paragraph 2, line 6", {3, 6}),
    ("Annex 3 lines 1540–1542", {1540, 1541, 1542}),
    ("In brief, bullet 2, line 16, 3 sentences", {16}),
    ("row Funding, column USAID", set()),
    ("rows 3-4 (lines 20-21)", {20, 21}),
    ("", set()),
])
def test_locators_name_their_lines(locator, lines):
    assert cited_lines(locator) == lines


# -- the check on made-up reports -----------------------------------------------------------------

SEED_TEXT = """\
## A report

Evidence that a record cites.

Evidence nobody transcribed
on two lines.

Table of contents\t1
"""


@pytest.fixture
def made_up(tmp_path, settings):
    """A seed text, a report citing line 3 and a skip file; settings point at them."""
    seeds, fixtures = tmp_path / "seeds", tmp_path / "fixtures"
    (fixtures / "reports").mkdir(parents=True)
    seeds.mkdir()
    (seeds / "report.txt").write_text(SEED_TEXT)
    (fixtures / "reports" / "made-up.yaml").write_text(yaml.safe_dump({
        "document": {"file": "report.txt", "title": "A made-up report"},
        "evaluation": {"slug": "made-up", "source": {"section": "Text", "locator": "line 1"}},
        "findings": [{"code": "F01", "source": {"section": "Text", "locator": "paragraph 1 (line 3)"}}],
    }))
    write_skips(fixtures, {"report.txt": {
        "rules": [{"kind": "heading", "reason": "structure"}],
        "skips": [{"lines": 8, "reason": "table of contents"}],
    }})
    settings.SEEDS_DIR, settings.FIXTURES_DIR = seeds, fixtures
    return tmp_path


def write_skips(fixtures, skips):
    (fixtures / "coverage-skips.yaml").write_text(yaml.safe_dump(skips))


def test_a_unit_is_covered_skipped_or_uncovered(made_up):
    report, = check_coverage(made_up / "seeds", made_up / "fixtures")
    assert [u.start for u in report.covered] == [1, 3]
    assert [u.start for u in report.skipped] == [8]
    assert [(u.start, u.end) for u in report.uncovered] == [(5, 6)]


def test_a_missing_seeds_directory_fails_loudly_naming_it(made_up):
    missing = made_up / "nowhere"
    with pytest.raises(CoverageError, match=str(missing)):
        check_coverage(missing, made_up / "fixtures")


def test_a_missing_seed_file_fails_loudly_naming_it(made_up):
    (made_up / "seeds" / "report.txt").unlink()
    with pytest.raises(CoverageError, match="report.txt not found"):
        check_coverage(made_up / "seeds", made_up / "fixtures")


@pytest.mark.parametrize("skips, message", [
    ({"report.txt": {"skips": [{"lines": "8"}]}}, "needs a reason"),
    ({"report.txt": {"skips": [{"lines": "4-5", "reason": "half a paragraph"}]}}, "cuts unit 5-6"),
    ({"report.txt": {"skips": [{"lines": "2", "reason": "a blank line"}]}}, "holds no unit"),
    ({"other.txt": {"skips": []}}, "no report transcribes other.txt"),
    ({"report.txt": {"rules": [{"kind": "headline", "reason": "a typo"}]}}, "a rule needs a `kind` of heading"),
])
def test_the_skip_file_is_kept_honest(made_up, skips, message):
    write_skips(made_up / "fixtures", skips)
    with pytest.raises(CoverageError, match=message):
        check_coverage(made_up / "seeds", made_up / "fixtures")


def test_the_command_prints_the_table_and_fails_on_uncovered_passages(made_up):
    out = io.StringIO()
    with pytest.raises(CommandError, match="neither covered by a citation nor skipped with a reason: 1"):
        call_command("report_coverage", "--uncovered", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["source", "file", "units", "covered", "skipped", "uncovered", "report"]
    assert lines[1].split()[:5] == ["report.txt", "4", "2", "1", "1"]
    assert "A made-up report" in lines[1]
    assert lines[-1].split() == ["lines", "5-6", "paragraph", "Evidence", "nobody", "transcribed", "on",
                                 "two", "lines."]


def test_the_command_succeeds_when_everything_is_covered_or_skipped(made_up):
    write_skips(made_up / "fixtures", {"report.txt": {"skips": [
        {"lines": ["5-6", 8], "reason": "made-up boilerplate"}]}})
    out = io.StringIO()
    call_command("report_coverage", stdout=out)
    assert out.getvalue().splitlines()[1].split()[:5] == ["report.txt", "4", "2", "2", "0"]


def test_the_command_names_a_missing_seeds_directory(made_up, settings):
    settings.SEEDS_DIR = made_up / "nowhere"
    with pytest.raises(CommandError, match=f"seeds directory {made_up / 'nowhere'} not found"):
        call_command("report_coverage", stdout=io.StringIO())
