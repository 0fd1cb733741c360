"""Evaluation pages at scale: what the panel, the commissioner and legal wait for on a large tender.

Why: at 200 bids x 10 lots the evaluator's bid list made 605 queries and a single bid's consensus
page 610 (the panel member's right to read was asked afresh for every bid), and the reports and
award pages decoded the current run's stored documents twice (about a second each). Tests pin the
query counts (tests/evaluation/test_page_queries.py); this shows the time, page by page, against
the plainest signed-in page of the same site (the evaluation home: a few queries, a small
template), measured in the same run.

Data: `bench.evaluation_run.build` (bids, lots, 10 questions, 5 evaluators, scored, moderated,
locked, prices open), then one evaluation run. Each page is fetched once to warm up, then timed
(median of `repeat`), in-process through Django's test client.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.common import Result, measure


@dataclass(frozen=True)
class Size:
    bids: int
    lots: int
    repeat: int


FULL = Size(bids=200, lots=10, repeat=3)
SMOKE = Size(bids=8, lots=2, repeat=1)
SLOWEST_TARGET_MS = 1000.0  # no page of a large tender should keep its reader waiting a second

# (who, page): who is one of the bench's staff (bench.evaluation_run.build); {ref} the tender, {bid} one bid.
PAGES = [
    ("commissioner", "/evaluation/{ref}/summary/"),
    ("moderator", "/evaluation/{ref}/moderation/"),
    ("moderator", "/evaluation/{ref}/moderation/{bid}/"),
    ("evaluator2", "/evaluation/{ref}/bids/"),
    ("evaluator2", "/evaluation/{ref}/bids/{bid}/"),
    ("evaluator2", "/evaluation/{ref}/my-scores/"),
    ("commissioner", "/bidding/tenders/{ref}/bids/"),
    ("commissioner", "/reports/{ref}/"),
    ("commissioner", "/reports/{ref}/award/"),
    ("commissioner", "/reports/{ref}/award/decide/"),
]
BASELINE = ("commissioner", "/evaluation/")


def run(size: Size = FULL) -> Result:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import evaluation_run
    from evaluation import services

    setup = evaluation_run.build(evaluation_run.Size(bids=size.bids, lots=size.lots, questions=10, repeat=1),
                                 prefix="PAGES")
    services.evaluation_run(tender=setup.tender, user=setup.commissioner)
    ref, bid = setup.tender.reference, "PAGES-BID-0005"
    clients: dict[str, Any] = {}

    def client(who: str) -> Any:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(User.objects.get(username=f"pages-{who}"))
        return clients[who]

    def fetch(who: str, path: str) -> Any:
        response = client(who).get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        return response

    rows = []
    for who, page in [BASELINE, *PAGES]:
        path = page.format(ref=ref, bid=bid)
        fetch(who, path)
        with CaptureQueriesContext(connection) as captured:
            fetch(who, path)
        queries = len(captured.captured_queries)  # now: the next request clears the connection's query log
        timing = measure(lambda who=who, path=path: fetch(who, path), size.repeat)
        rows.append({"page": page, "who": who, "ms": round(timing.wall * 1000, 1), "cpu_ms": round(timing.cpu * 1000, 1),
                     "queries": queries, "kb": round(len(timing.value.content) / 1000)})
    baseline, pages = rows[0], rows[1:]
    slowest = max(pages, key=lambda r: r["ms"])
    result = Result(
        name="evaluation pages",
        workload=f"{len(pages)} pages of one tender, {size.bids:,} bids x {size.lots} lots x 10 questions x 5 evaluators",
        absolute=slowest["ms"],
        baseline=baseline["ms"],
        unit="ms",
        target=f"slowest page < {SLOWEST_TARGET_MS:.0f} ms; queries independent of the number of bids (tested)",
        met=slowest["ms"] < SLOWEST_TARGET_MS,
        figures={"pages": pages, "baseline": baseline},
    )
    for row in pages:
        result.notes.append(f"{row['ms']:7.1f} ms (CPU {row['cpu_ms']:.0f}) {row['queries']:3d} queries {row['kb']:5d} KB  "
                            f"{row['who']} {row['page']}")
    return result
