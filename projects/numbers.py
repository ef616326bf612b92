"""Project numbers: UNIDO prints the same number as `USIND01193` and `US/IND/01/193`."""

import re

_SEPARATORS = re.compile(r"[\s/\-.]+")


def normalise_project_number(printed):
    """The canonical form: upper case, separators removed. `US/IND/01/193` -> `USIND01193`."""
    return _SEPARATORS.sub("", printed or "").upper()


def display_project_number(number):
    """UNIDO's slashed form for a ten-character number: `USIND01193` -> `US/IND/01/193`.

    Numbers of any other shape are shown as stored.
    """
    if len(number) == 10 and number[:5].isalpha():
        return f"{number[:2]}/{number[2:5]}/{number[5:7]}/{number[7:]}"
    return number
