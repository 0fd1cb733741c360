"""API list: GET /api/tenders/ (its first page of 50) with 500 tenders of 10 lots (and 5 questions) each.

Measured through Django's test Client (the whole stack: middleware, session auth, DRF,
serialization), against a bare DRF endpoint behind the same middleware and authentication
(bench.bare_views.BareListView). Also counts the queries one listing makes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bench.common import Result, percentile

TARGET_RATIO = 10.0  # issue 17: the paginated list within 10x the bare endpoint


@dataclass(frozen=True)
class Size:
    tenders: int
    lots: int
    questions: int
    requests: int


FULL = Size(tenders=500, lots=10, questions=5, requests=30)
SMOKE = Size(tenders=6, lots=3, questions=2, requests=3)


def build(size: Size, prefix: str = "BENCH") -> None:
    """Tenders, zones, lots and questions in bulk (no factories: 5,000 lots should take a second, not a minute)."""
    from django.utils import timezone

    from pricing.models import RatePreset
    from tenders.models import Lot, QualityQuestion, ServiceType, Tender
    from tenders.transitions import TenderStatus
    from zones.models import Rurality, Zone

    now = timezone.now()
    preset = RatePreset.objects.order_by("pk").first()
    zones = Zone.objects.bulk_create(
        Zone(code=f"{prefix.lower()}-zone-{n}", name=f"{prefix} zone {n}", local_authority="Benchshire",
             rurality=[Rurality.URBAN, Rurality.MIXED, Rurality.RURAL][n % 3])
        for n in range(size.lots)
    )
    statuses = [TenderStatus.PUBLISHED.value, TenderStatus.DRAFT.value, TenderStatus.CLOSED.value]
    tenders = Tender.objects.bulk_create(
        Tender(
            reference=f"{prefix}-{n:05d}", title=f"{prefix} tender {n}", service_type=ServiceType.REABLEMENT,
            status=statuses[n % len(statuses)], submission_deadline=now + timedelta(days=30),
            clarification_deadline=now + timedelta(days=20), rate_preset=preset, published_at=now,
        )
        for n in range(size.tenders)
    )
    if any(t.pk is None for t in tenders):  # backends that do not return bulk keys
        tenders = list(Tender.objects.filter(reference__startswith=f"{prefix}-").order_by("reference"))
    Lot.objects.bulk_create(
        (Lot(tender=t, number=i + 1, zone=zones[i], hours_per_week=Decimal(100 + 37 * i), ceiling_price=Decimal("31.00"))
         for t in tenders for i in range(size.lots)),
        batch_size=2000,
    )
    QualityQuestion.objects.bulk_create(
        (QualityQuestion(tender=t, number=i + 1, text=f"Question {i + 1}: how will you deliver the service?",
                         weight=Decimal(20), max_score=5)
         for t in tenders for i in range(size.questions)),
        batch_size=2000,
    )


def run(size: Size = FULL) -> Result:
    """Build the data, then time the listing and the bare endpoint, interleaved."""
    from django.test import override_settings

    # The bare endpoint is only routed by the bench URLconf (also when run from the test suite).
    with override_settings(ROOT_URLCONF="bench.bare_urls"):
        return _run(size)


def _run(size: Size) -> Result:
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User

    build(size)
    user = User.objects.create_user(username="bench-commissioner", password="x" * 16, role=Role.COMMISSIONER)
    client = Client()
    client.force_login(user)

    first = client.get("/api/tenders/")
    assert first.status_code == 200, first.status_code
    listed = first.json()["count"]
    page_items = len(first.json()["results"])
    # Counted straight away: the next request's request_started signal empties the query log.
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/tenders/")
    queries = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        client.get("/bench/bare/")
    bare_queries = [q["sql"] for q in captured.captured_queries]

    api_ms: list[float] = []
    bare_ms: list[float] = []
    api_cpu: list[float] = []
    bare_cpu: list[float] = []
    for _ in range(size.requests):
        for url, wall, cpu in (("/api/tenders/", api_ms, api_cpu), ("/bench/bare/", bare_ms, bare_cpu)):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200

    p50 = percentile(api_ms, 50)
    bare = percentile(bare_ms, 50)
    result = Result(
        name="API list",
        workload=f"GET /api/tenders/ (page of {page_items}), {size.tenders} tenders x {size.lots} lots x "
                 f"{size.questions} questions",
        absolute=p50,
        baseline=bare,
        unit="ms",
        target=f"p50 <= {TARGET_RATIO:.0f}x the bare endpoint, paginated, no N+1",
        met=p50 <= TARGET_RATIO * bare,
        figures={
            "p50_ms": round(p50, 1), "p90_ms": round(percentile(api_ms, 90), 1), "bare_p50_ms": round(bare, 1),
            "queries": len(queries), "bare_queries": len(bare_queries), "tenders_listed": listed, "page_items": page_items,
            "response_bytes": len(first.content), "requests": size.requests,
            # CPU time of this process (the test client runs the whole request in it): steadier than
            # wall time on a shared machine, where the long request is more often preempted.
            "cpu_p50_ms": round(percentile(api_cpu, 50), 2), "bare_cpu_p50_ms": round(percentile(bare_cpu, 50), 2),
        },
    )
    result.notes.append(
        f"{len(queries)} queries per listing (bare endpoint: {len(bare_queries)}); {page_items} of {listed} tenders, "
        f"{len(first.content) / 1024:.0f} KiB; p90 {percentile(api_ms, 90):.1f} ms; CPU p50 "
        f"{percentile(api_cpu, 50):.1f} ms vs bare {percentile(bare_cpu, 50):.2f} ms "
        f"({percentile(api_cpu, 50) / max(percentile(bare_cpu, 50), 1e-9):.1f}x)"
    )
    return result
