"""Reading CQC's "care directory with ratings" file (pure: no database)."""

from __future__ import annotations

import io
import random
import time
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cqc import parse as cqc
from cqc.parse import CQC_LOCATION_COLUMNS, CQCFileError, has_inadequate, parse_ratings_file
from cqc.sample import DOMAINS, SCENARIO_LOCATIONS, build_rows, write_sample

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cqc"
FORMATS = ("csv", "xlsx", "ods")
SCENARIO_IDS = [loc["location_id"] for loc in SCENARIO_LOCATIONS]


def sample(tmp_path: Path, fmt: str = "csv", locations=None, name: str = "ratings", **kwargs) -> Path:
    path = tmp_path / f"{name}.{fmt}"
    write_sample(path, SCENARIO_LOCATIONS if locations is None else locations, fmt=fmt, **kwargs)
    return path


def csv_bytes(rows: list[list[object]], header=CQC_LOCATION_COLUMNS) -> bytes:
    frame = pd.DataFrame(rows, columns=list(header))
    return frame.to_csv(index=False).encode("utf-8")


def location(location_id: str = "1-500000001", provider_id: str = "1-600000001", **extra) -> dict:
    return {
        "location_id": location_id,
        "provider_id": provider_id,
        "location_name": "Hollins Homecare",
        "provider_name": "Hollins Care Ltd",
        "publication_date": date(2024, 1, 15),
        **extra,
    }


# --- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_parses_the_scenario_in_each_format(tmp_path, fmt):
    result = parse_ratings_file(sample(tmp_path, fmt))

    assert [loc.location_id for loc in result.locations] == sorted(SCENARIO_IDS)
    assert result.rejected == []
    assert result.header_row == 1
    assert result.sheet_name == (None if fmt == "csv" else "Locations")


def test_it_gives_the_same_records_for_csv_xlsx_and_ods(tmp_path):
    parsed = [parse_ratings_file(sample(tmp_path, fmt, n_locations=6)).locations for fmt in FORMATS]

    assert parsed[0] == parsed[1] == parsed[2]
    assert len(parsed[0]) == len(SCENARIO_LOCATIONS) + 6


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_reads_the_committed_fixtures(fmt):
    result = parse_ratings_file(FIXTURES / f"scenario.{fmt}")

    assert result.rejected == []
    assert set(SCENARIO_IDS) <= set(result.by_id())
    assert len(result.locations) == len(SCENARIO_LOCATIONS) + 5


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_it_reads_spreadsheets_without_the_calamine_engine(tmp_path, monkeypatch, fmt):
    path = sample(tmp_path, fmt)
    expected = parse_ratings_file(path).locations
    monkeypatch.setattr(cqc, "_HAS_CALAMINE", False)

    assert parse_ratings_file(path).locations == expected


def test_it_accepts_bytes_and_file_objects(tmp_path):
    path = sample(tmp_path, "xlsx")
    data = path.read_bytes()
    expected = parse_ratings_file(path).locations

    assert parse_ratings_file(data).locations == expected
    assert parse_ratings_file(io.BytesIO(data), filename="upload.xlsx").locations == expected
    with open(path, "rb") as fh:
        fh.read(10)  # a half-read upload is rewound
        assert parse_ratings_file(fh).locations == expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_it_reads_csv_in_the_encodings_excel_writes(tmp_path, encoding):
    name = "Café Homecare – Pendle"  # the en dash is 0x96 in Windows-1252
    path = sample(
        tmp_path, "csv", [location(location_name=name, ratings=dict.fromkeys(DOMAINS, "Good"))], encoding=encoding
    )

    (record,) = parse_ratings_file(path).locations

    assert record.location_name == name


def test_it_reads_tab_separated_text(tmp_path):
    frame = pd.DataFrame(build_rows([location(ratings={"Overall": "Good"})]), columns=list(CQC_LOCATION_COLUMNS))
    data = frame.to_csv(index=False, sep="\t").encode()

    (record,) = parse_ratings_file(data, "ratings.tsv").locations

    assert record.overall_rating == "Good"


# --- header and sheet ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_finds_the_header_below_title_rows(tmp_path, fmt):
    titles = ["Care directory with ratings", "", "This data was produced on 1 September 2026"]
    bad = location("1-500000009", ratings={"Overall": "Brilliant"})
    path = sample(tmp_path, fmt, [location(ratings={"Overall": "Good"}), bad], title_rows=titles)

    result = parse_ratings_file(path)

    assert result.header_row == 4
    assert [loc.location_id for loc in result.locations] == ["1-500000001"]
    # Header on row 4, one good data row on row 5, the bad one on row 6.
    assert result.rejected == [cqc.RejectedRow(6, "unknown Latest Rating 'Brilliant'")]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_it_picks_the_locations_sheet_by_name_whatever_its_case(tmp_path, fmt):
    path = sample(tmp_path, fmt, sheet_name="LOCATIONS sept 2026")

    result = parse_ratings_file(path)

    assert result.sheet_name == "LOCATIONS sept 2026"
    assert len(result.locations) == len(SCENARIO_LOCATIONS)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_it_refuses_a_workbook_without_a_locations_sheet(tmp_path, fmt):
    path = sample(tmp_path, fmt, sheet_name="Ratings")

    with pytest.raises(CQCFileError, match=r"no Locations sheet \(sheets found: 'Notes', 'Ratings', 'Providers'\)"):
        parse_ratings_file(path)


# --- what is extracted -----------------------------------------------------------------------


def test_it_extracts_the_overall_and_key_question_ratings(tmp_path):
    records = parse_ratings_file(sample(tmp_path)).by_id()

    chorley = records["1-900000002"]
    assert chorley.overall_rating == "Requires improvement"
    assert chorley.key_question_ratings == {
        "safe": "Inadequate",
        "effective": "Requires improvement",
        "caring": "Requires improvement",
        "responsive": "Requires improvement",
        "well_led": "Requires improvement",
    }
    assert chorley.provider_id == "1-800000001"
    assert chorley.provider_name == "Brookside Care Ltd"
    assert chorley.location_name == "Brookside Homecare - Chorley"
    assert chorley.location_type == "Social Care Org"
    assert chorley.local_authority == "Lancashire"
    assert chorley.postcode == "PR7 1DP"
    assert chorley.publication_date == date(2023, 5, 2)
    assert chorley.url == "https://www.cqc.org.uk/location/1-900000002"
    assert chorley.service_types == ()
    assert len(chorley.service_ratings) == 6


def test_it_keeps_per_service_ratings_of_a_location_rated_not_rated_overall(tmp_path):
    fernlea = parse_ratings_file(sample(tmp_path)).by_id()["1-900000003"]

    assert fernlea.overall_rating == "Not Rated"
    assert fernlea.key_question_ratings == dict.fromkeys(cqc.KEY_QUESTIONS)
    assert fernlea.service_types == ("Homecare agencies", "Supported living service")
    assert len(fernlea.service_ratings) == 13
    assert ("Supported living service", "Well-led", "Inadequate", date(2025, 6, 20)) in fernlea.service_ratings
    assert [(e.service_group, e.domain) for e in has_inadequate(fernlea)] == [("Supported living service", "Well-led")]


def test_it_finds_inadequate_in_a_multi_service_location_with_no_overall_row(tmp_path):
    only_services = location(
        services={
            "Homecare agencies": dict.fromkeys(DOMAINS, "Good"),
            "Supported living service": {**dict.fromkeys(DOMAINS, "Good"), "Safe": "Inadequate"},
        }
    )

    (record,) = parse_ratings_file(sample(tmp_path, "csv", [only_services])).locations

    assert record.overall_rating is None
    assert record.key_question_ratings == dict.fromkeys(cqc.KEY_QUESTIONS)
    assert record.service_types == ("Homecare agencies", "Supported living service")
    assert len(record.service_ratings) == 12
    assert has_inadequate(record) == [
        cqc.Evidence("1-500000001", "Supported living service", "Safe", "Inadequate", date(2024, 1, 15))
    ]


def test_it_keeps_a_location_listed_with_no_ratings(tmp_path):
    records = parse_ratings_file(sample(tmp_path)).by_id()

    reablement = records["1-900000007"]
    assert reablement.service_ratings == ()
    assert reablement.overall_rating is None
    assert reablement.publication_date is None
    assert reablement.provider_id == "1-800000004"


def test_it_takes_the_latest_publication_date_and_rating(tmp_path):
    rows = [
        ("Overall", "Overall", "Requires improvement", date(2021, 3, 1)),
        ("Overall", "Overall", "Good", date(2024, 8, 30)),
        ("Overall", "Safe", "Good", date(2022, 1, 5)),
    ]

    (record,) = parse_ratings_file(sample(tmp_path, "csv", [location(rows=rows)])).locations

    assert record.overall_rating == "Good"
    assert record.publication_date == date(2024, 8, 30)


def test_it_normalises_case_and_spelling_of_ratings_and_domains(tmp_path):
    rows = [
        ("overall", "OVERALL", "GOOD", "01/02/2024"),
        ("Overall", "Well led", "requires improvement", "01/02/2024"),
        ("Overall", "Safe", "not rated", "01/02/2024"),
        ("Overall", "Caring", "Not applicable", "01/02/2024"),
    ]

    (record,) = parse_ratings_file(sample(tmp_path, "csv", [location(rows=rows)])).locations

    assert record.overall_rating == "Good"
    assert record.key_question_ratings["well_led"] == "Requires improvement"
    assert record.key_question_ratings["safe"] == "Not Rated"
    assert record.key_question_ratings["caring"] == "Not applicable"


def test_it_keeps_an_unfamiliar_domain_so_an_inadequate_there_is_seen(tmp_path):
    rows = [("Overall", "Overall", "Good", "01/02/2024"), ("Overall", "Kind", "Inadequate", "01/02/2024")]

    (record,) = parse_ratings_file(sample(tmp_path, "csv", [location(rows=rows)])).locations

    assert record.key_question_ratings == dict.fromkeys(cqc.KEY_QUESTIONS)
    assert [e.domain for e in has_inadequate(record)] == ["Kind"]


def test_it_returns_the_same_records_whatever_the_order_of_locations(tmp_path):
    forward = parse_ratings_file(sample(tmp_path, "csv", name="a"))
    again = parse_ratings_file(sample(tmp_path, "csv", name="b"))
    backward = parse_ratings_file(sample(tmp_path, "csv", list(reversed(SCENARIO_LOCATIONS)), name="c"))

    assert forward == again
    assert forward.locations == backward.locations
    ids = [loc.location_id for loc in forward.locations]
    assert ids == sorted(set(ids))  # one record per location, sorted: safe to upsert by ID


# --- rejected rows ---------------------------------------------------------------------------


def test_it_rejects_bad_rows_with_their_row_number_and_reason(tmp_path):
    good = location("1-500000001", ratings={"Overall": "Good", "Safe": "Good"})
    no_location_id = location("", ratings={"Overall": "Good"})
    no_provider_id = location("1-500000002", provider_id="", ratings={"Overall": "Good"})
    odd = location(
        "1-500000003",
        rows=[
            ("Overall", "Overall", "Good", "31/02/2024"),
            ("Overall", "Safe", "Very good", "01/02/2024"),
            ("Overall", "Caring", "Good", "01/02/2024"),
            ("", "", "Inadequate", "01/02/2024"),
        ],
    )
    path = sample(tmp_path, "csv", [good, no_location_id, no_provider_id, odd])

    result = parse_ratings_file(path)

    # Row 1 is the header; rows 2-3 the good location.
    assert result.rejected == [
        cqc.RejectedRow(4, "missing Location ID"),
        cqc.RejectedRow(5, "missing Provider ID"),
        cqc.RejectedRow(6, "bad Publication Date '31/02/2024' (expected dd/mm/yyyy)"),
        cqc.RejectedRow(7, "unknown Latest Rating 'Very good'"),
        cqc.RejectedRow(9, "missing Service / Population Group; missing Domain"),
    ]
    records = result.by_id()
    assert sorted(records) == ["1-500000001", "1-500000003"]
    assert records["1-500000003"].key_question_ratings["caring"] == "Good"
    assert result.rows_read == 8


def test_it_returns_no_locations_when_every_row_is_rejected(tmp_path):
    path = sample(tmp_path, "csv", [location(rows=[("Overall", "Safe", "Brilliant", date(2024, 1, 5))])])

    result = parse_ratings_file(path)

    assert result.locations == []
    assert result.rejected == [cqc.RejectedRow(2, "unknown Latest Rating 'Brilliant'")]


def test_it_rejects_rows_that_give_a_location_a_second_provider(tmp_path):
    rows = build_rows([location(ratings={"Overall": "Good", "Safe": "Inadequate"})])
    rows[1][CQC_LOCATION_COLUMNS.index("Provider ID")] = "1-699999999"

    result = parse_ratings_file(csv_bytes(rows))

    assert result.rejected == [
        cqc.RejectedRow(
            3, "Provider ID '1-699999999' differs from '1-600000001' on earlier rows of location 1-500000001"
        )
    ]


def test_it_skips_blank_lines_without_rejecting_them(tmp_path):
    path = sample(tmp_path, "csv", [location(ratings={"Overall": "Good"})])
    path.write_text(path.read_text() + "\r\n,,,,\r\n\r\n")

    result = parse_ratings_file(path)

    assert result.rejected == []
    assert len(result.locations) == 1


# --- files that are not CQC data -------------------------------------------------------------


def test_it_lists_the_missing_columns(tmp_path):
    header = [c for c in CQC_LOCATION_COLUMNS if c not in ("Latest Rating", "Provider ID")]
    data = pd.DataFrame([["1-1"] * len(header)], columns=header).to_csv(index=False).encode()

    with pytest.raises(CQCFileError, match="missing columns: Latest Rating, Provider ID"):
        parse_ratings_file(data, "ratings.csv")


def test_it_lists_every_required_column_when_there_is_no_header(tmp_path):
    with pytest.raises(CQCFileError) as excinfo:
        parse_ratings_file(b"name,postcode\nBrookside,PR1 2QE\n", "ratings.csv")

    message = str(excinfo.value)
    assert "'ratings.csv' is missing columns: Location ID, Location Name" in message
    assert "Provider ID, Provider Name" in message


def test_it_refuses_text_in_an_unreadable_encoding():
    data = csv_bytes(build_rows([location(ratings={"Overall": "Good"})]))
    data = data.replace(b"Hollins", b"Holl\x81\x8d\x90ns")  # undefined in UTF-8 and in Windows-1252

    with pytest.raises(CQCFileError, match="neither UTF-8 nor Windows-1252 text"):
        parse_ratings_file(data, "ratings.csv")


def test_it_refuses_random_bytes():
    data = random.Random(0).randbytes(4096)

    with pytest.raises(CQCFileError, match="not a spreadsheet and not readable as CSV"):
        parse_ratings_file(data, "ratings.csv")


def test_it_refuses_a_pdf():
    data = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"

    with pytest.raises(CQCFileError, match="'ratings.ods' is a PDF, not a spreadsheet or CSV file"):
        parse_ratings_file(data, "ratings.ods")


def test_it_refuses_an_old_binary_excel_file():
    with pytest.raises(CQCFileError, match=r"\.xls\) file, which is not supported"):
        parse_ratings_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "ratings.xls")


def test_it_refuses_a_zip_that_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "hello")

    with pytest.raises(CQCFileError, match="ZIP archive but not an .xlsx or .ods"):
        parse_ratings_file(buffer.getvalue(), "ratings.xlsx")


def test_it_refuses_a_damaged_spreadsheet(tmp_path):
    data = sample(tmp_path, "xlsx").read_bytes()[:3000]

    with pytest.raises(CQCFileError, match="damaged|could not be read"):
        parse_ratings_file(data, "ratings.xlsx")


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"])
def test_it_refuses_an_empty_file(data):
    with pytest.raises(CQCFileError, match="'ratings.csv' is empty"):
        parse_ratings_file(data, "ratings.csv")


def test_it_refuses_a_header_with_no_rows():
    with pytest.raises(CQCFileError, match="header row but no data rows"):
        parse_ratings_file(",".join(CQC_LOCATION_COLUMNS).encode() + b"\r\n", "ratings.csv")


def test_it_says_when_the_file_does_not_exist(tmp_path):
    with pytest.raises(CQCFileError, match="file not found"):
        parse_ratings_file(tmp_path / "nope.ods")


# --- speed -----------------------------------------------------------------------------------


def test_it_parses_60000_rows_in_a_few_seconds(tmp_path):
    path = tmp_path / "big.csv"
    assert write_sample(path, n_rows=60_000) == 60_000

    started, cpu_started = time.perf_counter(), time.process_time()
    result = parse_ratings_file(path)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    print(f"parsed 60,000 rows into {len(result.locations)} locations in {elapsed:.2f}s ({cpu:.2f}s CPU)")
    assert result.rejected == []
    assert result.rows_read == 60_000
    # The target is ~3 s. This process's CPU time is bounded, not the wall clock: other processes
    # (a parallel test worker, another build) slow the wall clock down, not the work done here.
    # bench/cqc_import.py measures the wall time, against a baseline in the same run.
    assert cpu < 6
