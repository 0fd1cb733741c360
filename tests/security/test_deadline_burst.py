"""Deadline burst (issue 8, item 3): 200 providers submit at once around the deadline, some retrying.

What must hold, by database constraints and transactions rather than luck: every
submission that reaches the server before the deadline is stored exactly once with a
receipt whose digest recomputes; every one after it is refused (409) and recorded as a
late attempt; a retry with the same idempotency key returns the same receipt, before or
after the deadline; no bid ends up with two live submissions; nothing is lost.

The deadline is real: it is set a few seconds ahead and the submissions are spread from
well before it to a second after it, so some land on each side (the server's clock, read
under the bid's row lock, decides which). PostgreSQL only: SQLite serialises writers and
has no row locks, so it would prove nothing here.
"""
from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from bench.burst_data import burst_tender
from common.audit import audit_verify
from common.models import AuditEntry
from tenders.models import Bid, BidStatus, BidVersion, LateSubmissionAttempt, Tender
from tenders.receipts import content_digest

PROVIDERS = 200
WORKERS = 32  # PostgreSQL allows 100 connections here; every thread closes its own when done
LEAD_SECONDS = 3.0  # from the start of the burst to the deadline
TAIL_SECONDS = 1.0  # submissions keep coming this long after it

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (row locks, concurrent transactions); .ci/run runs it with DATABASE_URL set",
    ),
]


@dataclass
class Attempt:
    provider: int
    key: str
    kind: str  # "first", "racing retry" (sent at the same moment), "late retry" (after the burst)
    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    sent_at: datetime | None = None  # server clock, just before the request was made


def _submit(user: User, reference: str, attempt: Attempt, at: float | None = None) -> Attempt:
    """One HTTP submission through the API, on this thread's own database connection."""
    try:
        if at is not None:
            time.sleep(max(0.0, at - time.monotonic()))
        client = APIClient()
        client.force_authenticate(user=user)
        attempt.sent_at = timezone.now()
        response = client.post(f"/api/bids/{reference}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY=attempt.key)
        attempt.status = response.status_code
        attempt.body = response.json()
    except Exception as exc:  # noqa: BLE001 - any crash is a lost submission, reported below
        attempt.error = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    return attempt


@pytest.mark.django_db(transaction=True)
def test_it_stores_every_submission_before_the_deadline_once_and_refuses_every_one_after():
    setup = burst_tender(providers=PROVIDERS, deadline=timezone.now() + timedelta(days=1))
    users = {u.pk: u for u in User.objects.select_related("provider").filter(pk__in=[b.user_id for b in setup.bidders])}
    start = time.monotonic() + 0.2
    deadline = timezone.now() + timedelta(seconds=0.2 + LEAD_SECONDS)
    Tender.objects.filter(pk=setup.tender_id).update(submission_deadline=deadline)

    # Every provider once, spread evenly over the window; every 4th also races a retry with the same key.
    window = LEAD_SECONDS + TAIL_SECONDS
    jobs = []
    for i, bidder in enumerate(setup.bidders):
        at = start + window * i / PROVIDERS
        key = f"burst-{i:04d}-key"
        jobs.append((bidder, Attempt(i, key, "first"), at))
        if i % 4 == 0:
            jobs.append((bidder, Attempt(i, key, "racing retry"), at))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        attempts = list(pool.map(lambda job: _submit(users[job[0].user_id], job[0].reference, job[1], job[2]), jobs))

    # After the deadline, every 5th provider retries with its key as a client that never saw the answer would.
    late_jobs = [(b, Attempt(i, f"burst-{i:04d}-key", "late retry")) for i, b in enumerate(setup.bidders) if i % 5 == 0]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        attempts += list(pool.map(lambda job: _submit(users[job[0].user_id], job[0].reference, job[1]), late_jobs))
    assert timezone.now() >= deadline

    # Every answer is a receipt (201 new, 200 replayed) or a refusal for lateness; never a crash or a 5xx.
    crashed = [a for a in attempts if a.error or a.status not in (200, 201, 409)]
    assert not crashed, crashed[:3]
    refusals = [a for a in attempts if a.status == 409]
    assert all(a.body.get("code") == "DeadlinePassed" for a in refusals), refusals[:3]

    by_provider: dict[int, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_provider[a.provider].append(a)
    versions = defaultdict(list)
    for v in BidVersion.objects.filter(bid__tender_id=setup.tender_id).select_related("bid"):
        versions[v.bid.reference].append(v)
    late_rows = defaultdict(list)
    for row in LateSubmissionAttempt.objects.filter(tender_id=setup.tender_id).select_related("bid"):
        late_rows[row.bid.reference].append(row)

    stored = refused = lost = duplicated = 0
    for i, bidder in enumerate(setup.bidders):
        mine = by_provider[i]
        receipts = [a for a in mine if a.status in (200, 201)]
        submitted = [v for v in versions[bidder.reference] if v.status == "submitted"]
        # No new version is ever made by a submit: the draft itself is frozen.
        duplicated += len(versions[bidder.reference]) != 1 or len(submitted) > 1
        if submitted:
            stored += 1
            version = submitted[0]
            assert version.submitted_at < deadline
            assert version.idempotency_key == f"burst-{i:04d}-key"
            assert version.digest == content_digest(version.content), "the receipt's digest must recompute"
            assert version.content["submitted_at"] == version.submitted_at.isoformat(timespec="microseconds")
            # Exactly one request did the submitting; every other request with the key got the same receipt.
            assert [a.status for a in receipts].count(201) == 1, [(a.kind, a.status) for a in mine]
            assert {a.body["digest"] for a in receipts} == {version.digest}
            assert all(a.body["replayed"] for a in receipts if a.status == 200)
            # A retry after the stored submission gets the receipt back, even after the deadline. The only request
            # with the key that may be refused is one that itself reached the server after the deadline and got
            # the bid's lock before its on-time twin had stored anything. This test's client threads share the
            # server's process, so on a loaded machine they fall behind and send some requests late.
            refused_mine = [a for a in mine if a.status == 409]
            assert all(a.kind != "late retry" for a in refused_mine), [(a.kind, a.status, a.sent_at) for a in mine]
            assert len(late_rows[bidder.reference]) == len(refused_mine)
            assert all(row.attempted_at >= deadline for row in late_rows[bidder.reference])
        else:
            refused += 1
            assert not receipts, f"provider {i} was given a receipt for a submission that is not stored"
            lost += bool(receipts)
            rows = late_rows[bidder.reference]
            assert len(rows) == len([a for a in mine if a.status == 409]), "every refusal is kept on record"
            assert all(row.attempted_at >= deadline and row.deadline == deadline for row in rows)
            assert Bid.objects.get(pk=bidder.bid_id).status == BidStatus.DRAFT
        # Nothing vanished: every provider either holds a stored receipt or has its late attempts on record.
        lost += not submitted and not late_rows[bidder.reference]

    summary = (
        f"deadline burst: {PROVIDERS} providers, {len(attempts)} submission requests "
        f"({sum(a.kind != 'first' for a in attempts)} retries), stored {stored}, refused {refused}, "
        f"lost {lost}, duplicated {duplicated}"
    )
    print(summary)
    assert lost == 0 and duplicated == 0, summary
    assert stored + refused == PROVIDERS
    assert stored > 0 and refused > 0, f"the burst must straddle the deadline: {summary}"

    # The server clock separates the two groups cleanly, and the audit trail agrees and is intact.
    accepted_at = [v.submitted_at for vs in versions.values() for v in vs if v.status == "submitted"]
    refused_at = [row.attempted_at for rows in late_rows.values() for row in rows]
    assert max(accepted_at) < deadline <= min(refused_at)
    assert Bid.objects.filter(tender_id=setup.tender_id, status=BidStatus.SUBMITTED).count() == stored
    assert AuditEntry.objects.filter(action="bid.submitted").count() == stored
    assert AuditEntry.objects.filter(action="bid.late_submission_refused").count() == len(refusals)
    assert audit_verify().ok
