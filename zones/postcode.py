"""Postcode parsing (pure): a full postcode or district to its outward code."""
from __future__ import annotations

import re

_OUTWARD = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)$")
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})$")


def postcode_district(value: str) -> str:
    """Return the district (outward code) of 'PR1 8XJ', 'pr18xj' or 'PR1'.

    Raises ValueError for text that is not a UK postcode or district.
    """
    text = re.sub(r"\s+", " ", (value or "").strip().upper())
    compact = text.replace(" ", "")
    full = _FULL.match(compact)
    if full:
        return full.group(1)
    outward = _OUTWARD.match(compact)
    if outward:
        return outward.group(1)
    raise ValueError(f"{value!r} is not a UK postcode or postcode district")
