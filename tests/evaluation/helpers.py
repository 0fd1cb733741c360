"""Builders for evaluation tests: an opened tender, submitted bids, CQC locations, a panel.

Bids are written through the models with frozen content and digest (as a
submission leaves them), so these tests do not depend on the bidding services.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Role
from cqc.models import CQCLocation
from evaluation import services
from tenders.models import Bid, BidAnswer, BidLotPrice, BidStatus, BidVersion, BidVersionStatus, Lot, Tender
from tenders.receipts import bid_version_content, content_digest
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, ProviderFactory, QualityQuestionFactory, TenderFactory, UserFactory

D = Decimal
GOOD = {"Overall": "Good", "Safe": "Good", "Effective": "Good", "Caring": "Good", "Responsive": "Good",
        "Well-led": "Good"}


def cqc_location(location_id: str, provider_id: str, ratings: Mapping[str, str] | None = None,
                 published: date = date(2016, 11, 1)) -> CQCLocation:
    """A stored CQC location with one 'Overall' service group rated per domain (no ratings = not yet rated)."""
    ratings = GOOD if ratings is None else ratings
    rows = [["Overall", domain, rating, published.isoformat()] for domain, rating in ratings.items()]
    key = {"Safe": "safe", "Effective": "effective", "Caring": "caring", "Responsive": "responsive",
           "Well-led": "well_led"}
    return CQCLocation.objects.update_or_create(
        location_id=location_id,
        defaults=dict(
            provider_id=provider_id,
            location_name=f"Location {location_id}",
            provider_name=f"Provider {provider_id}",
            overall_rating=ratings.get("Overall", ""),
            **{key[d]: r for d, r in ratings.items() if d in key},
            publication_date=published if ratings else None,
            rating_rows=rows,
            is_inadequate=any(r == "Inadequate" for r in ratings.values()),
            is_unrated=not ratings,
            content_digest=location_id,
            updated_at=timezone.now(),
        ),
    )[0]


def opened_tender(*, lots: int = 1, questions: Iterable[tuple[str, int]] = (("50", 5), ("30", 5), ("20", 10)),
                  **kwargs: Any) -> Tender:
    """A tender whose deadline has passed and whose bids a commissioner has opened."""
    now = timezone.now()
    tender = TenderFactory(
        status=TenderStatus.OPENED.value,
        submission_deadline=now - timedelta(days=2),
        clarification_deadline=now - timedelta(days=9),
        opened_at=now - timedelta(days=1),
        **kwargs,
    )
    for number in range(1, lots + 1):
        LotFactory(tender=tender, number=number, hours_per_week=D("500"))
    for number, (weight, max_score) in enumerate(questions, start=1):
        QualityQuestionFactory(tender=tender, number=number, weight=D(weight), max_score=max_score,
                               guidance="0 unacceptable ... 5 excellent")
    return tender


def submit_bid(tender: Tender, provider: Any = None, *, prices: Mapping[int, str], location_ids: list[str] | None = None,
               submitted_at: datetime | None = None, reference: str | None = None) -> Bid:
    """A submitted bid with one frozen version: prices per lot number (per billed hour), answers, locations."""
    provider = provider or ProviderFactory()
    at = submitted_at or tender.submission_deadline - timedelta(hours=1)
    bid = Bid.objects.create(
        tender=tender, provider=provider, reference=reference or f"{tender.reference}-{provider.pk:04d}",
        status=BidStatus.SUBMITTED, submitted_at=at,
    )
    version = BidVersion.objects.create(
        bid=bid, number=1, status=BidVersionStatus.SUBMITTED, submitted_at=at,
        cqc_location_ids=location_ids if location_ids is not None else [f"1-55{provider.pk:07d}"],
    )
    lots = {lot.number: lot for lot in Lot.objects.filter(tender=tender)}
    for number, price in prices.items():
        BidLotPrice.objects.create(version=version, lot=lots[number], hourly_price=D(price))
    for question in tender.questions.all():
        BidAnswer.objects.create(version=version, question=question, text=f"{provider.name} answers Q{question.number}.")
    version.content = bid_version_content(version)
    version.digest = content_digest(version.content)
    version.save(update_fields=["content", "digest"])
    if location_ids is None:
        cqc_location(version.cqc_location_ids[0], provider.cqc_provider_id)
    return bid


def panel(tender: Tender, commissioner: Any, *evaluators: Any, moderator: Any = None) -> None:
    """Assign the panel and have every member declare no conflict with any bidder."""
    members = list(evaluators) + ([moderator] if moderator else [])
    for member in members:
        services.evaluation_assign(tender=tender, user=commissioner, member=member)
    for member in members:
        declare(tender, member)


def declare(tender: Tender, member: Any, conflicts: Iterable[Any] = ()) -> None:
    conflicted = {p.pk for p in conflicts}
    providers = Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).values_list("provider_id", flat=True)
    services.conflict_declare(
        tender=tender, user=member,
        declarations=[
            {"provider": pk, "has_conflict": pk in conflicted, "details": "Former employer." if pk in conflicted else ""}
            for pk in providers
        ],
    )


def score_all(bid: Bid, evaluator: Any, scores: Iterable[int]) -> None:
    services.score_submit(
        bid=bid, user=evaluator,
        scores=[{"question": n, "score": s, "comment": f"Scored {s} against the descriptors."}
                for n, s in enumerate(scores, start=1)],
    )


def moderate(bid: Bid, moderator: Any, scores: Iterable[int]) -> None:
    for number, score in enumerate(scores, start=1):
        services.consensus_record(bid=bid, question=number, user=moderator, score=score,
                                  rationale=f"Panel agreed {score}.",
                                  feedback_to_bidder=f"Question {number}: the answer met the published descriptor for {score}.")


def extra_evaluator(username: str) -> Any:
    return UserFactory(username=username, role=Role.EVALUATOR)
