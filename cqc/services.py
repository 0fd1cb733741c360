"""CQC imports: read CQC's ratings file, then upsert its locations all or nothing.

An import goes queued -> running -> done | failed. The file is parsed first, outside any
transaction (pure, `cqc.parse`); a file that cannot be read fails the import with the
parser's message and touches no location. The upsert then runs in ONE transaction:
each location's content digest is compared with the stored one; new and changed
locations are upserted in batches (INSERT ... ON CONFLICT DO UPDATE; COPY into a
temporary table first on PostgreSQL), unchanged ones are left alone, and the counts, the
import's final status and its audit entry are written in the same transaction. A
60,000-row file (about 8,000 locations) takes 2-3 s of CPU, most of it reading the file.

Progress (why it is visible while the transaction runs): the import row's phase and
counters are written outside the main transaction, in autocommit: phase "reading" before
parsing, then "writing" with `progress_total` (locations in the file) just before the
transaction starts. Inside the transaction an update of the row on the importing
connection would only show at commit, so on PostgreSQL a second, autocommit connection
writes `progress_done` after each batch of 2,000 locations (with a short lock timeout:
progress is best effort and never fails an import; the importing transaction does not
touch the import row until its last statements). SQLite allows one writer at a time, so
there the page shows "writing" until the transaction commits and progress then jumps to
the total. Locations missing from a file are kept: a partial file must not wipe the
directory.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Field
from django.utils import timezone

from accounts import permissions
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation
from common.tasks import queue
from cqc.gate import has_inadequate, is_unrated
from cqc.models import CQCImport, CQCImportUpload, CQCLocation, ImportPhase, ImportStatus
from cqc.parse import (
    KEY_QUESTIONS,
    CQCFileError,
    LocationRecord,
    RejectedRow,
    parse_ratings_file,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000  # locations per write and per progress report
REJECTED_KEPT = 1000  # reasons stored on the import; the count covers them all
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError)
_LOCK_KEY = 0x43514349  # "CQCI": PostgreSQL advisory lock serialising imports

_WRITTEN_FIELDS = (
    "provider_id", "location_name", "provider_name", "location_type", "service_types", "local_authority",
    "postcode", "overall_rating", *KEY_QUESTIONS, "publication_date", "url", "rating_rows", "is_inadequate",
    "is_unrated", "content_digest", "changed_by_import", "updated_at",
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "CQC_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def inline_max_bytes() -> int:
    """Uploads up to this size are imported during the request; larger ones go to the worker."""
    return int(getattr(settings, "CQC_IMPORT_INLINE_MAX_BYTES", 1024 * 1024))


class CQCImportError(RuleViolation):
    """The file could not be imported; nothing was changed. `cqc_import` is the failed record, if one was made."""

    def __init__(self, message: str, *, cqc_import: CQCImport | None = None) -> None:
        super().__init__(message, field="file")
        self.cqc_import = cqc_import


def can_import(user: User | AnonymousUser) -> bool:
    return permissions.can_import_cqc_data(user)


# --- Entry points ----------------------------------------------------------------------------


def cqc_import_file(
    *, path_or_file: str | os.PathLike[str] | IO[bytes] | bytes, filename: str | None = None, user: User | None = None
) -> CQCImport:
    """Import a CQC ratings file now (command, demo, small uploads); raises CQCImportError on a bad file.

    `user` None means the system (the command or the demo); a user must be a commissioner or admin.
    """
    if user is not None and not can_import(user):
        raise PermissionDeniedError("Only a commissioner or an administrator can import CQC ratings.")
    data, name = _read_bytes(path_or_file, filename)
    cqc_import = _create_import(data=data, filename=name, user=user, status=ImportStatus.RUNNING)
    return cqc_import_run(cqc_import=cqc_import, data=data, user=user)


def cqc_import_upload(*, upload: UploadedFile[bytes], user: User) -> CQCImport:
    """A commissioner's upload: small files are imported now, large ones queued for the worker."""
    if not can_import(user):
        raise PermissionDeniedError("Only a commissioner or an administrator can import CQC ratings.")
    if upload.size is not None and upload.size > max_upload_bytes():
        raise CQCImportError(_too_big(upload.size))
    data = b"".join(upload.chunks())
    name = os.path.basename(upload.name or "") or "upload"
    if len(data) <= inline_max_bytes():
        return cqc_import_file(path_or_file=data, filename=name, user=user)
    return cqc_import_queue(data=data, filename=name, user=user)


def cqc_import_queue(*, data: bytes, filename: str, user: User | None) -> CQCImport:
    """Store the file with a queued import and hand its ID to the worker once this commits."""
    if user is not None and not can_import(user):
        raise PermissionDeniedError("Only a commissioner or an administrator can import CQC ratings.")
    if not data:
        raise CQCImportError(f"'{filename}' is empty")
    if len(data) > max_upload_bytes():
        raise CQCImportError(_too_big(len(data)))
    with transaction.atomic():
        cqc_import = _create_import(data=data, filename=filename, user=user, status=ImportStatus.QUEUED)
        CQCImportUpload.objects.create(cqc_import=cqc_import, content=data)
        audit_record(
            actor=user or "system", action="cqc.import_queued", obj=cqc_import, at=cqc_import.created_at,
            after={"filename": cqc_import.filename, "sha256": cqc_import.sha256, "size_bytes": cqc_import.size_bytes},
        )
        # By name: cqc.tasks imports this module.
        transaction.on_commit(lambda: queue("cqc.tasks.import_cqc_task", cqc_import.pk))
    return cqc_import


def cqc_import_run(*, cqc_import: CQCImport, data: bytes | None = None, user: User | None = None) -> CQCImport:
    """Run a created import to the end. Done imports are returned untouched, so running twice is harmless."""
    if cqc_import.status == ImportStatus.DONE:
        return cqc_import
    actor = user or cqc_import.uploaded_by or "system"
    if data is None:
        upload = CQCImportUpload.objects.filter(cqc_import=cqc_import).first()
        if upload is None:
            raise _fail(cqc_import, "the uploaded file is no longer stored; upload it again", actor)
        data = bytes(upload.content)

    now = timezone.now()
    _save(cqc_import, status=ImportStatus.RUNNING, phase=ImportPhase.READING, started_at=now,
          attempts=cqc_import.attempts + 1, error_message="", progress_done=0, progress_total=0)
    try:
        result = parse_ratings_file(data, cqc_import.filename)
    except CQCFileError as exc:
        raise _fail(cqc_import, str(exc), actor) from None
    rejected = list(result.rejected)
    prepared, too_long = _prepare(result.locations)
    rejected.extend(too_long)
    if not prepared:
        first = f" (first: row {rejected[0].row_number}: {rejected[0].reason})" if rejected else ""
        raise _fail(cqc_import, f"'{cqc_import.filename}' has no usable rows: all {len(rejected)} were rejected{first}",
                    actor)
    # Visible to the status page while the transaction below runs.
    _save(cqc_import, phase=ImportPhase.WRITING, progress_total=len(prepared), rows_read=result.rows_read,
          sheet_name=(result.sheet_name or "")[:100])

    progress = _Progress(cqc_import)
    try:
        with transaction.atomic():
            _lock_imports()
            counts = _upsert(cqc_import, prepared, now, progress)
            cqc_import.status = ImportStatus.DONE
            cqc_import.phase = ImportPhase.FINISHED
            cqc_import.finished_at = timezone.now()  # the end of the work, later than `now`
            cqc_import.progress_done = cqc_import.progress_total
            cqc_import.count_new, cqc_import.count_updated, cqc_import.count_unchanged = counts
            cqc_import.count_rejected = len(rejected)
            cqc_import.rejected_reasons = [{"row": r.row_number, "reason": r.reason} for r in rejected[:REJECTED_KEPT]]
            cqc_import.save()
            CQCImportUpload.objects.filter(cqc_import=cqc_import).delete()
            audit_record(
                actor=actor, action="cqc.import_done", obj=cqc_import, at=now,
                after={
                    "filename": cqc_import.filename, "sha256": cqc_import.sha256, "rows_read": cqc_import.rows_read,
                    "locations": len(prepared), "new": counts[0], "updated": counts[1], "unchanged": counts[2],
                    "rejected": len(rejected),
                },
            )
    except TRANSIENT_ERRORS as exc:
        # The transaction rolled back; the worker retries (see cqc.tasks). Best effort: the DB may be down.
        _try_save(cqc_import, status=ImportStatus.QUEUED, phase=ImportPhase.WAITING, progress_done=0,
                  error_message=f"temporary problem, the import will be retried: {exc}")
        raise
    except Exception as exc:
        _fail(cqc_import, f"the import stopped on an unexpected error and changed nothing: {exc}", actor)
        raise
    finally:
        progress.close()
    return cqc_import


def cqc_import_fail(*, cqc_import: CQCImport, message: str, user: User | None = None) -> CQCImport:
    """Mark an unfinished import failed (the worker gave up or ran out of time); nothing was written."""
    if cqc_import.is_finished:
        return cqc_import
    _fail(cqc_import, message, user or cqc_import.uploaded_by or "system")
    return cqc_import


# --- Steps -------------------------------------------------------------------------------------


def _read_bytes(src: str | os.PathLike[str] | IO[bytes] | bytes, filename: str | None) -> tuple[bytes, str]:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src), filename or "upload"
    if isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_upload_bytes() + 1)
        except FileNotFoundError:
            raise CQCImportError(f"file not found: {path}") from None
        except IsADirectoryError:
            raise CQCImportError(f"{path} is a directory, not a file") from None
        except OSError as exc:
            raise CQCImportError(f"cannot read {path}: {exc.strerror or exc}") from None
        name = filename or os.path.basename(path)
    else:
        if hasattr(src, "seek"):
            src.seek(0)
        data = src.read(max_upload_bytes() + 1)
        if isinstance(data, str):
            raise CQCImportError("open the file in binary mode ('rb')")
        name = filename or os.path.basename(str(getattr(src, "name", "") or "")) or "upload"
    if len(data) > max_upload_bytes():
        raise CQCImportError(_too_big(len(data)))
    return data, name


def _too_big(size: int) -> str:
    return f"the file is {size / 1e6:.1f} MB; the largest accepted is {max_upload_bytes() / 1e6:.0f} MB"


def _create_import(*, data: bytes, filename: str, user: User | None, status: str) -> CQCImport:
    return CQCImport.objects.create(
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        created_at=timezone.now(),
        status=status,
    )


def _save(cqc_import: CQCImport, **values: Any) -> None:
    for name, value in values.items():
        setattr(cqc_import, name, value)
    CQCImport.objects.filter(pk=cqc_import.pk).update(**values)


def _try_save(cqc_import: CQCImport, **values: Any) -> None:
    try:
        _save(cqc_import, **values)
    except DatabaseError:
        logger.warning("could not record the state of CQC import %s", cqc_import.pk, exc_info=True)


def _fail(cqc_import: CQCImport, message: str, actor: User | str) -> CQCImportError:
    """Record the failure (and audit it) in its own transaction; returns the error for the caller to raise."""
    now = timezone.now()
    try:
        with transaction.atomic():
            _save(cqc_import, status=ImportStatus.FAILED, phase=ImportPhase.FINISHED, finished_at=now,
                  progress_done=0, error_message=message)
            CQCImportUpload.objects.filter(cqc_import=cqc_import).delete()
            audit_record(actor=actor, action="cqc.import_failed", obj=cqc_import, at=now,
                         after={"filename": cqc_import.filename, "sha256": cqc_import.sha256}, note=message[:1000])
    except DatabaseError:
        logger.exception("could not record the failure of CQC import %s", cqc_import.pk)
    return CQCImportError(message, cqc_import=cqc_import)


def _location_field(name: str) -> Field[Any, Any]:
    """One of CQCLocation's own concrete fields (get_field's stub also admits reverse relations; these never are)."""
    return cast("Field[Any, Any]", CQCLocation._meta.get_field(name))


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None, field.name  # every concrete, non-many-to-many field has a column
    return field.column


def _clip(value: str, field: str) -> str:
    limit = _location_field(field).max_length
    return value[:limit] if limit and len(value) > limit else value


def location_values(record: LocationRecord, _iso: dict[Any, str | None] | None = None) -> dict[str, Any]:
    """The stored columns for a parsed location (without bookkeeping fields)."""
    iso = _iso if _iso is not None else {}
    rows = []
    for row in record.service_ratings:
        day = row.publication_date
        if day not in iso:  # a file has few distinct dates: format each once
            iso[day] = day.isoformat() if day else None
        rows.append([row.service_group, row.domain, row.rating, iso[day]])
    return {
        "provider_id": record.provider_id,
        "location_name": _clip(record.location_name, "location_name"),
        "provider_name": _clip(record.provider_name, "provider_name"),
        "location_type": _clip(record.location_type, "location_type"),
        "service_types": list(record.service_types),
        "local_authority": _clip(record.local_authority, "local_authority"),
        "postcode": _clip(record.postcode, "postcode"),
        "overall_rating": record.overall_rating or "",
        **{key: record.key_question_ratings.get(key) or "" for key in KEY_QUESTIONS},
        "publication_date": record.publication_date,
        "url": _clip(record.url, "url"),
        "rating_rows": rows,
        "is_inadequate": bool(has_inadequate(record)),
        "is_unrated": is_unrated(record),
    }


def content_digest(values: dict[str, Any]) -> str:
    """SHA-256 of the stored content: equal digests mean the location is unchanged.

    The values are str, bool, None, dates and lists of those, whose repr() is stable, and
    repr() is several times faster than json.dumps here.
    """
    return hashlib.sha256(repr(sorted(values.items())).encode("utf-8")).hexdigest()


def _prepare(records: Sequence[LocationRecord]) -> tuple[list[tuple[str, dict[str, Any]]], list[RejectedRow]]:
    id_limit = CQCLocation._meta.get_field("location_id").max_length or 50
    prepared: list[tuple[str, dict[str, Any]]] = []
    rejected: list[RejectedRow] = []
    iso: dict[Any, str | None] = {}
    for record in records:
        if len(record.location_id) > id_limit or len(record.provider_id) > id_limit:
            # The parser gives row numbers per row; this is per location, so 0 means "all its rows".
            rejected.append(RejectedRow(0, f"location {record.location_id[:60]!r}: Location ID or Provider ID "
                                           f"longer than {id_limit} characters"))
            continue
        values = location_values(record, iso)
        values["content_digest"] = content_digest(values)
        prepared.append((record.location_id, values))
    return prepared, rejected


def _lock_imports() -> None:
    """Serialise imports: PostgreSQL advisory lock for this transaction (SQLite has one writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _upsert(
    cqc_import: CQCImport, prepared: Sequence[tuple[str, dict[str, Any]]], now: Any, progress: _Progress
) -> tuple[int, int, int]:
    """Write new and changed locations; (new, updated, unchanged). Runs inside the import's transaction."""
    existing = dict(CQCLocation.objects.values_list("location_id", "content_digest"))
    new = updated = unchanged = 0
    statement, per_statement, convert = _upsert_statement(cqc_import.pk, now)
    done = 0
    for batch in _batches(prepared, BATCH_SIZE):
        rows = []
        for location_id, values in batch:
            old = existing.get(location_id)
            if old == values["content_digest"]:
                unchanged += 1
                continue
            if old is None:
                new += 1
            else:
                updated += 1
            rows.append(convert(location_id, values))
        if rows:
            if connection.vendor == "postgresql":
                _copy_upsert(rows)
            else:
                with connection.cursor() as cursor:
                    for chunk in _batches(rows, per_statement):
                        cursor.execute(statement(len(chunk)), [value for row in chunk for value in row])
        done += len(batch)
        progress.report(done)
    return new, updated, unchanged


def _upsert_statement(
    import_pk: int, now: Any
) -> tuple[Callable[[int], str], int, Callable[[str, dict[str, Any]], tuple[Any, ...]]]:
    """Multi-row INSERT ... ON CONFLICT (location_id) DO UPDATE: the same SQL on PostgreSQL and SQLite 3.24+.

    Returns (SQL for n rows, rows per statement, row -> parameters). Raw SQL because it is
    several times faster than bulk_create for tens of thousands of rows (no model
    instances, no per-field preparation, many rows per round trip); values go through the
    backend's own adapters so they are stored exactly as the ORM stores them.
    """
    ops = connection.ops
    fields = [_location_field(name) for name in ("location_id", *_WRITTEN_FIELDS)]
    quoted = [ops.quote_name(_column(f)) for f in fields]
    updates = ", ".join(f"{q} = excluded.{q}" for q in quoted[1:])
    head = f"INSERT INTO {ops.quote_name(CQCLocation._meta.db_table)} ({', '.join(quoted)}) VALUES "
    tail = f" ON CONFLICT ({ops.quote_name('location_id')}) DO UPDATE SET {updates}"
    one = "(" + ", ".join(["%s"] * len(quoted)) + ")"
    max_params = connection.features.max_query_params or 20_000
    per_statement = max(1, min(500, max_params // len(quoted)))
    cache: dict[int, str] = {}

    def statement(n: int) -> str:
        if n not in cache:
            cache[n] = head + ", ".join([one] * n) + tail
        return cache[n]

    json_fields = {f.name for f in fields if f.get_internal_type() == "JSONField"}
    stamp = ops.adapt_datetimefield_value(now)

    def convert(location_id: str, values: dict[str, Any]) -> tuple[Any, ...]:
        row: list[Any] = [location_id]
        for name in _WRITTEN_FIELDS:
            if name == "changed_by_import":
                row.append(import_pk)
            elif name == "updated_at":
                row.append(stamp)
            elif name == "publication_date":
                row.append(ops.adapt_datefield_value(values[name]))
            elif name in json_fields:
                row.append(ops.adapt_json_value(values[name], None))
            else:
                row.append(values[name])
        return tuple(row)

    return statement, per_statement, convert


_STAGE = "cqc_location_stage"


def _copy_upsert(rows: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT ... SELECT ... ON CONFLICT.

    COPY is several times faster than multi-row INSERTs with client-side parameter binding.
    """
    ops = connection.ops
    quoted = [ops.quote_name(_column(_location_field(name))) for name in ("location_id", *_WRITTEN_FIELDS)]
    columns = ", ".join(quoted)
    table = ops.quote_name(CQCLocation._meta.db_table)
    updates = ", ".join(f"{q} = excluded.{q}" for q in quoted[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ON COMMIT DROP AS "
                       f"SELECT {columns} FROM {table} WITH NO DATA")
        cursor.execute(f"TRUNCATE {_STAGE}")
        with cursor.cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE} "
                       f"ON CONFLICT ({ops.quote_name('location_id')}) DO UPDATE SET {updates}")


class _Progress:
    """Progress writes during the import's transaction, on a second connection where the database allows it."""

    def __init__(self, cqc_import: CQCImport) -> None:
        self.pk = cqc_import.pk
        self.table = CQCImport._meta.db_table
        self._side = None
        if connection.vendor == "postgresql":
            try:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._side.cursor() as cursor:  # never wait long on a row lock: progress is best effort
                    cursor.execute("SET lock_timeout = '500ms'")
            except DatabaseError:
                logger.warning("no second connection for CQC import progress", exc_info=True)
                self._side = None

    def _write(self, sql: str, params: list[Any]) -> None:
        if self._side is None:
            return
        try:
            with self._side.cursor() as cursor:
                cursor.execute(sql.format(table=self._side.ops.quote_name(self.table)), params)
        except DatabaseError:
            logger.info("CQC import %s: progress not recorded", self.pk, exc_info=True)

    def report(self, done: int) -> None:
        self._write("UPDATE {table} SET progress_done = %s WHERE id = %s AND progress_total >= %s", [done, self.pk, done])

    def close(self) -> None:
        if self._side is not None:
            try:
                self._side.close()
            except DatabaseError:  # pragma: no cover - closing a broken connection
                pass
            self._side = None
