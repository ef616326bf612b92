"""Every passage of the four reports is held as a cited record or skipped with a reason."""

import pytest
from django.conf import settings

from reports.coverage import check_coverage

SEEDS = ["000_4c5b16e3b75bb677.txt", "001_99813f98c4b26bd7.txt", "002_758aaa265197b92c.txt",
         "003_5e40020f472ac1d9.txt"]


def listing(units):
    return "\n".join(f"  lines {u.lines} {u.kind}: {u.first_words()}" for u in units)


@pytest.fixture(scope="module")
def coverage():
    return {report.file: report for report in check_coverage(settings.SEEDS_DIR, settings.FIXTURES_DIR)}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_passage_is_covered_or_skipped(coverage, seed):
    report = coverage[seed]
    assert not report.uncovered, f"{seed}: {len(report.uncovered)} passages neither covered nor skipped:\n" \
        + listing(report.uncovered)


def test_the_four_reports_are_checked(coverage):
    assert sorted(coverage) == SEEDS
    assert all(len(report.units) == len(report.covered) + len(report.skipped) + len(report.uncovered)
               for report in coverage.values())
