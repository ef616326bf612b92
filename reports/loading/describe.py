"""The reference part of fixtures/README.md, generated from the schema.

`describe_format()` writes one table per section (and per nested record): its keys, whether each
is required, its type or vocabulary and what it means. The README holds it between BEGIN and END;
`manage.py describe_fixture_format --write` puts it there, and a test fails when they differ.
"""

from .fields import ListOf, Nested
from .records import CITED, MAY_CITE
from .schema import REFERENCE_SECTIONS, REPORT_SECTIONS, SOURCE, Section

BEGIN = "<!-- BEGIN fixture format: generated from reports/loading/schema.py by " \
        "`manage.py describe_fixture_format --write`; do not edit by hand -->"
END = "<!-- END fixture format -->"

CITATIONS = {
    CITED: "Each carries `source: {section, locator}`.",
    MAY_CITE: "Each may carry `source: {section, locator}`; without it, it takes the citation of the record "
              "it belongs to.",
}


def describe_format():
    """The generated reference, in Markdown, between BEGIN and END."""
    parts = [BEGIN, "## Sections and keys", "",
             "A report file is a mapping of these sections; any other top-level key is refused. Within a "
             "record, a key not listed is refused, a required key must be given, and every value must be of "
             "its type: the load stops with the file, the record and the reason before anything is written. "
             "Text longer than the column that stores it is refused, never cut.", ""]
    parts += ["### `source`: the citation of a record", "",
              "Every record whose table lists `source` carries this mapping (see Citations above).", "",
              *_table(SOURCE, "source")]
    for section in REPORT_SECTIONS:
        parts += _section(section, "evaluation")
    parts += ["## Reference data", "",
              "`fixtures/reference/countries.csv` has the columns `iso2`, `iso3` and `name` (ISO 3166-1). "
              "`fixtures/reference/reference.yaml` has these sections:", ""]
    for section in REFERENCE_SECTIONS:
        parts += _section(section, "plain")
    return "\n".join([*parts, END]) + "\n"


def readme_with(readme, block):
    """`readme` with its generated part replaced by `block`."""
    start, end = _bounds(readme)
    return readme[:start] + block + readme[end:]


def generated_part(readme):
    """The generated part of `readme`, from BEGIN to END and the line break after it."""
    start, end = _bounds(readme)
    return readme[start:end]


def _bounds(readme):
    start = readme.find(BEGIN)
    end = readme.find(END, max(start, 0))
    if start < 0 or end < 0:
        raise ValueError(f"the README has no generated part (from {BEGIN!r} to {END!r})")
    end += len(END)
    return start, end + 1 if readme[end:end + 1] == "\n" else end


def _section(section: Section, scope):
    shape = "a list of records" if section.many else "one mapping"
    heading = f"### `{section.name}`: {shape}"
    scope = "shared" if section.shared else scope if section.many else "plain"
    return [heading, "", _sentences(section.help, _matching(section.record, scope),
                                    CITATIONS.get(section.record.citation, "")), "",
            *_table(section.record, section.name)]


def _table(record, path):
    """The keys of `record`, then the records nested in it, each under its path (`findings.evidence`)."""
    lines = ["| key | | value | meaning |", "|---|---|---|---|"]
    nested = []
    for key in record.keys:
        kind = key.type.item if isinstance(key.type, ListOf) else key.type
        value = key.type.describe()
        if key.name == "source":
            value = "mapping (`source`, above)"
        elif isinstance(kind, Nested):
            nested.append((f"{path}.{key.name}", kind.record, isinstance(key.type, ListOf)))
        required = "required" if key.required else "optional"
        lines.append(f"| `{key.name}` | {required} | {value} | {_cell(key.help)} |")
    lines.append("")
    for nested_path, nested_record, many in nested:
        lines += [f"#### `{nested_path}`", ""]
        about = _sentences(_matching(nested_record, "list") if many else "",
                           CITATIONS.get(nested_record.citation, ""),
                           "Exactly one key is given." if nested_record.exactly_one else "")
        lines += [about, ""] if about else []
        lines += _table(nested_record, nested_path)
    return lines


MATCHING = {
    "shared": "Matched on {keys} across all reports: one may recur, in another file or report, only with the "
              "same values.",
    "evaluation": "Matched on {keys} within the evaluation: each is given once.",
    "list": "Matched on {keys}: each is given once in the list.",
    "plain": "Matched on {keys}.",
}


def _matching(record, scope):
    if not record.matched_on:
        return ""
    return MATCHING[scope].format(keys=" and ".join(f"`{name}`" for name in record.matched_on))


def _sentences(*parts):
    return " ".join(part for part in parts if part)


def _cell(text):
    return text.replace("|", "\\|")
