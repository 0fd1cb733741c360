"""Files in CQC's real layout for the import tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from cqc.sample import DOMAINS, SCENARIO_LOCATIONS, write_sample

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cqc"
SCENARIO_IDS = sorted(loc["location_id"] for loc in SCENARIO_LOCATIONS)


@pytest.fixture
def ratings_file(tmp_path):
    """Write a CQC-layout file (the named scenario by default) and return its path."""

    def write(locations=None, fmt="csv", name="ratings", **kwargs) -> Path:
        path = tmp_path / f"{name}.{fmt}"
        write_sample(path, SCENARIO_LOCATIONS if locations is None else locations, fmt=fmt, **kwargs)
        return path

    return write


def location(location_id: str, provider_id: str = "1-600000001", **extra) -> dict:
    return {
        "location_id": location_id,
        "provider_id": provider_id,
        "location_name": f"Hollins Homecare {location_id}",
        "provider_name": "Hollins Care Ltd",
        "local_authority": "Lancashire",
        "postcode": "PR1 1AA",
        "ratings": dict.fromkeys(DOMAINS, "Good"),
        **extra,
    }
