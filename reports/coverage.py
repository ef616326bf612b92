"""How much of each seed text the transcription holds.

Each seed text is cut into units (headings, paragraphs, list items, table rows, footnotes, box
paragraphs) with their 1-based line ranges. A unit is covered when some record in fixtures/reports
cites a line inside it (`source: {locator: "... line 610 ..."}`), skipped when the reviewed file
fixtures/coverage-skips.yaml says why it holds nothing to transcribe, and uncovered otherwise.
Django-free: the command and the tests pass the directories in.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SKIPS_FILE = "coverage-skips.yaml"
KINDS = ("heading", "paragraph", "item", "table_row", "footnote", "box")


class CoverageError(Exception):
    """The seeds, fixtures or skip file cannot be read; the message names the path and the reason."""


@dataclass(frozen=True)
class Unit:
    kind: str  # one of KINDS
    start: int
    end: int
    text: str

    @property
    def lines(self):
        return f"{self.start}" if self.start == self.end else f"{self.start}-{self.end}"

    def first_words(self, count=10):
        words = re.sub(r"</?(?:b|i|p|sup|ul|li|a)\b[^>]*>|[*#|▶]", " ", self.text).split()
        return " ".join(words[:count]) + (" ..." if len(words) > count else "")


@dataclass(frozen=True)
class Skip:
    reason: str
    kind: str = ""  # a rule: every unit of this kind
    start: int = 0  # an explicit skip: the units inside these lines
    end: int = 0

    def matches(self, unit):
        if self.kind:
            return unit.kind == self.kind
        return self.start <= unit.start and unit.end <= self.end


@dataclass
class ReportCoverage:
    file: str
    title: str
    units: list
    covered: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    uncovered: list = field(default_factory=list)


# -- segmenting ------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(?:#{1,6}|▶)\s")  # ▶ marks headings in the ILO case study
_RULE = re.compile(r"^\s*(-{2,}|={2,})\s*$")  # page breaks; under a text line, a setext heading
_ITEM = re.compile(r"^\s*(?:[-*•]\s|\d{1,2}[.)]\s|[a-z][.)]\s|\([a-z0-9]{1,4}\)\s)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FOOTNOTE = re.compile(rf"^\s*(?:<sup>\d+</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s|\d{{1,2}} (?!(?:{_MONTHS})\b)[A-Z<\[])")
_BOX = re.compile(r"^\s*(?:\*\*|<b>)?box\s+\d", re.IGNORECASE)
_BOLD_ONLY = re.compile(r"^(?:\*\*|<b>)(?:(?!\*\*|</?b>).)+(?:\*\*|</b>)$", re.DOTALL)


def segment(text):
    """The units of a seed text, in order."""
    lines = text.splitlines()
    units, block, in_box = [], None, False

    def close():
        nonlocal block
        if block:
            kind, start, body = block
            joined = "\n".join(body)
            if kind in ("paragraph", "box") and _is_bold_heading(joined):
                kind = "heading"
            units.append(Unit(kind, start, start + len(body) - 1, joined))
        block = None

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close()
        elif _RULE.match(line):
            if block:  # underlines the text above it: a setext heading
                block = ("heading", block[1], block[2] + [line])
            close()
        elif _HEADING.match(line):
            close()
            in_box = False
            units.append(Unit("heading", number, number, line))
        elif "\t" in line or line.lstrip().startswith("|"):
            close()
            units.append(Unit("table_row", number, number, line))
        elif _BOX.match(line):
            close()
            in_box = True
            block = ("heading", number, [line])
        elif _ITEM.match(line):
            close()
            block = ("item", number, [line])
        elif _FOOTNOTE.match(line):
            close()
            block = ("footnote", number, [line])
        elif block:
            block[2].append(line)
        else:
            block = ("box" if in_box else "paragraph", number, [line])
    close()
    return units


def _is_bold_heading(text):
    """A short passage set in bold on its own, such as "**Project Relevance**"."""
    flat = " ".join(part.strip() for part in text.splitlines())
    flat = re.sub(r"\*\*\s+\*\*", " ", flat)  # "**a**  **b**" over several lines
    return bool(_BOLD_ONLY.match(flat)) and len(flat.split()) <= 15


# -- citations -------------------------------------------------------------------------------------

_LINE = re.compile(r"\blines?\s+(\d+(?:\s*(?:-|–|to|and|,|&)\s*\d+)*)", re.IGNORECASE)
_RANGE = re.compile(r"(\d+)\s*(?:-|–|to)\s*(\d+)")


def cited_lines(locator):
    """The line numbers a locator names: "line 610", "lines 566-568", "(lines 1056 and 1059, ...)"."""
    found = set()
    for match in _LINE.finditer(str(locator or "")):
        listed = match.group(1)
        if not match.group(0).lower().startswith("lines"):
            listed = re.match(r"\d+", listed).group(0)  # "line 15, 1 bullet": one number only
        for part in re.split(r"\s*(?:,|and|&)\s*", listed):
            span = _RANGE.fullmatch(part)
            if span:
                first, last = int(span.group(1)), int(span.group(2))
                found.update(range(min(first, last), max(first, last) + 1))
            elif part.isdigit():
                found.add(int(part))
    return found


def read_citations(reports_dir):
    """{seed file: (document title, set of cited line numbers)} over every report file."""
    reports_dir = Path(reports_dir)
    paths = sorted(reports_dir.glob("*.yaml")) + sorted(reports_dir.glob("*/*.yaml"))
    if not paths:
        raise CoverageError(f"no report files in {reports_dir}")
    documents, lines = {}, {}
    for path in paths:
        data = _read_yaml(path)
        evaluation = data.get("evaluation")
        slug = evaluation.get("slug") if isinstance(evaluation, dict) else evaluation
        if "document" in data:
            documents[slug] = data["document"]
        lines.setdefault(slug, set()).update(_locator_lines(data))
    cited = {}
    for slug, document in documents.items():
        cited[document["file"]] = (document.get("title", ""), lines.get(slug, set()))
    return cited


def _locator_lines(data):
    """Every line named by a `source:` block anywhere in `data`."""
    found = set()
    if isinstance(data, dict):
        source = data.get("source")
        if isinstance(source, dict):
            found |= cited_lines(source.get("locator"))
        for value in data.values():
            found |= _locator_lines(value)
    elif isinstance(data, list):
        for value in data:
            found |= _locator_lines(value)
    return found


# -- skips -----------------------------------------------------------------------------------------

def read_skips(path):
    """{seed file: [Skip, ...]} from the reviewed skip file; every entry needs a reason."""
    data = _read_yaml(path)
    skips = {}
    for file_name, entries in data.items():
        entries = entries or {}
        unknown = set(entries) - {"rules", "skips"}
        if unknown:
            raise CoverageError(f"{path}: {file_name}: unknown key(s) {', '.join(sorted(unknown))}")
        found = []
        for entry in entries.get("rules") or []:
            reason = _reason(entry, path, file_name)
            if entry.get("kind") not in KINDS:
                raise CoverageError(f"{path}: {file_name}: a rule needs a `kind` of {', '.join(KINDS)}: {entry!r}")
            found.append(Skip(reason=reason, kind=entry["kind"]))
        for entry in entries.get("skips") or []:
            reason = _reason(entry, path, file_name)
            spans = entry["lines"] if isinstance(entry.get("lines"), list) else [entry.get("lines", "")]
            for span in spans:
                start, end = _span(span, f"{path}: {file_name}: {entry!r}")
                found.append(Skip(reason=reason, start=start, end=end))
        skips[file_name] = found
    return skips


def _span(value, where):
    """A skip's lines: "38-79" -> (38, 79); 38 -> (38, 38)."""
    text = str(value).strip()
    span = _RANGE.fullmatch(text)
    if span:
        return int(span.group(1)), int(span.group(2))
    if text.isdigit():
        return int(text), int(text)
    raise CoverageError(f"{where}: `lines` must be N, N-M or a list of them")


def _reason(entry, path, file_name):
    if not isinstance(entry, dict) or not str(entry.get("reason", "")).strip():
        raise CoverageError(f"{path}: {file_name}: every skip needs a reason: {entry!r}")
    return str(entry["reason"]).strip()


# -- the check -------------------------------------------------------------------------------------

def check_coverage(seeds_dir, fixtures_dir):
    """A ReportCoverage per seed file that a report transcribes, in file order."""
    seeds_dir, fixtures_dir = Path(seeds_dir), Path(fixtures_dir)
    if not seeds_dir.is_dir():
        raise CoverageError(f"seeds directory {seeds_dir} not found (set EVALBASE_SEEDS_DIR)")
    cited = read_citations(fixtures_dir / "reports")
    skips = read_skips(fixtures_dir / SKIPS_FILE)
    strays = set(skips) - set(cited)
    if strays:
        raise CoverageError(f"{fixtures_dir / SKIPS_FILE}: no report transcribes {', '.join(sorted(strays))}")
    return [
        _cover(file_name, title, read_seed(seeds_dir, file_name), lines, skips.get(file_name, []))
        for file_name, (title, lines) in sorted(cited.items())
    ]


def read_seed(seeds_dir, file_name):
    path = Path(seeds_dir) / file_name
    if not path.is_file():
        raise CoverageError(f"seed file {path} not found")
    return path.read_text(encoding="utf-8")


def _cover(file_name, title, text, lines, skips):
    units = segment(text)
    result = ReportCoverage(file=file_name, title=title, units=units)
    for skip in skips:
        if skip.kind:
            continue
        inside = [u for u in units if skip.matches(u)]
        cut = [u for u in units if u not in inside and u.start <= skip.end and skip.start <= u.end]
        if not inside or cut:
            problem = f"cuts unit {cut[0].lines}" if cut else "holds no unit"
            raise CoverageError(f"{SKIPS_FILE}: {file_name}: skip lines {skip.start}-{skip.end} {problem}")
    for unit in units:
        if any(unit.start <= line <= unit.end for line in lines):
            result.covered.append(unit)
        elif any(skip.matches(unit) for skip in skips):
            result.skipped.append(unit)
        else:
            result.uncovered.append(unit)
    return result


def _read_yaml(path):
    path = Path(path)
    if not path.is_file():
        raise CoverageError(f"{path} not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CoverageError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise CoverageError(f"{path}: expected a mapping")
    return data
