"""CQC "care directory with ratings" import (the exclusion gate is in cqc/gate.py).

Pure module: pandas and the standard library only, no Django. Services call
`parse_ratings_file` on an uploaded file and store the records; evaluation calls
`cqc.gate.assess_bidder` for each bid.

The file's layout (confirmed against the September 2026 release, `01_September_2026_Latest_ratings.ods`:
sheet "Locations", header on row 1, 323,673 data rows, these 28 headings in this order):

    Location ID, Location ODS Code, Location Name, Care Home?, Location Type,
    Location Primary Inspection Category, Location Street Address, Location Address Line 2,
    Location City, Location Post Code, Location Local Authority, Location Region,
    Location NHS Region, Location ONSPD CCG Code, Location ONSPD CCG,
    Location Commissioning CCG Code, Location Commissioning CCG Name,
    Service / Population Group, Domain, Latest Rating, Publication Date, Report Type,
    Inherited Rating (Y/N), URL, Provider ID, Provider Name, Brand ID, Brand Name

It is long format: one row per location x service/population group x key question
("Domain": Overall, Safe, Effective, Caring, Responsive, Well-led). The location's own
rating is the row whose group and domain are both "Overall". Since CQC's new assessment
approach, a location providing more than one type of service (typically homecare with
supported living) shows "Not Rated" on that row and carries its ratings per service, so
the exclusion gate reads every row of a location, never just the overall one. CQC's other
directory files put title and notes rows above the header, so the header row is found by
looking for "Location ID" rather than assumed to be the first row. "-" is CQC's blank
marker in Brand ID / Brand Name (not used here).

Choices made here (documented so a commissioner can follow them):
- Only the columns this module uses are required; the other headings may be missing or
  renamed (CCG columns may well become ICB ones) without failing the import.
- Text files: UTF-8 (with or without BOM) first, then Windows-1252 (Excel's "CSV" on
  Windows), then UTF-16 when the file starts with its byte-order mark. Anything else is a
  `CQCFileError`. Comma, tab or semicolon separated.
- Spreadsheets: .xlsx and .ods, detected from the content, not the file name. Old binary
  .xls is refused with a message saying how to convert it. The sheet is the one whose name
  contains "location" (case-insensitive; an exact "Locations" wins).
- `python-calamine` is used to read spreadsheets when installed (the real .ods has ~320k
  rows, which odfpy reads far too slowly); otherwise pandas' odf / openpyxl engines.
- A bad row (no Location ID, no Provider ID, unknown rating word, unreadable date, a rating
  with no group or domain, a Provider ID that disagrees with the location's earlier rows)
  is listed in `ParseResult.rejected` with its row number and reason; it never raises.
  Row numbers are as a spreadsheet program or text editor shows them (1-based, header
  included).
- A row whose group, domain, rating and date are all blank is a location with no ratings:
  the location is kept with no rating rows (so it counts as not yet rated).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, NamedTuple

import numpy as np
import pandas as pd

# The exclusion gate lives in cqc/gate.py; its names stay importable from here.
from cqc.gate import (  # noqa: F401
    INADEQUATE,
    OVERALL,
    RATED_VALUES,
    UNRATED_POLICIES,
    Assessment,
    Evidence,
    Outcome,
    RatedLocation,
    Scope,
    UnratedPolicy,
    assess_bidder,
    assess_locations,
    has_inadequate,
    is_unrated,
)

try:  # Optional fast reader for .ods/.xlsx; see module docstring.
    import python_calamine  # noqa: F401

    _HAS_CALAMINE = True
except ImportError:  # pragma: no cover - depends on the environment
    _HAS_CALAMINE = False


# --- Layout -------------------------------------------------------------------------------

CQC_LOCATION_COLUMNS: tuple[str, ...] = (
    "Location ID",
    "Location ODS Code",
    "Location Name",
    "Care Home?",
    "Location Type",
    "Location Primary Inspection Category",
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location Post Code",
    "Location Local Authority",
    "Location Region",
    "Location NHS Region",
    "Location ONSPD CCG Code",
    "Location ONSPD CCG",
    "Location Commissioning CCG Code",
    "Location Commissioning CCG Name",
    "Service / Population Group",
    "Domain",
    "Latest Rating",
    "Publication Date",
    "Report Type",
    "Inherited Rating (Y/N)",
    "URL",
    "Provider ID",
    "Provider Name",
    "Brand ID",
    "Brand Name",
)

# heading -> internal name. Required ones make the file unusable when absent.
_REQUIRED = {
    "Location ID": "location_id",
    "Location Name": "location_name",
    "Service / Population Group": "service_group",
    "Domain": "domain",
    "Latest Rating": "rating",
    "Publication Date": "publication_date",
    "Provider ID": "provider_id",
    "Provider Name": "provider_name",
}
_OPTIONAL = {
    "Location Type": "location_type",
    "Location Local Authority": "local_authority",
    "Location Post Code": "postcode",
    "URL": "url",
}
# Spellings seen in CQC's other directory files.
_ALIASES = {
    "location postal code": "Location Post Code",
    "location url": "URL",
}

UNRATED_VALUES: tuple[str, ...] = ("Not Rated", "Not applicable", "Insufficient evidence to rate")
_RATING_CANON = {v.casefold(): v for v in RATED_VALUES + UNRATED_VALUES}
_RATING_CANON.update({"not applicable.": "Not applicable", "n/a": "Not applicable"})

KEY_QUESTIONS: tuple[str, ...] = ("safe", "effective", "caring", "responsive", "well_led")
_DOMAIN_CANON = {
    "overall": "Overall",
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well-led": "Well-led",
    "well led": "Well-led",
    "wellled": "Well-led",
}
_DOMAIN_KEY = {
    "Safe": "safe",
    "Effective": "effective",
    "Caring": "caring",
    "Responsive": "responsive",
    "Well-led": "well_led",
}

_HEADER_SEARCH_ROWS = 100
_BINARY_SNIFF_CHARS = 1 << 16  # control characters here mean binary data, not CSV
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- Results -------------------------------------------------------------------------------


class CQCFileError(ValueError):
    """The file cannot be read as CQC ratings data; the message says why."""


class ServiceRating(NamedTuple):
    service_group: str
    domain: str
    rating: str | None
    publication_date: date | None


@dataclass(frozen=True)
class LocationRecord:
    location_id: str
    provider_id: str
    location_name: str
    provider_name: str
    location_type: str
    service_types: tuple[str, ...]
    local_authority: str
    postcode: str
    overall_rating: str | None
    key_question_ratings: dict[str, str | None]
    service_ratings: tuple[ServiceRating, ...]
    publication_date: date | None
    url: str


@dataclass(frozen=True)
class RejectedRow:
    row_number: int
    reason: str


@dataclass
class ParseResult:
    locations: list[LocationRecord]
    rejected: list[RejectedRow]
    sheet_name: str | None = None
    header_row: int = 1
    rows_read: int = 0

    def by_id(self) -> dict[str, LocationRecord]:
        return {loc.location_id: loc for loc in self.locations}


# --- Reading the file ---------------------------------------------------------------------


def parse_ratings_file(
    path_or_filelike: str | os.PathLike[str] | IO[bytes] | IO[str] | bytes,
    filename: str | None = None,
) -> ParseResult:
    """Parse a CQC ratings file (.ods, .xlsx or .csv); raises CQCFileError if unusable."""
    data, name = _read_input(path_or_filelike, filename)
    label = f"'{name}'" if name else "the file"
    if isinstance(data, str):
        frame, header_row, sheet = _read_csv_text(data, label)
    else:
        if not data or (not data[:4096].strip() and not data.strip()):
            raise CQCFileError(f"{label} is empty")
        kind = _sniff_binary(data, label)
        if kind == "text":
            frame, header_row, sheet = _read_csv_text(_decode_text(data, label), label)
        else:
            frame, header_row, sheet = _read_spreadsheet(data, kind, label)
    return _build(frame, header_row, sheet, label)


def _read_input(src: object, filename: str | None) -> tuple[bytes | str, str | None]:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src), filename
    if isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        try:
            with open(path, "rb") as fh:
                return fh.read(), filename or os.path.basename(path)
        except FileNotFoundError:
            raise CQCFileError(f"file not found: {path}") from None
    read = getattr(src, "read", None)
    if read is None:
        raise TypeError("expected a path, bytes or a file object")
    if hasattr(src, "seek"):
        try:
            src.seek(0)  # type: ignore[attr-defined]
        except (OSError, ValueError):
            pass
    data = read()
    name = filename or getattr(src, "name", None)
    return data, (os.path.basename(str(name)) if name else None)


def _sniff_binary(data: bytes, label: str) -> str:
    """'ods', 'xlsx' or 'text', from the bytes themselves."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "mimetype" in names:
                    mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                        return "ods"
                    raise CQCFileError(f"{label} is an OpenDocument file of type {mimetype!r}, not a spreadsheet")
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            raise CQCFileError(f"{label} looks like a damaged .xlsx/.ods (bad ZIP data)") from None
        raise CQCFileError(f"{label} is a ZIP archive but not an .xlsx or .ods spreadsheet")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CQCFileError(
            f"{label} is an old binary Excel (.xls) file, which is not supported: save it as .xlsx, .ods or .csv"
        )
    if data.startswith(b"%PDF"):
        raise CQCFileError(f"{label} is a PDF, not a spreadsheet or CSV file")
    return "text"


def _decode_text(data: bytes, label: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_CHARS.search(text, 0, _BINARY_SNIFF_CHARS):
            break  # decodes, but binary: fall through to the error below
        return text
    raise CQCFileError(
        f"{label} is not a spreadsheet and not readable as CSV text: "
        "it is neither UTF-8 nor Windows-1252 text (wrong encoding or binary data); "
        "upload CQC's .ods file, or save it as .xlsx or UTF-8 .csv"
    )


def _missing_message(missing: Sequence[str], label: str, where: str) -> str:
    return f"{label} is missing columns: {', '.join(missing)} ({where})"


def _find_header_line(text: str) -> tuple[int, int, str] | None:
    """(line index, character offset, delimiter) of the line holding 'Location ID'."""
    offset = 0
    for index, line in enumerate(text.split("\n")[:_HEADER_SEARCH_ROWS]):
        for delimiter in (",", "\t", ";"):
            if delimiter not in line and "location id" not in line.strip().casefold():
                continue
            cells = next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])
            if any(c.strip().casefold() == "location id" for c in cells):
                return index, offset, delimiter
        offset += len(line) + 1
    return None


def _read_csv_text(text: str, label: str) -> tuple[pd.DataFrame, int, str | None]:
    if not text.strip():
        raise CQCFileError(f"{label} is empty")
    found = _find_header_line(text)
    if found is None:
        raise CQCFileError(
            _missing_message(
                list(_REQUIRED), label, f"no header row with 'Location ID' in its first {_HEADER_SEARCH_ROWS} rows"
            )
        )
    line_index, offset, delimiter = found
    try:
        frame = pd.read_csv(
            io.StringIO(text[offset:]),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            usecols=_is_wanted_heading,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise CQCFileError(f"{label} is not a well-formed CSV file: {exc}") from None
    # Data row i is on line header+2+i (1-based), assuming no line breaks inside quoted cells.
    frame.index = np.arange(len(frame)) + line_index + 2
    return frame, line_index + 1, None


def _pick_locations_sheet(names: Sequence[str], label: str) -> str:
    exact = [n for n in names if str(n).strip().casefold() == "locations"]
    if exact:
        return exact[0]
    candidates = [n for n in names if "location" in str(n).casefold()]
    if candidates:
        return candidates[0]
    shown = ", ".join(repr(str(n)) for n in names)
    raise CQCFileError(f"{label} has no Locations sheet (sheets found: {shown})")


def _sheet_rows(data: bytes, kind: str, label: str) -> tuple[str, list[list[object]]]:
    """(sheet name, its rows as lists of cell values) for the Locations sheet."""
    if _HAS_CALAMINE:
        # Straight from calamine: pandas' per-cell conversion of all 28 columns costs more
        # than reading the file.
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = _pick_locations_sheet(book.sheet_names, label)
        return sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    engine = "odf" if kind == "ods" else "openpyxl"
    with pd.ExcelFile(io.BytesIO(data), engine=engine) as book:
        sheet = _pick_locations_sheet(book.sheet_names, label)
        raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    return sheet, raw.to_numpy(dtype=object).tolist()


def _read_spreadsheet(data: bytes, kind: str, label: str) -> tuple[pd.DataFrame, int, str]:
    try:
        sheet, rows = _sheet_rows(data, kind, label)
    except CQCFileError:
        raise
    except Exception as exc:  # the engines raise many types for damaged files
        raise CQCFileError(f"{label} could not be read as an .{kind} spreadsheet: {exc}") from None
    header_pos = next(
        (i for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]) if any(map(_is_location_id_heading, row))), None
    )
    if header_pos is None:
        where = (
            "is empty" if not rows else f"has no header row with 'Location ID' in its first {_HEADER_SEARCH_ROWS} rows"
        )
        raise CQCFileError(_missing_message(list(_REQUIRED), label, f"sheet {sheet!r} {where}"))
    headings = rows[header_pos]
    wanted = [j for j, h in enumerate(headings) if not _blank(h) and _is_wanted_heading(h)]
    body = rows[header_pos + 1 :]
    names = _dedupe([str(headings[j]) for j in wanted])
    frame = pd.DataFrame(
        {name: [row[j] if j < len(row) else None for row in body] for name, j in zip(names, wanted, strict=True)},
        dtype=object,
    )
    frame.index = np.arange(len(body)) + header_pos + 2  # spreadsheet row numbers
    return frame, header_pos + 1, str(sheet)


def _is_wanted_heading(heading: object) -> bool:
    return _normalise_heading(heading) in _WANTED_NORMALISED


def _is_location_id_heading(value: object) -> bool:
    return isinstance(value, str) and value.strip().casefold() == "location id"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT


def _dedupe(columns: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in columns:
        n = seen.get(c, 0)
        seen[c] = n + 1
        out.append(c if n == 0 else f"{c}.{n}")
    return out


def _cells_to_text(col: pd.Series) -> pd.Series:
    """Spreadsheet cells to text; date cells become ISO dates, whole floats lose '.0'."""

    if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        return col.fillna("").astype(object)

    def conv(v: object) -> str:
        if _blank(v):
            return ""
        if isinstance(v, (datetime, pd.Timestamp)):
            return v.date().isoformat()
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return col.map(conv).astype(object)


# --- Turning rows into records -------------------------------------------------------------


def _normalise_heading(heading: object) -> str:
    return " ".join(str(heading).split()).casefold()


_WANTED_NORMALISED = frozenset(_normalise_heading(h) for h in {**_REQUIRED, **_OPTIONAL}) | frozenset(_ALIASES)


def _resolve_columns(frame: pd.DataFrame, label: str, header_row: int) -> dict[str, str]:
    """internal name -> column in frame; raises listing any missing required heading."""
    wanted = {**_REQUIRED, **_OPTIONAL}
    by_norm = {_normalise_heading(h): h for h in wanted}
    for alias, heading in _ALIASES.items():
        by_norm.setdefault(alias, heading)
    found: dict[str, str] = {}
    for column in frame.columns:
        heading = by_norm.get(_normalise_heading(column))
        if heading is not None and wanted[heading] not in found:
            found[wanted[heading]] = column
    missing = [h for h, key in _REQUIRED.items() if key not in found]
    if missing:
        raise CQCFileError(_missing_message(missing, label, f"the header on row {header_row} lacks them"))
    return found


def _parse_dates(text: pd.Series) -> pd.Series:
    """dd/mm/yyyy (CQC's CSV form) or ISO (spreadsheet date cells); NaT where unreadable."""
    parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    retry = parsed.isna() & (text != "")
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], format="ISO8601", errors="coerce")
    return parsed


def _build(frame: pd.DataFrame, header_row: int, sheet: str | None, label: str) -> ParseResult:
    cols = _resolve_columns(frame, label, header_row)
    n_read = len(frame)
    # Plain list comprehensions: pandas' .str methods cost several times more here.
    text = {
        key: pd.Series([v.strip() for v in _cells_to_text(frame[column]).tolist()], index=frame.index, dtype=object)
        for key, column in cols.items()
    }
    filled = {key: (series != "").to_numpy() for key, series in text.items()}

    # Rows with nothing in any column we read are padding; drop them silently.
    keep = np.logical_or.reduce(list(filled.values()))
    if not keep.all():
        text = {k: v[keep] for k, v in text.items()}
        filled = {k: v[keep] for k, v in filled.items()}
    index = text["location_id"].index
    if not len(index):
        # A header and nothing else: refusing it stops an upsert from treating it as "no locations".
        raise CQCFileError(f"{label} has a header row but no data rows")
    empty = pd.Series("", index=index, dtype=object)
    for key in _OPTIONAL.values():
        text.setdefault(key, empty)

    rating_raw, domain_raw, group, date_raw = (
        text["rating"],
        text["domain"],
        text["service_group"],
        text["publication_date"],
    )
    rating = rating_raw.str.casefold().map(_RATING_CANON).astype(object)
    domain = domain_raw.str.casefold().map(_DOMAIN_CANON).astype(object).where(lambda s: s.notna(), domain_raw)
    group = group.where(group.str.casefold() != "overall", OVERALL)
    dates = _parse_dates(date_raw)
    has_group, has_domain = filled["service_group"], filled["domain"]
    has_rating, has_date = filled["rating"], filled["publication_date"]
    has_entry = has_group | has_domain | has_rating | has_date

    # (mask, reason for one row) pairs; reasons are only built for the few rows rejected.
    checks: list[tuple[np.ndarray, Callable[[int], str]]] = [
        (~filled["location_id"], lambda i: "missing Location ID"),
        (~filled["provider_id"], lambda i: "missing Provider ID"),
        (has_rating & rating.isna().to_numpy(), lambda i: f"unknown Latest Rating {rating_raw.iloc[i]!r}"),
        (
            has_date & dates.isna().to_numpy(),
            lambda i: f"bad Publication Date {date_raw.iloc[i]!r} (expected dd/mm/yyyy)",
        ),
        (has_entry & ~has_group, lambda i: "missing Service / Population Group"),
        (has_entry & ~has_domain, lambda i: "missing Domain"),
    ]
    bad = np.logical_or.reduce([mask for mask, _ in checks])

    # A location belongs to one provider; rows disagreeing with its first good row are suspect.
    ok = ~bad
    providers, location_ids = text["provider_id"], text["location_id"]
    first_provider = providers[ok].groupby(location_ids[ok], sort=False).transform("first").reindex(index)
    mismatch = ok & (providers != first_provider).to_numpy()
    checks.append(
        (
            mismatch,
            lambda i: (
                f"Provider ID {providers.iloc[i]!r} differs from {first_provider.iloc[i]!r} "
                f"on earlier rows of location {location_ids.iloc[i]}"
            ),
        )
    )
    bad = bad | mismatch
    rejected = [
        RejectedRow(int(index[i]), "; ".join(describe(i) for mask, describe in checks if mask[i]))
        for i in np.flatnonzero(bad).tolist()
    ]

    good = ~bad
    order = np.argsort(text["location_id"].to_numpy(dtype=str)[good], kind="stable")

    def pick(values: pd.Series | np.ndarray) -> list:
        return np.asarray(values, dtype=object)[good][order].tolist()

    loc_ids = pick(text["location_id"])
    provider_ids = pick(text["provider_id"])
    names = pick(text["location_name"])
    provider_names = pick(text["provider_name"])
    types = pick(text["location_type"])
    authorities = pick(text["local_authority"])
    postcodes = pick(text["postcode"])
    urls = pick(text["url"])
    groups = pick(group)
    domains = pick(domain)
    ratings = pick(rating.where(rating.notna(), None))
    entries = pick(has_entry)
    day = dates.dt.date.astype(object).where(dates.notna(), None)
    days = pick(day)

    n = len(loc_ids)
    bounds: list[tuple[int, int]] = []
    if n:  # every row may have been rejected
        id_arr = np.asarray(loc_ids, dtype=object)
        starts = np.concatenate(([0], np.flatnonzero(id_arr[1:] != id_arr[:-1]) + 1)).tolist()
        bounds = list(zip(starts, starts[1:] + [n], strict=True))

    locations: list[LocationRecord] = []
    for a, b in bounds:
        service_rows = tuple(
            ServiceRating(groups[i], domains[i], ratings[i], days[i]) for i in range(a, b) if entries[i]
        )
        key_questions: dict[str, str | None] = dict.fromkeys(KEY_QUESTIONS)
        chosen: dict[str, date | None] = {}
        overall: str | None = None
        for row in service_rows:
            if row.service_group != OVERALL:
                continue
            slot = "overall" if row.domain == OVERALL else _DOMAIN_KEY.get(row.domain)
            if slot is None:
                continue
            # Duplicate rows for the same slot: the latest publication wins, then file order.
            if slot in chosen and not _later(row.publication_date, chosen[slot]):
                continue
            chosen[slot] = row.publication_date
            if slot == "overall":
                overall = row.rating
            else:
                key_questions[slot] = row.rating
        published = [d for d in days[a:b] if d is not None]
        locations.append(
            LocationRecord(
                location_id=loc_ids[a],
                provider_id=provider_ids[a],
                location_name=names[a],
                provider_name=provider_names[a],
                location_type=types[a],
                service_types=tuple(dict.fromkeys(g for g in groups[a:b] if g and g != OVERALL)),
                local_authority=authorities[a],
                postcode=postcodes[a],
                overall_rating=overall,
                key_question_ratings=key_questions,
                service_ratings=service_rows,
                publication_date=max(published) if published else None,
                url=urls[a],
            )
        )
    return ParseResult(
        locations=locations, rejected=rejected, sheet_name=sheet, header_row=header_row, rows_read=n_read
    )


def _later(new: date | None, old: date | None) -> bool:
    return new is not None and (old is None or new > old)
