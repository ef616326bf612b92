"""Every transcribed text is found in the seed lines its locator names.

Texts are compared as words: case, whitespace, punctuation, quotes, markdown and HTML markup and
footnote markers do not count. A text of fewer than LONG_TEXT words must appear word for word; a
longer one may leave out or reword a little (a joined lead-in, a dropped list marker), so
MOST_WORDS of its words must be in the cited lines.
"""

import html
import re
from decimal import Decimal, InvalidOperation
from functools import cache

import pytest
from django.conf import settings

from evaluations.models import DataQualityNote
from findings.models import (
    Action,
    ApproachComparison,
    Conclusion,
    Finding,
    Lesson,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
)
from reports.coverage import cited_lines, read_seed

pytestmark = pytest.mark.django_db

LONG_TEXT = 8  # words; from here on most of the words will do
MOST_WORDS = 0.9

# Quotations held as records' texts. Two kinds are EvalBase's own words and are checked otherwise:
# data-quality notes (only the passages they quote) and actions (EvalBase's description of a step a
# management response reports, which may say who acts; they must cite lines of that response).
QUOTED = [
    (Finding, "text"), (Lesson, "text"), (Conclusion, "text"), (Recommendation, "text"),
    (ManagementResponse, "text"), (ApproachComparison, "text"),
]

# Passages notes put in quotation marks that are not quotations of the report's lines.
NOT_QUOTING_THE_REPORT = {
    ("commissioner-name", "State Secretariat for Economic Affairs"): "the name the factsheet does not print",
    ("annex3-grouping", "a few groups span three lines"): "quotes the seeds README",
    ("survey-results-incomplete", "expert survey, 29 % of 100 experts responded"): "quotes EvalBase's own base",
    ("named-projects-vs-annex3-groups", "consider as one project"): "printed across table cells, one word each",
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
}


@cache
def seed_lines(file_name):
    return read_seed(settings.SEEDS_DIR, file_name).splitlines()


def lines_named(record, *extra_text):
    """The seed text of the lines a record's locator (and any `extra_text`) names, in order."""
    numbers = cited_lines(record.source_locator)
    for text in extra_text:
        numbers |= cited_lines(text)
    lines = seed_lines(record.source.file_name)
    return "\n".join(lines[n - 1] for n in sorted(numbers) if 0 < n <= len(lines))


def words(text):
    text = html.unescape(text)
    text = re.sub(r"<sup>.*?</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]", " ", text)  # footnote markers
    text = re.sub(r"<(https?://[^>]+)>", r" \1 ", text)  # a web address printed as a link
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links: keep the words
    return re.findall(r"[^\W_]+", text.lower())


def found_in(text, cited):
    wanted, present = words(text), words(cited)
    if f" {' '.join(wanted)} " in f" {' '.join(present)} ":
        return True
    if len(wanted) < LONG_TEXT:
        return False
    vocabulary = set(present)
    return sum(word in vocabulary for word in wanted) >= MOST_WORDS * len(wanted)


def transcribed(model):
    return model.objects.filter(source__isnull=False).select_related("source")


@pytest.mark.parametrize("model, field", QUOTED, ids=lambda value: getattr(value, "__name__", value))
def test_the_cited_lines_hold_the_text(model, field):
    records = list(transcribed(model))
    assert records, f"no {model.__name__} was transcribed"
    wrong = []
    for record in records:
        cited = lines_named(record)
        if not cited:
            wrong.append(f"{record.source_locator!r} names no line")
        elif not found_in(getattr(record, field), cited):
            wrong.append(f"{str(record)[:60]!r}: not in lines {record.source_locator!r}")
    assert not wrong, f"{len(wrong)} {model.__name__} citations miss their text:\n" + "\n".join(wrong)


def printed_numbers(text):
    """Every number in `text` as a Decimal, read with either decimal mark and any grouping;
    "3.6 million" also as 3600000."""
    found = {Decimal(NUMBER_WORDS[word]) for word in words(text) if word in NUMBER_WORDS}
    for printed, million in re.findall(r"(\d[\d ,.'’]*\d|\d)(\s+million)?", text):
        compact = re.sub(r"[ '’]", "", printed)
        for reading in (compact.replace(",", ""), compact.replace(".", "").replace(",", ".")):
            try:
                found.add(Decimal(reading) * (1_000_000 if million else 1))
            except InvalidOperation:
                pass
    return found


def test_an_action_cites_lines_of_its_response():
    wrong = []
    for action in transcribed(Action).select_related("response"):
        lines, response_lines = cited_lines(action.source_locator), cited_lines(action.response.source_locator)
        if not lines or not lines <= response_lines:
            wrong.append(f"{action.description[:60]!r}: {action.source_locator!r} is not within "
                         f"its response's {action.response.source_locator!r}")
    assert not wrong, "\n".join(wrong)


def test_quantitative_evidence_is_printed_in_the_cited_lines():
    wrong = []
    for item in transcribed(QuantitativeEvidence).select_related("finding"):
        cited = lines_named(item)
        if not cited:
            wrong.append(f"{item.indicator!r}: {item.source_locator!r} names no line")
        elif item.value not in printed_numbers(cited):
            wrong.append(f"{item.indicator!r} = {item.value}: not in lines {item.source_locator!r}")
    assert not wrong, f"{len(wrong)} evidence items miss their value:\n" + "\n".join(wrong)


def quotations(text):
    """The passages a note quotes ("..." or “...”), split at ellipses, of three words or more."""
    for quoted in re.findall(r'"([^"]+)"|“([^”]+)”', text):
        for part in re.split(r"\.\.\.|…", "".join(quoted)):
            if len(words(part)) >= 3:
                yield part


def test_data_quality_notes_quote_their_lines():
    wrong = []
    for note in transcribed(DataQualityNote):
        # A note names its lines in its text as well as in its locator ("... (line 1063)").
        cited = lines_named(note, note.text)
        for quoted in quotations(note.text):
            if (note.code, " ".join(quoted.split())) in NOT_QUOTING_THE_REPORT:
                continue
            if not found_in(quoted, cited):
                wrong.append(f"{note.evaluation.slug} {note.code}: {quoted[:60]!r} not in the lines it names")
    assert not wrong, f"{len(wrong)} quotations not found:\n" + "\n".join(wrong)
