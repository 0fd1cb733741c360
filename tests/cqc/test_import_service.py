"""cqc_import_file: all or nothing, permissions, progress, and what selectors give back."""
from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from accounts.models import Role
from common.errors import PermissionDeniedError
from common.models import AuditEntry
from cqc import services
from cqc.models import CQCImport, CQCImportUpload, CQCLocation, ImportStatus
from cqc.parse import Outcome, assess_locations, parse_ratings_file
from cqc.sample import DOMAINS
from cqc.selectors import locations_by_id, provider_lookup
from cqc.services import CQCImportError, cqc_import_file
from tests.cqc.conftest import FIXTURES, SCENARIO_IDS, location
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_records_who_imported_what(commissioner, ratings_file):
    path = ratings_file()

    cqc_import = cqc_import_file(path_or_file=path, user=commissioner)

    assert cqc_import.uploaded_by == commissioner
    assert cqc_import.filename == "ratings.csv"
    assert len(cqc_import.sha256) == 64 and cqc_import.size_bytes == path.stat().st_size
    assert cqc_import.status == ImportStatus.DONE and cqc_import.finished_at >= cqc_import.started_at
    assert cqc_import.progress_done == cqc_import.progress_total == 7
    entry = AuditEntry.objects.get(action="cqc.import_done")
    assert entry.actor == commissioner and entry.after["locations"] == 7


def test_an_admin_may_import_but_not_a_provider_or_evaluator(bidder, evaluator, ratings_file):
    admin = UserFactory(username="ada", role=Role.ADMIN)
    assert cqc_import_file(path_or_file=ratings_file(), user=admin).status == ImportStatus.DONE
    for user in (bidder, evaluator):
        with pytest.raises(PermissionDeniedError):
            cqc_import_file(path_or_file=ratings_file(), user=user)


def test_a_failure_half_way_through_the_writes_leaves_every_location_as_it_was(ratings_file, monkeypatch):
    cqc_import_file(path_or_file=ratings_file([location(f"1-50000000{i}") for i in range(1, 5)], name="old"))
    before = list(CQCLocation.objects.order_by("location_id").values_list("location_id", "content_digest"))
    newer = [location(f"1-50000000{i}", ratings=dict.fromkeys(DOMAINS, "Outstanding")) for i in range(1, 10)]
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    calls = []
    real = services._Progress.report

    def fail_on_third_batch(self, done):
        calls.append(done)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(self, done)

    monkeypatch.setattr(services._Progress, "report", fail_on_third_batch)

    with pytest.raises(RuntimeError, match="disk full"):
        cqc_import_file(path_or_file=ratings_file(newer, name="new"))

    assert list(CQCLocation.objects.order_by("location_id").values_list("location_id", "content_digest")) == before
    failed = CQCImport.objects.get(filename="new.csv")
    assert failed.status == ImportStatus.FAILED
    assert "changed nothing: disk full" in failed.error_message


def test_progress_is_reported_after_every_batch(ratings_file, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    reported = []
    monkeypatch.setattr(services._Progress, "report", lambda self, done: reported.append(done))

    cqc_import_file(path_or_file=ratings_file([location(f"1-5000000{i:02}") for i in range(1, 11)]))

    assert reported == [3, 6, 9, 10]


def test_a_transient_database_error_leaves_the_import_queued_for_a_retry(ratings_file, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_upsert", locked)

    with pytest.raises(OperationalError):
        cqc_import_file(path_or_file=ratings_file())

    cqc_import = CQCImport.objects.get()
    assert cqc_import.status == ImportStatus.QUEUED
    assert "will be retried: database is locked" in cqc_import.error_message
    assert not CQCLocation.objects.exists()


def test_bytes_and_file_objects_are_accepted(ratings_file):
    path = ratings_file()
    with open(path, "rb") as fh:
        assert cqc_import_file(path_or_file=fh).filename == "ratings.csv"
    assert cqc_import_file(path_or_file=path.read_bytes(), filename="again.csv").count_unchanged == 7


def test_a_file_over_the_size_limit_is_refused(ratings_file, settings):
    settings.CQC_IMPORT_MAX_BYTES = 100

    with pytest.raises(CQCImportError, match="the largest accepted is 0 MB"):
        cqc_import_file(path_or_file=ratings_file())
    assert not CQCImport.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_stored_locations_read_back_as_the_parser_gave_them(fmt):
    parsed = parse_ratings_file(FIXTURES / f"scenario.{fmt}").by_id()
    cqc_import_file(path_or_file=FIXTURES / f"scenario.{fmt}")

    stored = locations_by_id(parsed)

    assert stored == parsed


def test_locations_by_id_ignores_blanks_and_unknown_ids(django_assert_num_queries):
    cqc_import_file(path_or_file=FIXTURES / "scenario.csv")

    with django_assert_num_queries(1):
        found = locations_by_id([" 1-900000001 ", "1-123", "", "1-900000002"])

    assert sorted(found) == ["1-900000001", "1-900000002"]
    assert locations_by_id([]) == {}


def test_the_exclusion_gate_runs_on_stored_locations():
    cqc_import_file(path_or_file=FIXTURES / "scenario.csv")
    ids = ["1-900000001", "1-900000002"]

    result = assess_locations("1-800000001", ids, locations_by_id(ids), "flag")

    assert result.outcome == Outcome.EXCLUDED
    assert "1-900000002 is rated Inadequate: Safe" in result.reason
    assert assess_locations("1-800000001", ["1-900000001"], locations_by_id(["1-900000001"]), "flag").outcome == (
        Outcome.ELIGIBLE
    )


def test_provider_lookup_lists_locations_and_inadequate_rows():
    cqc_import_file(path_or_file=FIXTURES / "scenario.csv")

    lookup = provider_lookup("1-800000002")  # Fernlea: supported living Well-led Inadequate

    assert [loc.location_id for loc in lookup.locations] == ["1-900000003"]
    assert lookup.has_inadequate
    assert [(e.service_group, e.domain) for e in lookup.inadequate_rows] == [("Supported living service", "Well-led")]
    assert provider_lookup("1-999999999") is None
    assert provider_lookup("  ") is None


def test_the_upload_is_dropped_once_the_import_finishes(commissioner, ratings_file):
    cqc_import = services.cqc_import_queue(data=ratings_file().read_bytes(), filename="big.csv", user=commissioner)
    assert CQCImportUpload.objects.filter(cqc_import=cqc_import).exists()

    services.cqc_import_run(cqc_import=cqc_import)

    assert not CQCImportUpload.objects.exists()
    assert set(SCENARIO_IDS) <= set(CQCLocation.objects.values_list("location_id", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="progress during the transaction needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_transaction_runs(ratings_file, monkeypatch):
    from django.db import DEFAULT_DB_ALIAS, connections

    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    seen = []
    real = services._Progress.report

    def report_and_look(self, done):
        real(self, done)
        with observer.cursor() as cursor:
            cursor.execute("SELECT progress_done, status FROM cqc_cqcimport WHERE id = %s", [self.pk])
            seen.append(cursor.fetchone())

    monkeypatch.setattr(services._Progress, "report", report_and_look)
    try:
        cqc_import_file(path_or_file=ratings_file([location(f"1-50000000{i}") for i in range(1, 6)]))
    finally:
        observer.close()

    assert seen == [(2, "running"), (4, "running"), (5, "running")]


def test_a_60000_row_file_imports_in_a_few_seconds(tmp_path):
    import time

    from cqc.sample import write_sample

    path = tmp_path / "big.csv"
    write_sample(path, n_rows=60_000)

    def timed():
        wall, cpu = time.perf_counter(), time.process_time()
        result = cqc_import_file(path_or_file=path)
        return result, time.perf_counter() - wall, time.process_time() - cpu

    first, wall, cpu = timed()
    again, wall_again, cpu_again = timed()

    print(f"imported 60,000 rows ({first.count_new} locations) in {wall:.2f}s ({cpu:.2f}s CPU); "
          f"re-import {wall_again:.2f}s ({cpu_again:.2f}s CPU)")
    assert first.rows_read == 60_000 and first.count_rejected == 0
    assert again.count_unchanged == first.count_new
    # ~2-3 s on a quiet machine (SQLite and PostgreSQL). Only this process's CPU time is bounded:
    # a busy machine (parallel test workers, other builds) stretches the wall clock, not the work.
    # bench/cqc_import.py measures the wall time, against a baseline in the same run.
    assert cpu < 8 and cpu_again < 8
