"""Putting ratings from different scales on one common scale (0 = worst, 100 = best)."""

from decimal import Decimal


def normalise(value, *, minimum, maximum, best_is_high):
    """Linear map of `value` on [minimum, maximum] to 0-100 with 100 the best end.

    SECO's 1-4 scale (1 = highly satisfactory) gives 1 -> 100, 4 -> 0; UNIDO's 1-4 scale
    (4 = highly satisfactory) gives 4 -> 100, 1 -> 0. Returns None for no value.
    """
    if value is None:
        return None
    span = Decimal(maximum) - Decimal(minimum)
    position = (Decimal(value) - Decimal(minimum)) / span
    if not best_is_high:
        position = 1 - position
    return (position * 100).quantize(Decimal("0.1"))


def plain(value):
    """A Decimal as printed, without trailing zeros: Decimal("2.50") -> "2.5"."""
    return format(Decimal(value).normalize(), "f")
