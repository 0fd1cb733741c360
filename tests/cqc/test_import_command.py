"""`python manage.py import_cqc PATH`: CQC's file in its real layout, re-imports, and bad files."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from common.models import AuditEntry
from cqc.models import CQCImport, CQCLocation, ImportStatus
from cqc.sample import DOMAINS, SCENARIO_LOCATIONS
from tests.cqc.conftest import FIXTURES, SCENARIO_IDS, location

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_cqc", str(path), stdout=out)
    return out.getvalue()


def snapshot():
    return list(CQCLocation.objects.order_by("location_id").values_list("location_id", "content_digest", "updated_at"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_it_imports_the_committed_samples_in_each_format(fmt):
    output = run(FIXTURES / f"scenario.{fmt}")

    assert "new:       12" in output
    assert set(SCENARIO_IDS) <= set(CQCLocation.objects.values_list("location_id", flat=True))
    assert CQCLocation.objects.count() == 12
    cqc_import = CQCImport.objects.get()
    assert cqc_import.status == ImportStatus.DONE
    assert (cqc_import.count_new, cqc_import.count_updated, cqc_import.count_unchanged) == (12, 0, 0)
    assert cqc_import.sheet_name == ("" if fmt == "csv" else "Locations")


def test_it_keeps_the_fields_the_issue_asks_for(ratings_file):
    run(ratings_file())

    chorley = CQCLocation.objects.get(location_id="1-900000002")
    assert chorley.provider_id == "1-800000001"
    assert chorley.location_name == "Brookside Homecare - Chorley"
    assert chorley.provider_name == "Brookside Care Ltd"
    assert chorley.local_authority == "Lancashire"
    assert chorley.postcode == "PR7 1DP"
    assert chorley.overall_rating == "Requires improvement"
    assert (chorley.safe, chorley.effective, chorley.caring, chorley.responsive, chorley.well_led) == (
        "Inadequate", "Requires improvement", "Requires improvement", "Requires improvement", "Requires improvement",
    )
    assert chorley.publication_date == date(2023, 5, 2)
    assert chorley.is_inadequate
    fernlea = CQCLocation.objects.get(location_id="1-900000003")
    assert fernlea.service_types == ["Homecare agencies", "Supported living service"]
    assert fernlea.overall_rating == "Not Rated"
    assert ["Supported living service", "Well-led", "Inadequate", "2025-06-20"] in fernlea.rating_rows
    assert fernlea.is_inadequate
    assert CQCLocation.objects.get(location_id="1-900000007").is_unrated


def test_a_second_import_of_the_same_file_changes_nothing(ratings_file):
    path = ratings_file()
    run(path)
    before = snapshot()

    output = run(path)

    assert "new:       0" in output and "updated:   0" in output and "unchanged: 7" in output
    assert snapshot() == before
    latest = CQCImport.objects.order_by("-pk").first()
    assert (latest.count_new, latest.count_updated, latest.count_unchanged) == (0, 0, 7)


def test_a_newer_file_reports_new_updated_and_unchanged_and_keeps_missing_locations(ratings_file):
    run(ratings_file([location("1-500000001"), location("1-500000002"), location("1-500000003")], name="march"))
    newer = [
        location("1-500000001"),  # unchanged
        location("1-500000002", ratings={**dict.fromkeys(DOMAINS, "Good"), "Safe": "Inadequate"}),  # re-rated
        location("1-500000004"),  # new
    ]

    output = run(ratings_file(newer, name="april"))

    assert "new:       1" in output and "updated:   1" in output and "unchanged: 1" in output
    rerated = CQCLocation.objects.get(location_id="1-500000002")
    assert rerated.safe == "Inadequate" and rerated.is_inadequate
    assert rerated.changed_by_import == CQCImport.objects.get(filename="april.csv")
    # Not in April's file: kept, as CQC's file can be partial (a sheet saved on its own).
    assert CQCLocation.objects.filter(location_id="1-500000003").exists()


def test_it_reports_rejected_rows_with_their_reasons(ratings_file):
    rows = [("Overall", "Overall", "Good", date(2024, 1, 5)), ("Overall", "Safe", "Brilliant", date(2024, 1, 5)),
            ("Overall", "Caring", "Good", "31/02/2024")]
    path = ratings_file([location("1-500000001", ratings={}, rows=rows)])

    output = run(path)

    assert "new:       1" in output
    assert "rejected:  2 rows" in output
    assert "row 3: unknown Latest Rating 'Brilliant'" in output
    assert "row 4: bad Publication Date '31/02/2024' (expected dd/mm/yyyy)" in output
    cqc_import = CQCImport.objects.get()
    assert cqc_import.rejected_reasons == [
        {"row": 3, "reason": "unknown Latest Rating 'Brilliant'"},
        {"row": 4, "reason": "bad Publication Date '31/02/2024' (expected dd/mm/yyyy)"},
    ]


def test_it_writes_one_audit_entry_per_import(ratings_file):
    path = ratings_file()
    run(path)
    run(path)

    entries = AuditEntry.objects.filter(action="cqc.import_done").order_by("sequence")
    assert [e.after["new"] for e in entries] == [7, 0]
    assert entries[0].actor_label == "system"


# --- bad files: a clear message, a non-zero exit, nothing imported -------------------------------


def _csv_without(columns: set[str], tmp_path):
    import csv

    from cqc.parse import CQC_LOCATION_COLUMNS
    from cqc.sample import build_rows

    keep = [i for i, c in enumerate(CQC_LOCATION_COLUMNS) if c not in columns]
    path = tmp_path / "cut.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([CQC_LOCATION_COLUMNS[i] for i in keep])
        for row in build_rows(SCENARIO_LOCATIONS[:2]):
            writer.writerow(["" if row[i] is None else row[i] for i in keep])
    return path


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buffer.getvalue()


BAD_FILES = {
    "wrong encoding": (
        lambda tmp: (tmp / "latin.csv", FIXTURES.joinpath("scenario.csv").read_bytes().replace(b"Brookside", b"Br\x81\x8d\x90kside")),
        "neither UTF-8 nor Windows-1252",
    ),
    "not a spreadsheet (PDF)": (lambda tmp: (tmp / "ratings.ods", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "is a PDF"),
    "zip that is not a spreadsheet": (lambda tmp: (tmp / "ratings.xlsx", _zip_bytes()), "not an .xlsx or .ods"),
    "old binary excel": (lambda tmp: (tmp / "ratings.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), ".xls"),
    "empty": (lambda tmp: (tmp / "ratings.csv", b""), "is empty"),
    "header only": (
        lambda tmp: (tmp / "ratings.csv", FIXTURES.joinpath("scenario.csv").read_bytes().split(b"\r\n")[0] + b"\r\n"),
        "no data rows",
    ),
    "text that is not CQC's": (lambda tmp: (tmp / "notes.csv", b"name,amount\nTea,1.50\n"), "missing columns: Location ID"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_fails_with_a_clear_message_and_changes_nothing(case, tmp_path, ratings_file):
    run(ratings_file())
    before, imports_before = snapshot(), CQCImport.objects.count()
    make, expected = BAD_FILES[case]
    path, data = make(tmp_path)
    path.write_bytes(data)

    with pytest.raises(CommandError, match="nothing was changed") as caught:
        run(path)

    assert expected in str(caught.value)
    assert snapshot() == before
    failed = CQCImport.objects.order_by("-pk").first()
    assert CQCImport.objects.count() == imports_before + 1
    assert failed.status == ImportStatus.FAILED and expected in failed.error_message
    assert AuditEntry.objects.filter(action="cqc.import_failed", object_id=str(failed.pk)).exists()


def test_missing_columns_are_named(tmp_path, ratings_file):
    run(ratings_file())
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        run(_csv_without({"Latest Rating", "Provider ID"}, tmp_path))

    assert "missing columns: Latest Rating, Provider ID" in str(caught.value)
    assert snapshot() == before


def test_a_missing_path_is_reported(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        run(tmp_path / "nope.ods")
    assert not CQCImport.objects.exists()


def test_a_file_whose_every_row_is_rejected_imports_nothing(ratings_file):
    path = ratings_file([location("1-500000001", ratings={}, rows=[("Overall", "Safe", "Brilliant", date(2024, 1, 5))])])

    with pytest.raises(CommandError, match="all 1 were rejected .*row 2: unknown Latest Rating 'Brilliant'"):
        run(path)
    assert not CQCLocation.objects.exists()
