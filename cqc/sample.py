"""Write files in the layout of CQC's "care directory with ratings" (Locations sheet).

For tests, the demo and the parser benchmark. Names, IDs and postcodes are fictional;
the column headings, their order, the long format (one row per location x service group
x key question), the "Not Rated" overall row of multi-service locations, the dd/mm/yyyy
dates of the CSV form, "-" as the blank Brand marker and the extra sheets of the real
.ods (a notes sheet before "Locations", a "Providers" sheet after) follow CQC's file; see
`cqc.parse` for where that was confirmed.

A location is given as a dict; every key is optional:

    location_id, provider_id, location_name, provider_name, location_type, care_home,
    local_authority, postcode, brand_id, brand_name, inherited ("Y"/"N"),
    publication_date (date or a string written as it is),
    ratings:  {domain: rating} for the location's own "Overall" service group,
    services: {service group: {domain: rating}} for per-service ratings,
    rows:     [(service group, domain, rating, publication date)] written verbatim.

With none of ratings/services/rows, ratings are made up at random. With all of them
empty, one row with a blank group, domain, rating and date is written (a location with no
ratings yet).

    python -m cqc.sample OUT.csv --n-rows 60000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from cqc.parse import CQC_LOCATION_COLUMNS

DOMAINS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")

_AREAS = (
    # local authority, region, postcode areas, ONSPD/commissioning code, board name
    ("Lancashire", "North West", ("PR", "BB", "LA", "L"), "E38000227", "NHS Lancashire and South Cumbria ICB"),
    ("Blackpool", "North West", ("FY",), "E38000227", "NHS Lancashire and South Cumbria ICB"),
    ("Blackburn with Darwen", "North West", ("BB",), "E38000227", "NHS Lancashire and South Cumbria ICB"),
    ("Cumberland", "North West", ("CA",), "E38000215", "NHS North East and North Cumbria ICB"),
    ("Norfolk", "East", ("NR", "PE"), "E38000239", "NHS Norfolk and Waveney ICB"),
    ("Leeds", "Yorkshire and The Humber", ("LS",), "E38000225", "NHS West Yorkshire ICB"),
)
_TOWNS = ("Preston", "Lancaster", "Burnley", "Chorley", "Blackpool", "Darwen", "Carlisle", "Norwich", "Leeds")
_STREETS = ("Mill Lane", "Church Street", "Victoria Road", "Station Road", "Park View", "Moor Lane", "King Street")
_FIRST = (
    "Brookside",
    "Fernlea",
    "Harbour View",
    "Meadowbank",
    "Oakridge",
    "Pennine",
    "Riverside",
    "Willowgate",
    "Larkfield",
    "Hollins",
    "Ashcombe",
    "Bramblewood",
    "Calder",
    "Ribblesdale",
    "Wyre",
)
_SECOND = ("Homecare", "Care at Home", "Home Support", "Domiciliary Care", "Care Services", "Reablement Team")
_SERVICES = ("Homecare agencies", "Supported living service")
_OVERALL_WEIGHTS = (("Good", 74), ("Requires improvement", 14), ("Outstanding", 5), ("Inadequate", 2), ("Not Rated", 5))

Fmt = Literal["csv", "xlsx", "ods"]
# The four per-rating columns are adjacent in CQC's layout.
_GROUP_AT = CQC_LOCATION_COLUMNS.index("Service / Population Group")
_DATE_AT = CQC_LOCATION_COLUMNS.index("Publication Date")
assert CQC_LOCATION_COLUMNS[_GROUP_AT : _DATE_AT + 1] == (
    "Service / Population Group",
    "Domain",
    "Latest Rating",
    "Publication Date",
)


def _postcode(rng: random.Random, areas: Sequence[str]) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.choice(areas)}{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def _domain_ratings(rng: random.Random, overall: str) -> dict[str, str]:
    ratings = {"Overall": overall}
    for domain in DOMAINS[1:]:
        if overall == "Not Rated":
            ratings[domain] = "Not Rated"
        elif overall == "Inadequate":
            ratings[domain] = rng.choice(("Inadequate", "Requires improvement", "Inadequate"))
        elif overall == "Requires improvement":
            ratings[domain] = rng.choice(("Requires improvement", "Good", "Requires improvement", "Inadequate"))
        else:
            ratings[domain] = rng.choice((overall, overall, "Good", "Good", "Requires improvement"))
    return ratings


def random_location(rng: random.Random, number: int) -> dict[str, Any]:
    """A plausible, fictional homecare location; one in five is multi-service."""
    authority, region, areas, ccg_code, ccg_name = rng.choice(_AREAS)
    provider_number = 100_000_000 + number // 3  # providers run a few locations each
    first = _FIRST[provider_number % len(_FIRST)]
    location = {
        "location_id": f"1-{2_000_000_000 + number}",
        "provider_id": f"1-{provider_number}",
        "location_name": f"{first} {rng.choice(_SECOND)} - {rng.choice(_TOWNS)}",
        "provider_name": f"{first} Care Ltd",
        "local_authority": authority,
        "region": region,
        "postcode": _postcode(rng, areas),
        "ccg_code": ccg_code,
        "ccg_name": ccg_name,
        "publication_date": date(2017, 1, 1) + timedelta(days=rng.randrange(3200)),
    }
    if number % 5 == 4:
        # Several service types: the location-level row is "Not Rated" (CQC's new approach).
        location["ratings"] = {"Overall": "Not Rated"}
        location["services"] = {
            service: _domain_ratings(rng, _weighted(rng, _OVERALL_WEIGHTS[:4])) for service in _SERVICES
        }
    else:
        location["ratings"] = _domain_ratings(rng, _weighted(rng, _OVERALL_WEIGHTS))
    return location


def _rows_for(location: dict[str, Any], rng: random.Random, number: int) -> list[list[Any]]:
    authority, region, areas, ccg_code, ccg_name = _AREAS[number % len(_AREAS)]
    location_id = location.get("location_id", f"1-{3_000_000_000 + number}")
    published = location.get("publication_date", date(2024, 3, 1))
    base = {
        "Location ID": location_id,
        "Location ODS Code": location.get("ods_code", ""),
        "Location Name": location.get("location_name", f"Location {number}"),
        "Care Home?": location.get("care_home", "N"),
        "Location Type": location.get("location_type", "Social Care Org"),
        "Location Primary Inspection Category": location.get(
            "inspection_category", "Community based adult social care services"
        ),
        "Location Street Address": location.get("street", f"{rng.randint(1, 240)} {rng.choice(_STREETS)}"),
        "Location Address Line 2": location.get("address_line_2", ""),
        "Location City": location.get("city", rng.choice(_TOWNS)),
        "Location Post Code": location.get("postcode", _postcode(rng, areas)),
        "Location Local Authority": location.get("local_authority", authority),
        "Location Region": location.get("region", region),
        "Location NHS Region": location.get("nhs_region", "North West"),
        "Location ONSPD CCG Code": location.get("ccg_code", ccg_code),
        "Location ONSPD CCG": location.get("ccg_name", ccg_name),
        "Location Commissioning CCG Code": location.get("ccg_code", ccg_code),
        "Location Commissioning CCG Name": location.get("ccg_name", ccg_name),
        "Report Type": "Location",
        "Inherited Rating (Y/N)": location.get("inherited", "N"),
        "URL": location.get("url", f"https://www.cqc.org.uk/location/{location_id}"),
        "Provider ID": location.get("provider_id", f"1-{400_000_000 + number}"),
        "Provider Name": location.get("provider_name", f"Provider {number} Ltd"),
        "Brand ID": location.get("brand_id", "-"),
        "Brand Name": location.get("brand_name", "-"),
    }
    entries: list[tuple[str, str, str, Any]] = []
    for domain, rating in location.get("ratings", {}).items():
        entries.append(("Overall", domain, rating, published))
    for service, ratings in location.get("services", {}).items():
        for domain, rating in ratings.items():
            entries.append((service, domain, rating, published))
    entries.extend(location.get("rows", []))
    if not entries:
        entries.append(("", "", "", ""))
    template = [base.get(c, "") for c in CQC_LOCATION_COLUMNS]
    rows = []
    for entry in entries:
        row = template.copy()
        row[_GROUP_AT : _DATE_AT + 1] = entry
        rows.append(row)
    return rows


def build_rows(
    locations: Iterable[dict[str, Any]] | None = None,
    n_locations: int | None = None,
    seed: int = 0,
    n_rows: int | None = None,
) -> list[list[Any]]:
    """Rows (lists in CQC column order) for the given and/or random locations."""
    rng = random.Random(seed)
    given = list(locations or [])
    rows: list[list[Any]] = []
    for number, location in enumerate(given):
        if not ({"ratings", "services", "rows"} & location.keys()):
            location = {**random_location(rng, number), **location}
        rows.extend(_rows_for(location, rng, number))
    count = n_locations if n_locations is not None else (0 if given or n_rows else 12)
    number = len(given)
    while count > 0 or (n_rows is not None and len(rows) < n_rows):
        rows.extend(_rows_for(random_location(rng, number), rng, number))
        number += 1
        count -= 1
    if n_rows is not None:
        rows = rows[:n_rows]
    return rows


def write_sample(
    path: str | os.PathLike[str],
    locations: list[dict[str, Any]] | None = None,
    n_locations: int | None = None,
    fmt: Fmt = "csv",
    seed: int = 0,
    *,
    n_rows: int | None = None,
    title_rows: Sequence[str] = (),
    encoding: str = "utf-8",
    extra_sheets: bool = True,
    sheet_name: str = "Locations",
) -> int:
    """Write a CQC-layout file and return the number of data rows written.

    `locations` are written first, then `n_locations` random ones (12 when neither is
    given); `n_rows` tops up with random locations and cuts to exactly that many rows.
    `title_rows` go above the header, as in CQC's files with notes. Spreadsheets get the
    real file's notes and Providers sheets unless `extra_sheets` is false; their dates are
    date cells, the CSV's are dd/mm/yyyy text.
    """
    rows = build_rows(locations, n_locations, seed, n_rows)
    if fmt == "csv":
        shown: dict[date, str] = {}
        for row in rows:
            when = row[_DATE_AT]
            if isinstance(when, date):
                row[_DATE_AT] = shown.get(when) or shown.setdefault(when, when.strftime("%d/%m/%Y"))
        with open(path, "w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerows([t] for t in title_rows)
            writer.writerow(CQC_LOCATION_COLUMNS)
            writer.writerows(rows)
        return len(rows)
    if fmt not in ("xlsx", "ods"):
        raise ValueError(f"fmt must be 'csv', 'xlsx' or 'ods', not {fmt!r}")
    width = len(CQC_LOCATION_COLUMNS)
    grid = [[t] + [None] * (width - 1) for t in title_rows]
    grid.append(list(CQC_LOCATION_COLUMNS))
    grid.extend(rows)
    locations_sheet = pd.DataFrame(grid)
    engine = "openpyxl" if fmt == "xlsx" else "odf"
    with pd.ExcelWriter(path, engine=engine) as writer:
        if extra_sheets:
            pd.DataFrame(
                [
                    ["Care directory with ratings (sample, fictional data)"],
                    ["Locations: one row per location, service / population group and key question."],
                    ["Providers: provider-level ratings."],
                ]
            ).to_excel(writer, sheet_name="Notes", header=False, index=False)
        locations_sheet.to_excel(writer, sheet_name=sheet_name, header=False, index=False)
        if extra_sheets:
            providers = sorted({(r[24], r[25]) for r in rows})
            pd.DataFrame(
                [[pid, name, "Overall", "Overall", "Good"] for pid, name in providers],
                columns=["Provider ID", "Provider Name", "Service / Population Group", "Domain", "Latest Rating"],
            ).to_excel(writer, sheet_name="Providers", index=False)
    return len(rows)


# The named scenario used by tests and the demo: one location per case the gate must handle.
SCENARIO_PUBLISHED = date(2024, 11, 14)
SCENARIO_LOCATIONS: list[dict[str, Any]] = [
    {
        "location_id": "1-900000001",
        "provider_id": "1-800000001",
        "location_name": "Brookside Homecare - Preston",
        "provider_name": "Brookside Care Ltd",
        "local_authority": "Lancashire",
        "postcode": "PR1 2QE",
        "publication_date": SCENARIO_PUBLISHED,
        "ratings": dict.fromkeys(DOMAINS, "Good"),
    },
    {
        # Overall Requires improvement, but Safe is Inadequate: excluded.
        "location_id": "1-900000002",
        "provider_id": "1-800000001",
        "location_name": "Brookside Homecare - Chorley",
        "provider_name": "Brookside Care Ltd",
        "local_authority": "Lancashire",
        "postcode": "PR7 1DP",
        "publication_date": date(2023, 5, 2),
        "ratings": {**dict.fromkeys(DOMAINS, "Requires improvement"), "Safe": "Inadequate"},
    },
    {
        # Homecare with supported living: no location-level rating, Inadequate in one service.
        "location_id": "1-900000003",
        "provider_id": "1-800000002",
        "location_name": "Fernlea Home Support",
        "provider_name": "Fernlea Support Ltd",
        "local_authority": "Blackpool",
        "postcode": "FY1 4HN",
        "publication_date": date(2025, 6, 20),
        "ratings": {"Overall": "Not Rated"},
        "services": {
            "Homecare agencies": dict.fromkeys(DOMAINS, "Good"),
            "Supported living service": {**dict.fromkeys(DOMAINS, "Requires improvement"), "Well-led": "Inadequate"},
        },
    },
    {
        # Registered but not yet rated.
        "location_id": "1-900000004",
        "provider_id": "1-800000003",
        "location_name": "Meadowbank Care at Home",
        "provider_name": "Meadowbank Homecare Ltd",
        "local_authority": "Lancashire",
        "postcode": "LA1 1XY",
        "publication_date": "",
        "ratings": {"Overall": "Not Rated"},
    },
    {
        "location_id": "1-900000005",
        "provider_id": "1-800000003",
        "location_name": "Meadowbank Care at Home - Burnley",
        "provider_name": "Meadowbank Homecare Ltd",
        "local_authority": "Lancashire",
        "postcode": "BB11 2DL",
        "publication_date": date(2022, 9, 8),
        "ratings": {**dict.fromkeys(DOMAINS, "Outstanding"), "Safe": "Good"},
    },
    {
        # Multi-service, all Good in both services: eligible despite "Not Rated" overall.
        "location_id": "1-900000006",
        "provider_id": "1-800000004",
        "location_name": "Riverside Domiciliary Care",
        "provider_name": "Riverside Community Care Ltd",
        "local_authority": "Blackburn with Darwen",
        "postcode": "BB2 1AA",
        "publication_date": date(2025, 2, 3),
        "ratings": {"Overall": "Not Rated"},
        "services": {s: dict.fromkeys(DOMAINS, "Good") for s in _SERVICES},
    },
    {
        # In the directory with no rating rows at all.
        "location_id": "1-900000007",
        "provider_id": "1-800000004",
        "location_name": "Riverside Reablement Team",
        "provider_name": "Riverside Community Care Ltd",
        "local_authority": "Blackburn with Darwen",
        "postcode": "BB1 5PF",
        "ratings": {},
    },
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--fmt", choices=("csv", "xlsx", "ods"))
    parser.add_argument("--n-locations", type=int)
    parser.add_argument("--n-rows", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", action="store_true", help="start with the named test scenario")
    args = parser.parse_args(argv)
    fmt = args.fmt or os.path.splitext(args.path)[1].lstrip(".").lower() or "csv"
    count = write_sample(
        args.path,
        SCENARIO_LOCATIONS if args.scenario else None,
        args.n_locations,
        fmt,  # type: ignore[arg-type]
        args.seed,
        n_rows=args.n_rows,
    )
    print(f"wrote {count} rows to {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
