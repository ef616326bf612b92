"""Keys and records of the fixture format.

A Record checks a whole mapping: no unknown key, every required key, every value of its type (see
fields); its message names the file, the record and the key. No database is touched here.
"""

from dataclasses import dataclass

from .fields import FixtureError, Invalid, Nested, kind_of

# How a record cites its source (a `source: {section, locator}` mapping).
CITED = "cited"            # every record names its source
MAY_CITE = "may cite"      # a record without `source` takes the citation of the record it belongs to
NOT_CITED = "not cited"    # not transcribed text: reference data, tags, scale levels

_NOTHING = object()


@dataclass(frozen=True)
class Key:
    name: str
    type: object
    required: bool = False
    help: str = ""
    default: object = _NOTHING

    def missing_value(self):
        default = self.type.default if self.default is _NOTHING else self.default
        return list(default) if isinstance(default, tuple) else default


class CheckedRecord(dict):
    """A record's values after its checks, every declared key present; `where` names it in messages."""

    def __init__(self, values, where):
        super().__init__(values)
        self.where = where


@dataclass(frozen=True)
class Record:
    """The keys of one kind of record and the rules they obey.

    `label` keys name one record in messages ("finding F01"); `matched_on` is its natural key, on
    which the loader finds it in the database (two records with the same one are refused);
    `citation` says whether it carries a `source` (the key is then added to `keys`);
    `exactly_one`: exactly one of the keys is given (a rating's subject).
    """

    name: str
    keys: tuple
    label: tuple = ()
    matched_on: tuple = ()
    citation: str = NOT_CITED
    exactly_one: bool = False
    source: object = None  # the Record of `source` mappings, for cited records

    def __post_init__(self):
        if self.citation == NOT_CITED:
            return
        help = ("where in the report: see Citations" if self.citation == CITED
                else "where in the report; left out: the citation of the record it belongs to")
        key = Key("source", Nested(self.source), required=self.citation == CITED, help=help)
        object.__setattr__(self, "keys", (*self.keys, key))

    def where_in(self, parent_where, raw, index=None):
        """How a record is named in messages, `parent_where` being the file or the enclosing record.

        `index` (from 0) names a record that lacks its label keys: "finding #3".
        """
        if not self.label:
            return f"{parent_where} {self.name}"
        raw = raw if isinstance(raw, dict) else {}
        parts = [_label_part(raw.get(key)) for key in self.label if raw.get(key) not in (None, "")]
        unnamed = "(unnamed)" if index is None else f"#{index + 1}"
        return f"{parent_where} {self.name} {' / '.join(parts) or unnamed}"

    def check(self, raw, where):
        """The record's values, checked; FixtureError naming `where` and the key otherwise."""
        try:
            return self.check_values(raw, where)
        except Invalid as error:
            raise FixtureError(f"{where}: {error.describe()}") from None

    def check_values(self, raw, where):
        if not isinstance(raw, dict):
            raise Invalid(f"must be a mapping of keys, not {kind_of(raw)}", about_keys=True)
        self._check_key_names(raw)
        values = {}
        for key in self.keys:
            value = raw.get(key.name)
            if value is None or value == "" and key.required:  # left out ("" is empty text, if allowed)
                values[key.name] = key.missing_value()
                continue
            try:
                values[key.name] = key.type.check(value, where)
            except Invalid as error:
                raise error.inside(key.name) from None
        return CheckedRecord(values, where)

    def _check_key_names(self, raw):
        names = [key.name for key in self.keys]
        unknown = [name for name in raw if name not in names]
        if unknown:
            raise Invalid(f"unknown key {_listed(unknown)} (allowed: {', '.join(names)})", about_keys=True)
        given = [name for name in names if raw.get(name) not in (None, "")]
        if self.exactly_one and len(given) != 1:
            raise Invalid(f"needs exactly one of {', '.join(names)}", about_keys=True)
        missing = [key.name for key in self.keys if key.required and key.name not in given]
        if missing:
            raise Invalid(f"missing key {_listed(missing)}", about_keys=True)

    def refuse_repeats(self, records, same_allowed=False):
        """Refuse two records with the same natural key: they would be one record in the database.

        With `same_allowed`, a record may be repeated (in another file or report) if it says the
        same thing, its citation aside; a different definition would change the record at every load.
        """
        if not self.matched_on:
            return
        seen = {}
        for record in records:
            first = seen.setdefault(tuple(repr(record[name]) for name in self.matched_on), record)
            if first is record:
                continue
            if not same_allowed:
                raise FixtureError(f"{record.where}: repeats the {' and '.join(self.matched_on)} of "
                                   f"{first.where}; each {self.name} must be given once")
            differing = [name for name in record if name != "source" and record[name] != first[name]]
            if differing:
                raise FixtureError(f"{record.where}: differs from {first.where} in {_listed(differing)}; "
                                   f"a {self.name} given twice must be given the same way")


def _label_part(value):
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    text = str(value)
    return repr(text) if " " in text else text


def _listed(names):
    return ", ".join(f"`{name}`" for name in names)
