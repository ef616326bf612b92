"""{{ value|plain }}: a Decimal as printed, without trailing zeros or an exponent (40.0000 -> 40)."""

from django import template

from evalbase.lib.scales import plain as plain_decimal

register = template.Library()


@register.filter
def plain(value):
    return "" if value is None else plain_decimal(value)
