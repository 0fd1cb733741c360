"""Sealed submission: completeness, frozen content, verifiable receipts, revisions, withdrawal, deadlines."""
import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from common.audit import audit_verify
from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from providers.models import ProviderStatus
from tenders import services
from tenders.models import Bid, BidStatus, BidVersion, BidVersionStatus, LateSubmissionAttempt
from tenders.receipts import bid_version_content, canonical_json, content_digest
from tests.tenders.bidding_support import (
    PDF_BYTES,
    complete_draft,
    open_tender,
    pass_deadline,
    shows_amount,
    submitted_bid,
    upload,
)

pytestmark = pytest.mark.django_db


def test_it_starts_one_bid_per_provider_with_a_draft(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    again = services.bid_start(tender=tender, user=bidder)
    assert again.pk == bid.pk
    assert bid.reference.startswith(tender.reference)
    assert list(bid.versions.values_list("number", "status")) == [(1, "draft")]
    assert AuditEntry.objects.filter(action="bid.started").count() == 1


def test_bid_references_do_not_reveal_how_many_others_have_bid(bidder, rival_bidder):
    tender = open_tender()
    refs = {services.bid_start(tender=tender, user=u).reference for u in (bidder, rival_bidder)}
    assert not any(ref.endswith(("-1", "-2", "-0001", "-0002")) for ref in refs)


def test_a_provider_awaiting_approval_cannot_bid(bidder):
    bidder.provider.status = ProviderStatus.PENDING
    bidder.provider.save()
    with pytest.raises(PermissionDeniedError, match="not been approved"):
        services.bid_start(tender=open_tender(), user=bidder)


def test_only_provider_users_can_bid(commissioner):
    with pytest.raises(PermissionDeniedError):
        services.bid_start(tender=open_tender(), user=commissioner)


def test_submitting_an_incomplete_draft_is_refused_with_every_missing_part(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    with pytest.raises(RuleViolation) as exc:
        services.bid_submit(bid=bid, user=bidder)
    assert "Choose at least one lot" in exc.value.message
    assert "Answer quality question 1" in exc.value.message
    assert "Confirm every declaration" in exc.value.message
    assert BidVersion.objects.get(bid=bid).status == BidVersionStatus.DRAFT


def test_it_enforces_the_word_limit_when_saving(bidder):
    tender = open_tender(word_limit=5)
    bid = services.bid_start(tender=tender, user=bidder)
    question = tender.questions.first()
    with pytest.raises(RuleViolation) as exc:
        services.bid_update_draft(bid=bid, user=bidder, answers={question.pk: "one two three four five six"})
    assert "6 words; the limit is 5" in exc.value.message
    assert exc.value.field == "answer-1"


def test_it_requires_a_package_price_only_where_the_lot_asks_for_one(bidder):
    tender = open_tender(package_lot=True)
    lot1, lot2 = tender.lots.order_by("number")
    bid = services.bid_start(tender=tender, user=bidder)
    with pytest.raises(RuleViolation, match="not priced per package"):
        services.bid_update_draft(bid=bid, user=bidder, prices={lot2.pk: ("18.00", "500")})
    services.bid_update_draft(bid=bid, user=bidder, prices={lot1.pk: ("18.00", None)})
    problems = services.bid_submission_problems(version=bid.versions.get())
    assert any("package price for lot 1" in p.message for p in problems)


def test_submit_freezes_the_content_and_returns_a_receipt_whose_digest_can_be_recomputed(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    services.bid_add_document(bid=bid, user=bidder, upload=upload("policy.pdf", PDF_BYTES))
    result = services.bid_submit(bid=bid, user=bidder, idempotency_key="k1")
    version = BidVersion.objects.get(pk=result.version.pk)

    assert version.status == BidVersionStatus.SUBMITTED
    assert version.content["submitted_at"] == version.submitted_at.isoformat(timespec="microseconds")
    # 1. the digest is SHA-256 over the canonical JSON of the stored content ...
    text = json.dumps(version.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == version.digest == content_digest(version.content)
    # 2. ... and that content is exactly the relational rows plus the server time and addenda count.
    rebuilt = bid_version_content(version) | {"submitted_at": version.content["submitted_at"], "amendments_acknowledged": 0}
    assert canonical_json(rebuilt) == canonical_json(version.content)
    assert version.content["lots"][0]["hourly_price"] == "18.50"
    assert version.content["documents"][0]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED and bid.submitted_at == version.submitted_at


def test_the_audit_trail_records_the_submission_but_not_the_sealed_prices(bidder):
    bid, result = submitted_bid(open_tender(), bidder)
    entry = AuditEntry.objects.get(action="bid.submitted")
    assert entry.after["digest"] == result.version.digest
    assert not shows_amount(json.dumps(entry.after) + json.dumps(entry.before), "18.50")
    assert audit_verify().ok


def test_a_retry_with_the_same_key_returns_the_same_receipt(bidder):
    tender = open_tender()
    bid, first = submitted_bid(tender, bidder, key="double-click")
    again = services.bid_submit(bid=bid, user=bidder, idempotency_key="double-click")
    assert again.replayed and again.version.pk == first.version.pk
    assert again.version.digest == first.version.digest
    assert BidVersion.objects.filter(bid=bid).count() == 1
    assert AuditEntry.objects.filter(action="bid.submitted").count() == 1


def test_a_second_submit_without_changes_creates_nothing(bidder):
    bid, _ = submitted_bid(open_tender(), bidder)
    with pytest.raises(RuleViolation, match="already submitted"):
        services.bid_submit(bid=bid, user=bidder, idempotency_key="another-key")
    assert BidVersion.objects.filter(bid=bid).count() == 1


def test_a_revision_is_a_new_version_and_the_old_one_is_kept(bidder):
    tender = open_tender()
    bid, first = submitted_bid(tender, bidder, key="v1")
    draft = services.bid_revise(bid=bid, user=bidder)
    assert draft.number == 2
    lot = tender.lots.order_by("number").first()
    services.bid_update_draft(bid=bid, user=bidder, prices={lot.pk: ("19.25", None)})
    # The submitted version stands while the revision is being prepared.
    assert BidVersion.objects.get(bid=bid, status=BidVersionStatus.SUBMITTED).number == 1
    second = services.bid_submit(bid=bid, user=bidder, idempotency_key="v2")

    versions = {v.number: v for v in BidVersion.objects.filter(bid=bid)}
    assert versions[1].status == BidVersionStatus.SUPERSEDED
    assert versions[1].digest == first.version.digest
    assert versions[1].content["lots"][0]["hourly_price"] == "18.50"
    assert versions[1].lot_prices.get().hourly_price == first.version.lot_prices.get().hourly_price
    assert versions[2].status == BidVersionStatus.SUBMITTED and second.version.number == 2
    assert versions[2].content["lots"][0]["hourly_price"] == "19.25"
    assert content_digest(versions[1].content) == versions[1].digest


def test_discarding_a_revision_keeps_the_submitted_bid(bidder):
    bid, first = submitted_bid(open_tender(), bidder)
    services.bid_revise(bid=bid, user=bidder)
    services.bid_discard_draft(bid=bid, user=bidder)
    assert list(BidVersion.objects.filter(bid=bid).values_list("number", "status")) == [(1, "submitted")]


def test_withdrawal_keeps_the_version_and_the_provider_may_submit_again(bidder):
    tender = open_tender()
    bid, first = submitted_bid(tender, bidder)
    services.bid_withdraw(bid=bid, user=bidder, reason="Capacity")
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN and bid.withdrawn_at is not None
    assert BidVersion.objects.get(pk=first.version.pk).status == BidVersionStatus.WITHDRAWN
    assert AuditEntry.objects.get(action="bid.withdrawn").note == "Capacity"
    services.bid_start(tender=tender, user=bidder)  # a fresh draft copied from the withdrawn version
    result = services.bid_submit(bid=bid, user=bidder)
    assert result.version.number == 2
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_a_late_submission_is_refused_and_recorded(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    deadline = tender.submission_deadline
    with time_machine.travel(deadline + timedelta(seconds=3), tick=False):
        with pytest.raises(DeadlinePassed) as exc:
            services.bid_submit(bid=bid, user=bidder, idempotency_key="late", channel="api")
    assert "deadline was" in exc.value.message and "has been recorded" in exc.value.message
    attempt = LateSubmissionAttempt.objects.get()
    assert attempt.bid == bid and attempt.provider == bidder.provider and attempt.user == bidder
    assert attempt.attempted_at == deadline + timedelta(seconds=3) and attempt.deadline == deadline
    assert attempt.channel == "api" and attempt.idempotency_key == "late"
    assert BidVersion.objects.get(bid=bid).status == BidVersionStatus.DRAFT
    assert AuditEntry.objects.filter(action="bid.late_submission_refused").exists()


def test_the_deadline_instant_itself_is_too_late(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    with time_machine.travel(tender.submission_deadline, tick=False):
        with pytest.raises(DeadlinePassed):
            services.bid_submit(bid=bid, user=bidder)
    with time_machine.travel(tender.submission_deadline - timedelta(microseconds=1), tick=False):
        assert services.bid_submit(bid=bid, user=bidder).version.submitted_at < tender.submission_deadline


def test_a_retry_after_the_deadline_of_a_submission_made_in_time_returns_its_receipt(bidder):
    tender = open_tender()
    bid, first = submitted_bid(tender, bidder, key="in-time")
    with time_machine.travel(tender.submission_deadline + timedelta(minutes=5), tick=False):
        again = services.bid_submit(bid=bid, user=bidder, idempotency_key="in-time")
    assert again.replayed and again.version.pk == first.version.pk
    assert not LateSubmissionAttempt.objects.exists()


def test_drafts_cannot_be_changed_after_the_deadline(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    pass_deadline(tender)
    with pytest.raises(DeadlinePassed):
        services.bid_update_draft(bid=bid, user=bidder, cqc_location_ids=["1-123456789"])
    with pytest.raises(DeadlinePassed):
        services.bid_withdraw(bid=bid, user=bidder)


def test_a_tender_that_is_not_published_takes_no_bids(bidder, commissioner):
    tender = open_tender()
    services.tender_cancel(tender=tender, user=commissioner, reason="Budget withdrawn")
    tender.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="not taking bids"):
        services.bid_start(tender=tender, user=bidder)


def test_nobody_else_can_change_or_submit_a_providers_bid(bidder, rival_bidder, commissioner):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    complete_draft(bid, bidder)
    for user in (rival_bidder, commissioner):
        with pytest.raises(PermissionDeniedError):
            services.bid_submit(bid=bid, user=user)
        with pytest.raises(PermissionDeniedError):
            services.bid_update_draft(bid=bid, user=user, cqc_location_ids=["1-123456789"])
    assert not Bid.objects.exclude(status=BidStatus.DRAFT).exists()


def test_submitted_at_comes_from_the_server_clock(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    moment = timezone.now().replace(microsecond=123456)
    with time_machine.travel(moment, tick=False):
        result = services.bid_submit(bid=bid, user=bidder)
    assert result.version.submitted_at == moment
    assert result.version.content["submitted_at"].endswith(".123456+00:00")
