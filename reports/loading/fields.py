"""The value types of the fixture format.

Each has `check(value, where)`, which takes a value as YAML read it and returns it as the loader
stores it (text stripped, numbers as Decimal, dates as date) or raises Invalid with the reason
(`where` names the enclosing record, for the records nested in it), and `describe()`, its
description in the reference part of fixtures/README.md. No database is touched here.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation


class FixtureError(Exception):
    """A transcription breaks a rule; the message names the file, the record and the reason."""


class Invalid(Exception):
    """A value breaks its type's rule. `path` is where it sits in the record: ["evidence[2]", "value"]."""

    def __init__(self, reason, path=(), about_keys=False):
        super().__init__(reason)
        self.reason = reason
        self.path = list(path)
        self.about_keys = about_keys

    def inside(self, key):
        return Invalid(self.reason, [key, *self.path], self.about_keys)

    def describe(self):
        """The reason, after the key it is about: "`evidence[2].value` must be ..."."""
        if not self.path:
            return self.reason
        path = "".join(part if part.startswith("[") else f".{part}" for part in self.path).lstrip(".")
        return f"`{path}`{': ' if self.about_keys else ' '}{self.reason}"


def kind_of(value):
    """How a YAML value reads, for messages: "text ('abc')", "a whole number (12)"."""
    names = {bool: "true/false", int: "a whole number", float: "a decimal number", str: "text",
             list: "a list", dict: "a mapping", date: "a date"}
    name = names.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)):
        return name
    return f"{name} ({value!r})"


@dataclass(frozen=True)
class Text:
    """Text, stripped of surrounding blanks; refused when longer than the field that stores it.

    With a `pattern`, the text must match it; `what` names such text in messages and in the README.
    """

    max_length: int | None = None
    pattern: str = ""
    what: str = "text"
    default = ""

    def check(self, value, where=""):
        if isinstance(value, bool) and self.pattern:
            raise Invalid(f"reads as {str(value).lower()}: YAML takes a bare NO, YES, ON or OFF for true/false; "
                          "write it in quotes ('NO')")
        if not isinstance(value, str):
            raise Invalid(f"must be text, not {kind_of(value)}")
        value = value.strip()
        if self.max_length is not None and len(value) > self.max_length:
            raise Invalid(f"is {len(value)} characters long; at most {self.max_length} fit")
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise Invalid(f"{value!r} is not a {self.what}")
        return value

    def describe(self, plural=False):
        what = plural_of(self.what) if plural else self.what
        if self.max_length is None:
            return what
        return f"{what}, {'each ' if plural else ''}at most {self.max_length} characters"


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None
    what: str = "whole number"
    default = None

    def check(self, value, where=""):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a {self.what}, not {kind_of(value)}")
        if self.minimum is not None and value < self.minimum:
            raise Invalid(f"must be at least {self.minimum}, not {value}")
        if self.maximum is not None and value > self.maximum:
            raise Invalid(f"must be at most {self.maximum}, not {value}")
        return value

    def describe(self, plural=False):
        return plural_of(self.what) if plural else self.what


@dataclass(frozen=True)
class Number:
    """A decimal number, exactly as printed: written in quotes so YAML does not round it."""

    default = None

    def check(self, value, where=""):
        if isinstance(value, float):
            raise Invalid(f"must be written in quotes ('{value}'), so that it is read exactly")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise Invalid(f"must be a number in quotes, not {kind_of(value)}")
        try:
            number = Decimal(str(value).replace(",", "").replace(" ", ""))
        except InvalidOperation:
            raise Invalid(f"{value!r} is not a number") from None
        if not number.is_finite():
            raise Invalid(f"{value!r} is not a number")
        return number

    def describe(self, plural=False):
        return f"number{'s' if plural else ''} in quotes (`'1234.5'`; `,` and spaces between thousands are dropped)"


@dataclass(frozen=True)
class Date:
    default = None

    def check(self, value, where=""):
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise Invalid(f"must be a date YYYY-MM-DD, not {kind_of(value)}")

    def describe(self, plural=False):
        return f"date{'s' if plural else ''} `YYYY-MM-DD`"


@dataclass(frozen=True)
class Boolean:
    default = False

    def check(self, value, where=""):
        if not isinstance(value, bool):
            raise Invalid(f"must be true or false, not {kind_of(value)}")
        return value

    def describe(self, plural=False):
        return "`true` or `false`"


@dataclass(frozen=True)
class Choice:
    """One value of a closed vocabulary; `blank` describes what leaving the key out means."""

    values: tuple
    blank: str = ""

    @property
    def default(self):
        return "" if self.blank else None

    def check(self, value, where=""):
        if value not in self.values or not isinstance(value, str):
            allowed = ", ".join(v for v in self.values if v)
            also = f" (or leave it out: {self.blank})" if self.blank else ""
            raise Invalid(f"{value!r} is not one of: {allowed}{also}")
        return value

    def describe(self, plural=False):
        text = "one of " + ", ".join(f"`{v}`" for v in self.values if v)
        if self.blank:
            text += f"; left out: {self.blank}"
        return text


def choice(choices, blank=""):
    """A Choice of a model's TextChoices (or a plain tuple of values)."""
    return Choice(tuple(getattr(choices, "values", choices)), blank)


@dataclass(frozen=True)
class Ref:
    """A reference to a record of another section or of the reference data, by its key.

    Whether that record exists is checked while loading (it may be in the database already).
    """

    kind: str
    key: object = Text()

    @property
    def default(self):
        return self.key.default

    def check(self, value, where=""):
        return self.key.check(value)

    def describe(self, plural=False):
        return plural_of(self.kind) if plural else self.kind


@dataclass(frozen=True)
class ListOf:
    item: object
    default = ()

    def check(self, value, where=""):
        if not isinstance(value, list):
            raise Invalid(f"must be a list, not {kind_of(value)}")
        checked = []
        for index, item in enumerate(value):
            try:
                checked.append(self.item.check(item, where))
            except Invalid as error:
                raise error.inside(f"[{index}]") from None
        if isinstance(self.item, Nested):
            self.item.record.refuse_repeats(checked)
        return checked

    def describe(self):
        return f"list of {self.item.describe(plural=True)}"


@dataclass(frozen=True)
class Nested:
    """A mapping with keys of its own (a Record)."""

    record: object
    default = None

    def check(self, value, where=""):
        return self.record.check_values(value, self.record.where_in(where, value))

    def describe(self, plural=False):
        return "mappings (below)" if plural else "mapping (below)"


def plural_of(phrase):
    """"country code (ISO 3166)" -> "country codes (ISO 3166)"."""
    head, space, rest = phrase.partition(" (")
    return f"{head}s{space}{rest}"


def text_of(model, field_name, **kwargs):
    """Text as long as `model.field_name` can hold."""
    return Text(max_length=model._meta.get_field(field_name).max_length, **kwargs)


def slug_of(model, field_name):
    return text_of(model, field_name, pattern=r"[-a-zA-Z0-9_]+", what="slug (letters, digits, `-` and `_`)")
