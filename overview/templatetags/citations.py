"""`record_anchor`: where a transcribed record sits on its source document's page."""

from django import template

from overview.documents import record_anchor as anchor_of

register = template.Library()


@register.filter
def record_anchor(record):
    return anchor_of(record)
