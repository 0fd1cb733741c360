"""CQC ratings for the six fictional demo providers, loaded through the real import path.

One location each (the evaluation demo names exactly these location IDs on its bids):
Bowland all Good; Morecambe Outstanding; Pendle Good with Effective Requires improvement;
Fylde Good; Red Rose Requires improvement with Safe Inadequate (so the demo shows a CQC
exclusion); Dockside registered but not yet rated.
"""
from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from cqc.models import CQCImport, ImportStatus
from cqc.sample import DOMAINS, write_sample
from cqc.services import cqc_import_file

DEMO_FILENAME = "01_December_2016_Latest_ratings_demo.csv"
GOOD = dict.fromkeys(DOMAINS, "Good")

# slug -> (location ID, location name, postcode, publication date, ratings by domain)
DEMO_LOCATIONS: dict[str, tuple[str, str, str, date | str, dict[str, str]]] = {
    "bowland": ("1-991000001", "Bowland Fells Home Support - Clitheroe", "BB7 2DP", date(2016, 3, 10), GOOD),
    "morecambe": ("1-991000002", "Morecambe Bay Care Co-operative - Lancaster", "LA1 1HP", date(2016, 6, 22), {
        "Overall": "Outstanding", "Safe": "Good", "Effective": "Outstanding", "Caring": "Outstanding",
        "Responsive": "Outstanding", "Well-led": "Good",
    }),
    "pendle": ("1-991000003", "Pendle Hill Reablement Services - Nelson", "BB9 7SR", date(2016, 9, 5),
               {**GOOD, "Effective": "Requires improvement"}),
    "fylde": ("1-991000004", "Fylde Coast Companions - Lytham", "FY8 5LB", date(2016, 1, 28), GOOD),
    "redrose": ("1-991000005", "Red Rose Domiciliary Care - Preston", "PR1 2HE", date(2016, 11, 3), {
        "Overall": "Requires improvement", "Safe": "Inadequate", "Effective": "Requires improvement",
        "Caring": "Good", "Responsive": "Good", "Well-led": "Requires improvement",
    }),
    "dockside": ("1-991000006", "Dockside Care Partners - Ormskirk", "L39 2AZ", "", {}),
}


def demo_locations() -> list[dict[str, Any]]:
    """The six demo locations in cqc.sample's format."""
    from demo.lancashire import PROVIDERS  # demo.lancashire calls load_demo_cqc

    locations = []
    for spec in PROVIDERS:
        location_id, name, postcode, published, ratings = DEMO_LOCATIONS[spec.slug]
        locations.append({
            "location_id": location_id,
            "provider_id": spec.cqc_provider_id,
            "location_name": name,
            "provider_name": spec.name,
            "local_authority": "Lancashire",
            "region": "North West",
            "postcode": postcode,
            "city": name.rsplit(" - ", 1)[-1],
            "street": "1 Demo Street",
            "publication_date": published,
            "ratings": ratings,
        })
    return locations


def load_demo_cqc() -> CQCImport:
    """Write the demo ratings file and import it; a second call finds the same file already imported."""
    with tempfile.TemporaryDirectory(prefix="cqc-demo-") as directory:
        path = Path(directory) / DEMO_FILENAME
        write_sample(path, demo_locations(), fmt="csv")
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        done = CQCImport.objects.filter(sha256=sha256, status=ImportStatus.DONE).order_by("-pk").first()
        if done is not None:
            return done
        return cqc_import_file(path_or_file=path, filename=DEMO_FILENAME, user=None)
