"""Template filters for PDF reports: `{% load report_format %}` (the functions live in reports.formatting)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from reports import formatting
from reports.context import per_billed_hour, per_contact_hour

register = template.Library()

register.filter("gbp", formatting.gbp)
register.filter("signed_gbp", formatting.signed_gbp)
register.filter("score", formatting.score)
register.filter("weight", formatting.weight)
register.filter("hours", formatting.hours)
register.filter("uk_datetime", formatting.uk_datetime)
register.filter("short_datetime", formatting.short_datetime)
register.filter("uk_date", formatting.uk_date)
register.filter("short_date", formatting.short_date)
register.filter("ordinal", formatting.ordinal)


@register.filter
def percent(value: Decimal | None) -> str:
    return formatting.percent(value)


@register.filter
def signed_percent(value: Decimal | None) -> str:
    return formatting.percent(value, signed=True)


@register.filter
def to_contact_hour(value: Decimal | None, contact_minutes: int) -> Decimal | None:
    """A price per billed hour re-expressed per contact hour."""
    return None if value is None else per_contact_hour(value, int(contact_minutes))


@register.filter
def to_billed_hour(value: Decimal | None, contact_minutes: int) -> Decimal | None:
    """A price per contact hour re-expressed per billed hour with `contact_minutes` of contact."""
    return None if value is None else per_billed_hour(value, int(contact_minutes))


@register.filter
def isoformat(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()
