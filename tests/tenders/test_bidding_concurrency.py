"""Submission under concurrent requests (PostgreSQL): row locks, the server clock and unique keys.

SQLite serialises writers anyway, so these run only where DATABASE_URL points at PostgreSQL
(.ci/run's second pass).
"""
from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from common.errors import DeadlinePassed, RuleViolation
from tenders import services
from tenders.models import BidVersion, BidVersionStatus, LateSubmissionAttempt, Tender
from tests.factories import ProviderFactory, UserFactory
from tests.tenders.bidding_support import complete_draft, open_tender

pytestmark = [
    pytest.mark.postgres,
    # Skipped before any database set-up, so SQLite runs never pay for (or flush after) a transactional test.
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL); SQLite serialises writes anyway",
    ),
    pytest.mark.django_db(transaction=True),
]


def _run(workers: int, work) -> list[object]:
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_burst_of_retries_with_one_key_makes_one_version(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    complete_draft(bid, bidder)
    results = _run(20, lambda i: services.bid_submit(bid=bid, user=bidder, idempotency_key="burst"))
    assert all(isinstance(r, services.SubmitResult) for r in results), results
    assert len({r.version.pk for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert BidVersion.objects.filter(bid=bid).count() == 1


def test_a_burst_with_different_keys_still_makes_one_version(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    complete_draft(bid, bidder)
    results = _run(20, lambda i: services.bid_submit(bid=bid, user=bidder, idempotency_key=f"k{i}"))
    done = [r for r in results if isinstance(r, services.SubmitResult)]
    assert len(done) == 1
    assert all(isinstance(r, RuleViolation) for r in results if r not in done), results
    assert BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).count() == 1


def test_at_the_deadline_every_submission_is_either_on_time_or_recorded_late():
    tender = open_tender()
    users = []
    for i in range(24):
        user = UserFactory(username=f"burst{i}", role="provider", provider=ProviderFactory())
        bid = services.bid_start(tender=tender, user=user)
        complete_draft(bid, user)
        users.append((user, bid))
    deadline = timezone.now() + timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=deadline, clarification_deadline=deadline)

    def work(i: int):
        time.sleep(random.uniform(0.5, 1.5))
        user, bid = users[i]
        return services.bid_submit(bid=bid, user=user, idempotency_key=f"deadline-{i}")

    results = _run(len(users), work)
    on_time = [r for r in results if isinstance(r, services.SubmitResult)]
    late = [r for r in results if isinstance(r, DeadlinePassed)]
    assert len(on_time) + len(late) == len(users), [r for r in results if not isinstance(r, (services.SubmitResult, DeadlinePassed))]
    assert all(r.version.submitted_at < deadline for r in on_time)
    attempts = list(LateSubmissionAttempt.objects.filter(tender=tender))
    assert len(attempts) == len(late)
    assert all(a.attempted_at >= deadline for a in attempts)
