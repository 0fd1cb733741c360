from __future__ import annotations

from zones.models import Zone
from zones.postcode import postcode_district


def zone_for_postcode(postcode: str) -> Zone | None:
    """The zone covering a postcode or district, or None if no zone covers it."""
    district = postcode_district(postcode)
    return Zone.objects.filter(postcode_districts__code=district).first()
