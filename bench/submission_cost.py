"""Submission cost: what one accepted submission costs against the bare insert, one request at a time.

Why: with every request of the deadline burst arriving in the same instant, its p99 is the time
to drain the queue, so its ratio (issue 17: within 1.5x the bare insert) is roughly the ratio of
the two requests' own costs. This measures those costs directly, in-process and without a queue,
as CPU time of this process (Django's test Client runs the whole request in it: middleware, token
authentication, DRF, the service), alternating the two endpoints. It also prices single ORM
statements of the kind a submission cannot do without, in the same run, so the budget the 1.5x
target leaves (half a bare insert) can be set against them, and measures the hand-written SQL probe
(bench/raw_submit.py) the same way, alternated with the other two.

Data: `bench.burst_data.burst_tender`, the burst's own providers with complete drafts and tokens.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.common import Result, percentile

TARGET_RATIO = 1.5  # issue 17's deadline-burst target, applied here to the cost of one request


@dataclass(frozen=True)
class Size:
    providers: int  # each submits once; the bare insert gets as many requests


FULL = Size(providers=200)
SMOKE = Size(providers=6)


def run(size: Size = FULL) -> Result:
    from django.test import override_settings

    # The bare endpoint is only routed by the bench URLconf (also when run from the test suite).
    with override_settings(ROOT_URLCONF="bench.bare_urls"):
        return _run(size)


def _cpu_ms(action: Callable[[], Any]) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


def _run(size: Size) -> Result:
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bench.bare_views import bare_table_create
    from bench.burst_data import burst_tender
    from tenders.models import Bid

    bare_table_create()
    setup = burst_tender(providers=size.providers + 1, deadline=timezone.now() + timedelta(hours=1),
                         prefix="COST", tokens=True)
    warm, bidders = setup.bidders[0], setup.bidders[1:]
    # The hand-written SQL probe (bench/raw_submit.py) submits the same drafts of its own tender.
    probe_setup = burst_tender(providers=size.providers + 1, deadline=timezone.now() + timedelta(hours=1),
                               prefix="COSTRAW", tokens=True)
    probe_warm, probe_bidders = probe_setup.bidders[0], probe_setup.bidders[1:]
    client = Client()

    def submit(reference: str, token: str, key: str) -> None:
        response = client.post(f"/api/bids/{reference}/submit/", data="{}", content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, (response.status_code, response.content[:300])

    def bare(token: str, key: str) -> None:
        response = client.post("/bench/bare-insert/", data=f'{{"key": "{key}"}}', content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 201, (response.status_code, response.content[:300])

    def probe(reference: str, token: str, key: str) -> None:
        response = client.post(f"/bench/raw-submit/{reference}/", data="{}", content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, (response.status_code, response.content[:300])

    submit(warm.reference, warm.token, "warm")  # first requests pay for imports and caches
    bare(warm.token, "warm")
    probe(probe_warm.reference, probe_warm.token, "warm")
    submit_ms: list[float] = []
    bare_ms: list[float] = []
    probe_ms: list[float] = []
    for n, (bidder, prober) in enumerate(zip(bidders, probe_bidders, strict=True)):
        submit_ms.append(_cpu_ms(lambda b=bidder, n=n: submit(b.reference, b.token, f"cost-{n}")))
        bare_ms.append(_cpu_ms(lambda b=bidder, n=n: bare(b.token, f"cost-{n}")))
        probe_ms.append(_cpu_ms(lambda b=prober, n=n: probe(b.reference, b.token, f"cost-{n}")))

    references = [b.reference for b in bidders]

    def each(statement: Callable[[str], Any]) -> float:
        return percentile([_cpu_ms(lambda r=r: statement(r)) for r in references], 50)

    def raw_lookup(reference: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM tenders_bid WHERE reference = %s", [reference])
            return cursor.fetchone()

    def lock_and_save(reference: str) -> None:
        with transaction.atomic():
            bid = Bid.objects.select_for_update().get(reference=reference)
            bid.save(update_fields=["needs_reconfirmation"])

    statements = {
        "orm_bid_with_tender_and_provider_ms": each(
            lambda r: Bid.objects.select_related("tender", "provider").filter(reference=r).first()
        ),
        "orm_bid_id_ms": each(lambda r: Bid.objects.filter(reference=r).values_list("pk", flat=True).first()),
        "orm_lock_and_save_ms": each(lock_and_save),
        "raw_sql_bid_id_ms": each(raw_lookup),
    }

    submit_p50, bare_p50, probe_p50 = percentile(submit_ms, 50), percentile(bare_ms, 50), percentile(probe_ms, 50)
    budget = (TARGET_RATIO - 1) * bare_p50
    result = Result(
        name="submission cost",
        workload=f"{len(bidders)} accepted submissions and as many bare inserts, alternated, one at a time",
        absolute=submit_p50,
        baseline=bare_p50,
        unit="ms",
        target=f"CPU p50 <= {TARGET_RATIO}x the bare insert (the burst's target, per request)",
        ratio_target=f"<= {TARGET_RATIO}x",
        met=submit_p50 <= TARGET_RATIO * bare_p50,
        figures={
            "submit_cpu_p50_ms": round(submit_p50, 2), "submit_cpu_p90_ms": round(percentile(submit_ms, 90), 2),
            "bare_cpu_p50_ms": round(bare_p50, 2), "bare_cpu_p90_ms": round(percentile(bare_ms, 90), 2),
            "budget_beyond_bare_ms": round(budget, 2),
            "hand_written_sql_cpu_p50_ms": round(probe_p50, 2), "hand_written_sql_ratio": round(probe_p50 / bare_p50, 2),
            **{name: round(value, 3) for name, value in statements.items()},
        },
    )
    result.notes.append(
        f"CPU per request, p50: submission {submit_p50:.2f} ms, bare insert {bare_p50:.2f} ms "
        f"({submit_p50 / bare_p50:.1f}x); the {TARGET_RATIO}x target leaves {budget:.2f} ms beyond the bare insert"
    )
    result.notes.append(
        f"the hand-written SQL probe (bench/raw_submit.py), CPU p50 {probe_p50:.2f} ms ({probe_p50 / bare_p50:.1f}x the "
        "bare insert): what the same reads and writes cost without the ORM"
    )
    result.notes.append(
        "single statements, CPU p50: ORM bid with tender and provider "
        f"{statements['orm_bid_with_tender_and_provider_ms']:.2f} ms, ORM bid id "
        f"{statements['orm_bid_id_ms']:.2f} ms, ORM row lock and save in a transaction "
        f"{statements['orm_lock_and_save_ms']:.2f} ms, raw SQL bid id {statements['raw_sql_bid_id_ms']:.2f} ms"
    )
    return result
