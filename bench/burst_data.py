"""A published tender with many providers, each holding a complete draft bid ready to submit.

Shared by the deadline-burst benchmark (bench.deadline_burst) and the deadline-burst test
(tests/security/test_deadline_burst.py). Rows are bulk-created: the point is the burst of
submissions, not 200 x the bid-building pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction


@dataclass(frozen=True)
class Bidder:
    user_id: int
    username: str
    bid_id: int
    reference: str
    token: str


@dataclass(frozen=True)
class BurstTender:
    tender_id: int
    reference: str
    bidders: list[Bidder]


def burst_tender(*, providers: int, deadline: datetime, prefix: str = "BURST", tokens: bool = False) -> BurstTender:
    """`providers` approved providers, each with one provider user and a complete draft bid."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from accounts.tokens import new_key, stored_form
    from providers.models import Provider, ProviderStatus
    from tenders.bidding_rules import DECLARATIONS
    from tenders.models import Bid, BidAnswer, BidLotPrice, BidVersion, Lot, QualityQuestion, ServiceType, Tender
    from tenders.transitions import TenderStatus
    from zones.models import Zone

    slug = prefix.lower()
    with transaction.atomic():
        tender = Tender.objects.create(
            reference=f"{prefix}-TENDER", title=f"{prefix} deadline burst", service_type=ServiceType.REABLEMENT,
            status=TenderStatus.PUBLISHED.value, submission_deadline=deadline, published_at=deadline,
        )
        zones = [Zone.objects.create(code=f"{slug}-zone-{n}", name=f"{prefix} zone {n}", local_authority=prefix)
                 for n in (1, 2)]
        lots = [Lot.objects.create(tender=tender, number=n, zone=zone, hours_per_week=Decimal(500 * n))
                for n, zone in enumerate(zones, start=1)]
        questions = [
            QualityQuestion.objects.create(tender=tender, number=n, text=f"Question {n}", weight=Decimal(10))
            for n in (1, 2)
        ]
        base = Provider.objects.count()  # numbers stay unique when several burst tenders share a database
        Provider.objects.bulk_create(
            Provider(name=f"{prefix} provider {i:04d}", companies_house_number=f"{70000000 + base + i:08d}",
                     cqc_provider_id=f"1-{700000000 + base + i}", status=ProviderStatus.APPROVED)
            for i in range(providers)
        )
        made = list(Provider.objects.filter(name__startswith=f"{prefix} provider ").order_by("name"))
        password = make_password(None)  # unusable: these users only ever use a token
        User.objects.bulk_create(
            User(username=f"{slug}-{i:04d}", role=Role.PROVIDER, provider=p, password=password)
            for i, p in enumerate(made)
        )
        users = list(User.objects.filter(username__startswith=f"{slug}-").order_by("username"))
        Bid.objects.bulk_create(
            Bid(tender=tender, provider=p, reference=f"{prefix}-BID-{i:04d}") for i, p in enumerate(made)
        )
        bids = list(Bid.objects.filter(tender=tender).order_by("reference"))
        BidVersion.objects.bulk_create(
            BidVersion(bid=b, number=1, cqc_location_ids=[f"1-{800000000 + i}"],
                       declarations={key: True for key in DECLARATIONS})
            for i, b in enumerate(bids)
        )
        versions = list(BidVersion.objects.filter(bid__tender=tender).order_by("bid__reference"))
        BidLotPrice.objects.bulk_create(
            BidLotPrice(version=v, lot=lot, hourly_price=Decimal("24.00") + Decimal(i % 300) / 100)
            for i, v in enumerate(versions) for lot in lots
        )
        BidAnswer.objects.bulk_create(
            BidAnswer(version=v, question=q, text=f"Answer {q.number} of bid {i}: we will deliver the service well.")
            for i, v in enumerate(versions) for q in questions
        )
        keys = {}
        if tokens:
            keys = {u.pk: new_key() for u in users}  # the clients' keys; the database keeps their digests
            Token.objects.bulk_create(Token(user=u, key=stored_form(keys[u.pk])) for u in users)
    bidders = [
        Bidder(user_id=u.pk, username=u.username, bid_id=b.pk, reference=b.reference, token=keys.get(u.pk, ""))
        for u, b in zip(users, bids, strict=True)
    ]
    return BurstTender(tender_id=tender.pk, reference=tender.reference, bidders=bidders)
