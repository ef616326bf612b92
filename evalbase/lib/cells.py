"""Form fields for the cells of an imported file: text in, a value out, or a reason the person can act on.

Each is a django.forms.Field, so that an import's row form declares its columns as any form
declares its fields (label, help_text, required). Cells arrive stripped; an empty one is None, and
a required one that is empty says "A value is required.".
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

_GROUPED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class Cell(forms.Field):
    """A cell kept as its text; subclasses say in `parse` what the text means."""

    default_error_messages = {"required": "A value is required."}

    def clean(self, text):
        """Field.clean, shortened for cells: no widget, no validators beyond `parse`, one call a cell."""
        if not text:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        value = self.parse(text)
        if self.validators:
            self.run_validators(value)
        return value

    def parse(self, text):
        return text


class TextCell(Cell):
    def __init__(self, *, max_length, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    def parse(self, text):
        if len(text) > self.max_length:
            raise ValidationError(f"It is {len(text):,} characters long; at most {self.max_length:,}.")
        return text


class DecimalCell(Cell):
    """A number as typed or as a spreadsheet writes it: 1234.5, 1,234.50, 1.2e6. Not 1,5."""

    def __init__(self, *, negative_allowed=False, integer_digits=12, places=2, **kwargs):
        super().__init__(**kwargs)
        self.negative_allowed, self.integer_digits, self.places = negative_allowed, integer_digits, places

    def parse(self, text):
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if _GROUPED_THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"“{text}” is not a number.") from None
        if not number.is_finite():
            raise ValidationError(f"“{text}” is not a number.")
        if number < 0 and not self.negative_allowed:
            raise ValidationError(f"{text} is negative; amounts cannot be negative.")
        if abs(number) >= 10 ** self.integer_digits:
            raise ValidationError(f"{text} is too large: at most {self.integer_digits} digits before the decimal "
                                  "point.")
        rounded = number.quantize(Decimal(1).scaleb(-self.places))
        if rounded != number:
            raise ValidationError(f"{text} has more than {self.places} decimal places.")
        return rounded


class YearCell(DecimalCell):
    def __init__(self, **kwargs):
        super().__init__(integer_digits=4, places=0, **kwargs)

    def parse(self, text):
        try:
            year = super().parse(text)
        except ValidationError:
            raise ValidationError(f"“{text}” is not a year.") from None
        if not 1900 <= year <= 2100:
            raise ValidationError(f"{text} is not a year between 1900 and 2100.")
        return int(year)


class ChoiceCell(Cell):
    """A value of `choices` (a TextChoices class), given as its value or its label, in any case."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.values = {}
        for value, label in choices.choices:
            self.values.setdefault(str(label).casefold(), value)
            self.values[value.casefold()] = value
        self.listed = ", ".join(choices.values)

    def parse(self, text):
        value = self.values.get(text.casefold())
        if value is None:
            raise ValidationError(f"“{text}” is not one of: {self.listed}.")
        return value


class YesNoCell(Cell):
    def parse(self, text):
        answer = {"yes": True, "no": False}.get(text.casefold())
        if answer is None:
            raise ValidationError(f"“{text}” must be yes or no.")
        return answer


class CurrencyCell(Cell):
    def parse(self, text):
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            raise ValidationError(f"“{text}” is not a currency: use its three-letter code, e.g. USD.")
        return text.upper()


class LookupCell(Cell):
    """A record named by a key (a slug, a code), found in `records`.

    The importer sets `records` ({key: record}) on its own form's field once per import, so that no
    row asks the database. `key` turns the text into a key of the map (e.g. str.upper); `unknown`
    is the reason when no record has it, {} standing for the text.
    """

    def __init__(self, *, unknown, key=None, **kwargs):
        super().__init__(**kwargs)
        self.unknown, self.key, self.records = unknown, key, {}

    def parse(self, text):
        record = self.records.get(self.key(text) if self.key else text)
        if record is None:
            raise ValidationError(self.unknown.format(text))
        return record
