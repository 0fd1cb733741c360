"""A probe, not a service: the accepted submission written as hand-written SQL (bench only).

Why: docs/benchmarks.md lists "hand-written SQL for the hot path" as one way to meet issue 17's
deadline-burst target (p99 within 1.5x a bare insert). Before anyone chooses it, this prices it.
It reads and writes what the real path does, as few plain SQL strings as that allows (nine, against
the real path's fourteen): the bid's row lock, with its tender, provider, amendment and question
counts and the latest CQC import as subqueries (the real path also reads the bid once before, for
the view's ownership check); the draft or the replayed version; the draft's prices, answers and
documents in one UNION ALL; the version frozen; the bid marked submitted; the audit chain head (with
whether entries wait to be sealed), the entry, the head moved on. Everything else is the project's
own pure code: `tenders.bidding_rules.submission_problems`, the canonical content and its digest,
the audit entry's keyed hash. No model instances, no ORM compilation.

It is served only by bench/bare_urls.py, and only the burst benchmark calls it, on its own tender;
tests/bench/test_raw_submit_probe.py shows it freezes the same content the service would. Left out,
because they would only add cost: re-submission after a revision (superseding a live version),
re-confirmation, the record of a late attempt, the named CQC locations' check when CQC data has been
imported (the benchmark has none; the probe refuses rather than skip it), and sealing other writers'
entries (this entry then goes in unsealed and the same sealer as the real path's chains it after the
commit).
"""
from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.arrival import request_arrival
from common.audit import _jsonable, _to_millisecond, audit_seal
from common.models import AuditChainHead, AuditEntry
from cqc.models import CQCImport
from providers.models import Provider
from tenders.bidding_rules import LotSpec, PriceRow, QuestionSpec, submission_problems
from tenders.models import Amendment, Bid, BidAnswer, BidDocument, BidLotPrice, BidVersion, Lot, QualityQuestion, Tender
from tenders.receipts import canonical_json, content_digest
from zones.models import Zone


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _statements(vendor: str) -> dict[str, str]:
    """The probe's nine statements (PostgreSQL's row locks; SQLite, one writer at a time, needs none)."""
    lock = " FOR UPDATE OF b" if connection.features.has_select_for_update_of else ""
    skip = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    return {
        "bid": (
            "SELECT b.id, b.reference, b.status, b.provider_id, t.id, t.reference, t.status, t.submission_deadline,"
            " p.name, p.cqc_provider_id, p.status,"
            f" (SELECT COUNT(*) FROM {_t(Amendment)} a WHERE a.tender_id = t.id),"
            f" (SELECT COUNT(*) FROM {_t(QualityQuestion)} q WHERE q.tender_id = t.id),"
            f" (SELECT id FROM {_t(CQCImport)} WHERE status = 'done' ORDER BY finished_at DESC, id DESC LIMIT 1)"
            f" FROM {_t(Bid)} b JOIN {_t(Tender)} t ON t.id = b.tender_id JOIN {_t(Provider)} p ON p.id = b.provider_id"
            f" WHERE b.reference = %s{lock}"
        ),
        "versions": (
            "SELECT id, number, status, idempotency_key, cqc_location_ids, declarations, digest, submitted_at, content"
            f" FROM {_t(BidVersion)} WHERE bid_id = %s AND (status = 'draft' OR idempotency_key = %s)"
        ),
        "rows": (
            "SELECT 'p', l.id, l.number, l.tender_id, z.code, z.name, l.package_pricing, r.hourly_price, r.package_price,"
            " NULL FROM " + f"{_t(BidLotPrice)} r JOIN {_t(Lot)} l ON l.id = r.lot_id JOIN {_t(Zone)} z ON z.id = l.zone_id"
            " WHERE r.version_id = %s UNION ALL"
            " SELECT 'a', q.id, q.number, q.tender_id, NULL, NULL, NULL, q.word_limit, NULL, a.text"
            f" FROM {_t(BidAnswer)} a JOIN {_t(QualityQuestion)} q ON q.id = a.question_id WHERE a.version_id = %s"
            " UNION ALL SELECT 'd', size, NULL, NULL, original_name, sha256, NULL, NULL, NULL, content_type"
            f" FROM {_t(BidDocument)} WHERE version_id = %s"
        ),
        "freeze": (
            f"UPDATE {_t(BidVersion)} SET status = 'submitted', submitted_at = %s, submitted_by_id = %s,"
            " idempotency_key = %s, content = %s, digest = %s WHERE id = %s"
        ),
        "mark": f"UPDATE {_t(Bid)} SET status = 'submitted', submitted_at = %s, needs_reconfirmation = %s WHERE id = %s",
        "head": (
            "SELECT last_sequence, last_hash, EXISTS (SELECT 1 FROM"
            f" {_t(AuditEntry)} WHERE sequence IS NULL) FROM {_t(AuditChainHead)} WHERE id = 1{skip}"
        ),
        "entry": (
            f"INSERT INTO {_t(AuditEntry)} (sequence, at, actor_id, actor_label, action, object_type, object_id,"
            " object_repr, before, after, note, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s)"
        ),
        "move_head": f"UPDATE {_t(AuditChainHead)} SET last_sequence = %s, last_hash = %s WHERE id = 1",
    }


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class RawSubmitView(APIView):
    """POST /bench/raw-submit/<reference>/ with an Idempotency-Key: the probe described above."""

    def post(self, request: Request, reference: str) -> Response:
        key = str(request.headers.get("Idempotency-Key", ""))[:64]
        user = request.user
        sql = _statements(connection.vendor)
        now = request_arrival() or timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql["bid"], [reference])
            row = cursor.fetchone()
            if row is None or row[3] != getattr(user, "provider_id", None):
                return Response({"detail": "No such bid."}, status=404)
            (bid_id, bid_ref, _bid_status, _provider_id, tender_id, tender_ref, tender_status, deadline,
             provider_name, cqc_provider_id, provider_status, amendments, question_count, cqc_import) = row
            if cqc_import is not None:  # the real path would then read the named locations: not priced here
                return Response({"detail": "The probe does not check CQC locations."}, status=501)
            if timezone.is_naive(deadline):  # SQLite's driver hands back UTC without its zone
                deadline = timezone.make_aware(deadline, UTC)
            cursor.execute(sql["versions"], [bid_id, key])
            draft = None
            for version in cursor.fetchall():
                if key and version[3] == key:
                    return Response({"bid": bid_ref, "version": version[1], "digest": version[6], "replayed": True})
                draft = version
            if draft is None:
                return Response({"detail": "There is no draft to submit."}, status=400)
            if now >= deadline or tender_status != "published" or provider_status != "approved":
                return Response({"detail": "Not open for this submission."}, status=409)
            version_id, number, _status, _key, location_ids, declarations = draft[:6]
            location_ids, declarations = _decoded(location_ids), _decoded(declarations)
            cursor.execute(sql["rows"], [version_id] * 3)
            rows = cursor.fetchall()
            prices = [r[1:9] for r in rows if r[0] == "p"]
            answers = [(r[1], r[2], r[3], r[7], r[9]) for r in rows if r[0] == "a"]
            documents = [(r[4], r[5], r[1], r[9]) for r in rows if r[0] == "d"]
            problems = submission_problems(
                lots=[LotSpec(id=p[0], number=p[1], name=p[4], package_pricing=p[5]) for p in prices if p[2] == tender_id],
                questions=[QuestionSpec(id=a[0], number=a[1], word_limit=a[3]) for a in answers if a[2] == tender_id]
                if len(answers) == question_count else [],
                prices=[PriceRow(lot_id=p[0], hourly_price=_decimal(p[6]), package_price=_decimal(p[7])) for p in prices],
                answers={a[0]: a[4] for a in answers}, location_ids=location_ids, declarations=declarations,
            )
            if problems or len(answers) != question_count:
                return Response({"detail": "Your bid is not complete."}, status=400)
            content = {
                "bid": bid_ref, "tender": tender_ref,
                "provider": {"name": provider_name, "cqc_provider_id": cqc_provider_id},
                "version": number,
                "lots": [{"lot": p[1], "zone": p[3], "hourly_price": str(_decimal(p[6])),
                          "package_price": None if p[7] is None else str(_decimal(p[7]))}
                         for p in sorted(prices, key=lambda p: p[1])],
                "answers": [{"question": a[1], "text": a[4]} for a in sorted(answers, key=lambda a: a[1])],
                "cqc_location_ids": sorted(location_ids), "declarations": declarations,
                "documents": [{"name": d[0], "sha256": d[1], "size": d[2], "content_type": d[3]}
                              for d in sorted(documents, key=lambda d: (d[0], d[1]))],
                "submitted_at": now.astimezone(UTC).isoformat(timespec="microseconds"),
                "amendments_acknowledged": amendments,
            }
            digest, frozen = content_digest(content), canonical_json(content)
            cursor.execute(sql["freeze"], [now, user.pk, key, frozen, digest, version_id])
            cursor.execute(sql["mark"], [now, False, bid_id])
            self._audit(cursor, sql, user=user, bid_id=bid_id, bid_ref=bid_ref, number=number, digest=digest, now=now)
        return Response({"bid": bid_ref, "tender": tender_ref, "version": number, "digest": digest,
                         "submitted_at": now, "content": content, "canonical_json": frozen,
                         "replayed": False}, status=201)

    @staticmethod
    def _audit(cursor: Any, sql: dict[str, str], *, user: Any, bid_id: int, bid_ref: str, number: int, digest: str,
               now: datetime) -> None:
        entry = AuditEntry(
            at=_to_millisecond(now), actor=user, actor_label=user.get_username(), action="bid.submitted",
            object_type=Bid._meta.label, object_id=str(bid_id), object_repr=bid_ref,
            after=_jsonable({"version": number, "digest": digest, "submitted_at": now}),
            note="Content sealed; the audit trail keeps only the digest.",
        )
        cursor.execute(sql["head"])
        head = cursor.fetchone()
        sealed = head is not None and not head[2]  # the head is ours and nothing waits: the entry goes in sealed
        if sealed:
            entry.sequence, entry.prev_hash = head[0] + 1, head[1]
            entry.hash = entry.compute_hash()
        cursor.execute(sql["entry"], [entry.sequence, entry.at, user.pk, entry.actor_label, entry.action,
                                      entry.object_type, entry.object_id, entry.object_repr,
                                      json.dumps(entry.after), entry.note, entry.prev_hash, entry.hash])
        if sealed:
            cursor.execute(sql["move_head"], [entry.sequence, entry.hash])
        else:
            transaction.on_commit(lambda: audit_seal(wait=False), robust=True)


def _decoded(value: Any) -> Any:
    """A JSON column as Python: PostgreSQL's driver decodes jsonb, SQLite hands back the text."""
    return json.loads(value) if isinstance(value, str) else value
