from __future__ import annotations

from django import template

register = template.Library()

_TAG_CLASSES = {
    "outstanding": "govuk-tag--turquoise",
    "good": "govuk-tag--green",
    "requires improvement": "govuk-tag--yellow",
    "inadequate": "govuk-tag--red",
}


@register.filter
def rating_tag_class(rating: str | None) -> str:
    """GOV.UK tag colour for a CQC rating; grey for Not Rated, Not applicable or none."""
    return _TAG_CLASSES.get(str(rating or "").strip().casefold(), "govuk-tag--grey")


@register.filter
def status_tag_class(status: str) -> str:
    return {"done": "govuk-tag--green", "failed": "govuk-tag--red", "running": "govuk-tag--blue"}.get(
        status, "govuk-tag--grey"
    )
