"""Evaluation run, end to end: a tender's bids read from the database, scored, rendered and stored.

What a commissioner waits for after "Run the evaluation" (`evaluation.services.evaluation_run`):
reading the run's inputs from the database (`evaluation.selectors.evaluation_inputs`: every bid-lot's
price with its cost-of-care check, each bid's CQC assessment, consensus and individual scores and
the panel's conflicts), the pure stored run (`evaluation.assemble.results_from_inputs`), and writing
the run with its audit entry. Also timed: the "is the run stale?" check each evaluation page makes
(`selectors.run_is_stale`: the inputs read again and digested).

Baseline: the pure stored run on the same inputs, in the same process. The ratio is what reading
the database and storing the run add to it. The query counts of reading the inputs are reported.

Data: bulk-created rows (what is measured is the run, not the scoring pages): an opened tender,
bids with prices for every lot, CQC locations (a few rated Inadequate), a panel of five evaluators
and a moderator (one evaluator conflicted with one provider), individual and consensus scores.
The CQC check at opening, the start of moderation, the quality lock and the opening of the price
envelope go through their services, as they would.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.common import Result, measure

EVALUATORS = 5


@dataclass(frozen=True)
class Size:
    bids: int
    lots: int
    questions: int
    repeat: int


FULL = Size(bids=1000, lots=20, questions=10, repeat=2)
SMOKE = Size(bids=12, lots=3, questions=3, repeat=1)


@dataclass(frozen=True)
class Setup:
    tender: Any
    commissioner: Any


def build(size: Size, prefix: str = "RUN") -> Setup:
    """The tender ready for its first run: quality locked and the price envelope open."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from cqc.models import CQCLocation
    from evaluation import services
    from evaluation.models import ConflictDeclaration, ConsensusScore, EvaluatorAssignment, IndividualScore
    from evaluation.selectors import scorable_bids
    from pricing.models import RatePreset
    from providers.models import Provider, ProviderStatus
    from tenders.models import (
        Bid,
        BidAnswer,
        BidLotPrice,
        BidStatus,
        BidVersion,
        BidVersionStatus,
        Lot,
        QualityQuestion,
        ServiceType,
        Tender,
    )
    from tenders.receipts import content_digest
    from tenders.transitions import TenderStatus
    from zones.models import Zone

    now = timezone.now()
    slug = prefix.lower()
    password = make_password(None)
    with transaction.atomic():
        staff = {
            name: User.objects.create(username=f"{slug}-{name}", role=role, password=password)
            for name, role in [("commissioner", Role.COMMISSIONER), ("moderator", Role.MODERATOR)]
            + [(f"evaluator{n}", Role.EVALUATOR) for n in range(1, EVALUATORS + 1)]
        }
        tender = Tender.objects.create(
            reference=f"{prefix}-TENDER", title=f"{prefix} evaluation run", service_type=ServiceType.HOMECARE,
            status=TenderStatus.OPENED.value, submission_deadline=now - timedelta(days=2),
            clarification_deadline=now - timedelta(days=9), published_at=now - timedelta(days=30),
            opened_at=now - timedelta(days=1), rate_preset=RatePreset.objects.order_by("pk").first(),
            max_lots_per_provider=3,
        )
        zones = Zone.objects.bulk_create(
            Zone(code=f"{slug}-zone-{n}", name=f"{prefix} zone {n}", local_authority=prefix) for n in range(size.lots)
        )
        lots = Lot.objects.bulk_create(
            Lot(tender=tender, number=n + 1, zone=zone, hours_per_week=Decimal(300 + 50 * n),
                ceiling_price=Decimal("32.50"))
            for n, zone in enumerate(zones)
        )
        questions = QualityQuestion.objects.bulk_create(
            QualityQuestion(tender=tender, number=n + 1, text=f"Question {n + 1}", weight=Decimal(5 + n % 3),
                            max_score=5)
            for n in range(size.questions)
        )
        Provider.objects.bulk_create(
            Provider(name=f"{prefix} provider {i:04d}", companies_house_number=f"{60000000 + i:08d}",
                     cqc_provider_id=f"1-{600000000 + i}", status=ProviderStatus.APPROVED)
            for i in range(size.bids)
        )
        providers = list(Provider.objects.filter(name__startswith=f"{prefix} provider ").order_by("name"))
        at = now - timedelta(days=3)
        Bid.objects.bulk_create(
            Bid(tender=tender, provider=p, reference=f"{prefix}-BID-{i:04d}", status=BidStatus.SUBMITTED,
                submitted_at=at + timedelta(seconds=i))
            for i, p in enumerate(providers)
        )
        bids = list(Bid.objects.filter(tender=tender).order_by("reference"))
        BidVersion.objects.bulk_create(
            BidVersion(bid=b, number=1, status=BidVersionStatus.SUBMITTED, submitted_at=b.submitted_at,
                       cqc_location_ids=[f"1-{700000000 + i}"], content={"bid": b.reference},
                       digest=content_digest({"bid": b.reference}))
            for i, b in enumerate(bids)
        )
        versions = list(BidVersion.objects.filter(bid__tender=tender).order_by("bid__reference"))
        BidLotPrice.objects.bulk_create(
            (BidLotPrice(version=v, lot=lot, hourly_price=Decimal(2500 + (i * 37 + lot.number * 53) % 800) / 100)
             for i, v in enumerate(versions) for lot in lots),
            batch_size=2000,
        )
        BidAnswer.objects.bulk_create(
            (BidAnswer(version=v, question=q, text=f"Answer {q.number} of bid {i}.")
             for i, v in enumerate(versions) for q in questions),
            batch_size=2000,
        )
        published = now.date() - timedelta(days=400)

        def location(i: int, provider: Provider) -> CQCLocation:
            """Provider i's one location: rated Good, but Inadequate on Safe for one provider in fifty."""
            safe = "Inadequate" if i % 50 == 7 else "Good"
            return CQCLocation(
                location_id=f"1-{700000000 + i}", provider_id=provider.cqc_provider_id, location_name=f"Location {i}",
                provider_name=provider.name, overall_rating="Good", safe=safe, effective="Good", caring="Good",
                responsive="Good", well_led="Good", publication_date=published,
                rating_rows=[["Overall", d, safe if d == "Safe" else "Good", published.isoformat()]
                             for d in ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")],
                is_inadequate=safe == "Inadequate", is_unrated=False, content_digest=f"{slug}-{i}", updated_at=now,
            )

        CQCLocation.objects.bulk_create((location(i, p) for i, p in enumerate(providers)), batch_size=2000)
        assignments = EvaluatorAssignment.objects.bulk_create(
            EvaluatorAssignment(tender=tender, user=user, is_moderator=name == "moderator",
                                assigned_by=staff["commissioner"], assigned_at=now)
            for name, user in staff.items() if name != "commissioner"
        )
        # One evaluator declares a conflict with one provider: that evaluator never scores its bid.
        conflicted_evaluator, conflicted_provider = staff["evaluator1"], providers[3]

        def declaration(assignment: EvaluatorAssignment, provider: Provider) -> ConflictDeclaration:
            conflict = assignment.user == conflicted_evaluator and provider == conflicted_provider
            return ConflictDeclaration(assignment=assignment, provider=provider, has_conflict=conflict,
                                       details="Former employer." if conflict else "", declared_at=now)

        ConflictDeclaration.objects.bulk_create(
            (declaration(a, p) for a in assignments for p in providers), batch_size=2000
        )
    services.bids_assess_cqc(tender=tender, user=staff["commissioner"])  # at opening: a few bids excluded
    scorable = scorable_bids(tender=tender)
    evaluators = [staff[f"evaluator{n}"] for n in range(1, EVALUATORS + 1)]
    with transaction.atomic():
        IndividualScore.objects.bulk_create(
            (
                IndividualScore(bid=b, question=q, evaluator=e, score=1 + (i * 7 + q.number * 3 + n) % 5,
                                comment="Scored against the descriptors.", submitted_at=now)
                for i, b in enumerate(scorable) for q in questions for n, e in enumerate(evaluators)
                if not (e == conflicted_evaluator and b.provider_id == conflicted_provider.pk)
            ),
            batch_size=5000,
        )
    services.moderation_start(tender=tender, user=staff["moderator"])
    with transaction.atomic():
        ConsensusScore.objects.bulk_create(
            (
                ConsensusScore(bid=b, question=q, score=1 + (i * 7 + q.number * 3 + 2) % 5, moderator=staff["moderator"],
                               rationale="The panel agreed.", feedback_to_bidder="Met the descriptor.",
                               recorded_at=now)
                for i, b in enumerate(scorable) for q in questions
            ),
            batch_size=5000,
        )
    services.quality_lock(tender=tender, user=staff["moderator"])
    services.price_envelope_open(tender=tender, user=staff["commissioner"])
    return Setup(tender=Tender.objects.get(pk=tender.pk), commissioner=staff["commissioner"])


def _queries(fn: Any) -> tuple[Any, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        value = fn()
    return value, len(captured.captured_queries)


def run(size: Size = FULL) -> Result:
    from django.core.serializers.json import DjangoJSONEncoder

    from evaluation import selectors, services
    from evaluation.assemble import results_from_inputs
    from evaluation.models import EvaluationRun
    from tenders.receipts import canonical_json

    started = time.perf_counter()
    setup = build(size)
    built = time.perf_counter() - started
    tender = setup.tender
    # The first run draws the tie-break seed, which the inputs then carry: time the runs after it.
    services.evaluation_run(tender=tender, user=setup.commissioner)
    tender.refresh_from_db()
    inputs, input_queries = _queries(lambda: selectors.evaluation_inputs(tender=tender))
    read = measure(lambda: selectors.evaluation_inputs(tender=tender), size.repeat)
    pure = measure(lambda: results_from_inputs(inputs), size.repeat)
    whole = measure(lambda: services.evaluation_run(tender=tender, user=setup.commissioner), size.repeat)
    run_row = EvaluationRun.objects.get(pk=whole.value.pk)  # as stored
    stale, stale_queries = _queries(lambda: selectors.run_is_stale(run=run_row))
    check = measure(lambda: selectors.run_is_stale(run=run_row), size.repeat)
    bid_lots = sum(len(lot["bids"]) for lot in inputs["lots"])
    ranked = sum(b["status"] == "ranked" for lot in run_row.results["lots"] for b in lot["bids"])
    excluded = len(run_row.results["excluded"])
    same = run_row.results == json.loads(json.dumps(results_from_inputs(inputs), cls=DjangoJSONEncoder))
    ratio = whole.wall / pure.wall
    stored_mb = {name: round(len(canonical_json(document).encode()) / 1e6, 1)
                 for name, document in (("inputs", run_row.inputs), ("results", run_row.results))}
    outcome = Result(
        name="evaluation run",
        workload=f"{size.bids:,} bids x {size.lots} lots x {size.questions} questions x {EVALUATORS} evaluators, "
                 "from the database",
        absolute=whole.wall,
        baseline=pure.wall,
        target="none set: what a commissioner waits for",
        met=None if same and not stale else False,  # no target; only a wrong or stale result fails it
        figures={
            "bid_lots": bid_lots, "ranked_bid_lots": ranked, "excluded_bids": excluded,
            "inputs_seconds": round(read.wall, 3), "inputs_cpu_seconds": round(read.cpu, 3),
            "inputs_queries": input_queries, "stale_check_seconds": round(check.wall, 3),
            "stale_check_queries": stale_queries, "pure_cpu_seconds": round(pure.cpu, 3),
            "run_cpu_seconds": round(whole.cpu, 3), "stored_result_same_as_pure": same,
            "build_seconds": round(built, 1),
            "stored_inputs_mb": stored_mb["inputs"], "stored_results_mb": stored_mb["results"],
        },
    )
    outcome.notes.append(
        f"{bid_lots:,} bid-lots ({ranked:,} ranked, {excluded} bids excluded by CQC); the whole run "
        f"{whole.wall:.2f} s (CPU {whole.cpu:.2f} s) = reading the inputs {read.wall:.2f} s ({input_queries} queries) "
        f"+ the pure stored run {pure.wall:.2f} s + writing it; {ratio:.1f}x the pure run"
    )
    outcome.notes.append(
        f"each evaluation page's stale check: {check.wall:.2f} s, {stale_queries} queries; "
        f"the stored result {'is' if same else 'IS NOT'} the pure run's; stored documents: inputs "
        f"{stored_mb['inputs']} MB, results {stored_mb['results']} MB of canonical JSON; data built in {built:.1f} s"
    )
    return outcome
