"""The hand-written SQL probe (bench/raw_submit.py) does the submission's work, so what it measures is a fair floor.

The deadline burst reports it next to the real path as the price of "hand-written SQL for the hot
path" (issue 17). A probe that froze less, skipped a check or broke the audit chain would price an
option nobody could take: these tests hold it to the service's content, digest, replay, ownership,
completeness and audit chain.
"""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bench.burst_data import burst_tender
from common.audit import audit_verify
from common.models import AuditEntry
from tenders.models import Amendment, Bid, BidAnswer, BidVersion
from tenders.receipts import bid_version_content, canonical_json, content_digest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("bench.bare_urls")]


def _post(token: str, reference: str, key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(f"/bench/raw-submit/{reference}/", {}, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def tender():
    return burst_tender(providers=3, deadline=timezone.now() + timedelta(hours=1), prefix="PROBE", tokens=True)


def test_it_freezes_what_the_service_would_freeze_and_the_digest_recomputes(tender):
    bidder = tender.bidders[0]
    response = _post(bidder.token, bidder.reference, "probe-1")
    assert response.status_code == 201, response.content
    version = BidVersion.objects.select_related("bid__tender", "bid__provider").get(bid__reference=bidder.reference)
    assert version.status == "submitted" and version.idempotency_key == "probe-1"
    expected = bid_version_content(version)  # the service's content, read from the relational rows
    expected["submitted_at"] = version.submitted_at.astimezone(UTC).isoformat(timespec="microseconds")
    expected["amendments_acknowledged"] = Amendment.objects.filter(tender_id=tender.tender_id).count()
    assert version.content == expected
    assert version.digest == content_digest(expected) == response.json()["digest"]
    assert response.json()["canonical_json"] == canonical_json(expected)
    bid = Bid.objects.get(reference=bidder.reference)
    assert bid.status == "submitted" and bid.submitted_at == version.submitted_at


def test_a_replay_answers_the_same_receipt_and_writes_nothing(tender):
    bidder = tender.bidders[1]
    first = _post(bidder.token, bidder.reference, "probe-2")
    entries = AuditEntry.objects.count()
    again = _post(bidder.token, bidder.reference, "probe-2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["digest"] == first.json()["digest"] and again.json()["replayed"] is True
    assert AuditEntry.objects.count() == entries
    assert BidVersion.objects.filter(bid__reference=bidder.reference).count() == 1


def test_only_the_bidder_may_submit_and_only_a_complete_draft(tender):
    owner, rival = tender.bidders[0], tender.bidders[2]
    assert _post(rival.token, owner.reference, "probe-3").status_code == 404
    BidAnswer.objects.filter(version__bid__reference=rival.reference).first().delete()
    assert _post(rival.token, rival.reference, "probe-4").status_code == 400
    assert BidVersion.objects.get(bid__reference=rival.reference).status == "draft"


def test_every_submission_is_audited_and_the_chain_verifies(tender):
    for n, bidder in enumerate(tender.bidders):
        assert _post(bidder.token, bidder.reference, f"probe-chain-{n}").status_code == 201
    entries = AuditEntry.objects.filter(action="bid.submitted", object_repr__startswith="PROBE-BID-")
    assert entries.count() == len(tender.bidders)
    assert all(e.after["digest"] for e in entries)
    assert audit_verify().ok
