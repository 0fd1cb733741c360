"""One accepted submission through the API makes a fixed, listed set of queries (issue 17: the deadline rush).

Every query here runs for each of 200 providers submitting in the last seconds, so a new one is a
regression: this test fails on it, and says which statements ran. Counted without the test
transaction's SAVEPOINT/RELEASE (a real request has a transaction, not a savepoint).
"""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from common.audit import audit_seal, audit_verify
from common.models import AuditChainHead, AuditEntry
from tenders import services
from tenders.models import BidVersion
from tests.factories import TenderFactory
from tests.tenders.bidding_support import complete_draft, open_tender

# token + user; the bid by reference (the view's ownership check); then in the transaction: the bid's row lock
# (with its tender, provider and the tender's amendment and question counts); the draft or an earlier submission
# with the key; the draft's prices (with lots and zones), answers (with questions) and documents; the latest CQC
# import (the bid names CQC locations); the version frozen; the bid marked submitted; the audit chain head
# (SKIP LOCKED), entries others left unsealed, the audit entry inserted sealed, the head moved on.
ACCEPTED_SUBMISSION_QUERIES = 14
# token + user; the bid; its row lock; the version with that key: the receipt is answered again.
REPLAYED_SUBMISSION_QUERIES = 4


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _ready_to_submit(user) -> tuple[APIClient, str]:
    bid = services.bid_start(tender=open_tender(lots=2, questions=2), user=user)
    complete_draft(bid, user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {account_services.user_token_issue(user=user, actor=user)}")
    return client, bid.reference


def test_an_accepted_submission_makes_a_fixed_number_of_queries(bidder):
    client, reference = _ready_to_submit(bidder)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/bids/{reference}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="rush-1")
    assert response.status_code == 201, response.content
    statements = _statements(captured)
    assert len(statements) == ACCEPTED_SUBMISSION_QUERIES, "\n".join(s[:160] for s in statements)
    writes = [s.split()[0] for s in statements if not s.startswith("SELECT")]
    assert writes == ["UPDATE", "UPDATE", "INSERT", "UPDATE"]  # version, bid, audit entry, audit chain head
    version = BidVersion.objects.get(bid__reference=reference)
    assert version.status == "submitted" and response.json()["digest"] == version.digest


def test_a_replayed_submission_answers_the_receipt_in_fewer_queries(bidder):
    client, reference = _ready_to_submit(bidder)
    first = client.post(f"/api/bids/{reference}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="rush-2")
    with CaptureQueriesContext(connection) as captured:
        again = client.post(f"/api/bids/{reference}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="rush-2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["digest"] == first.json()["digest"] and again.json()["replayed"] is True
    statements = _statements(captured)
    assert len(statements) == REPLAYED_SUBMISSION_QUERIES, "\n".join(s[:160] for s in statements)
    assert all(s.startswith("SELECT") for s in statements)  # a replay writes nothing


def test_the_sealer_chains_many_waiting_entries_in_the_same_few_queries_as_two(db):
    """After a burst, dozens of entries wait to be sealed: one UPDATE writes all their places."""
    tender = TenderFactory()
    # Migration 0005 makes the chain head; a transactional test's flush earlier in the same worker
    # removes it, and the first seal would then spend two statements making it again.
    AuditChainHead.objects.get_or_create(pk=1)

    def leave_unsealed(count: int) -> None:
        for n in range(count):
            AuditEntry.objects.create(at=timezone.now().replace(microsecond=0), actor_label="system",
                                      action=f"burst-{n}", object_type="tenders.Tender", object_id=str(tender.pk),
                                      object_repr=str(tender))

    leave_unsealed(2)
    with CaptureQueriesContext(connection) as two:
        assert audit_seal() == 2
    leave_unsealed(40)
    with CaptureQueriesContext(connection) as forty:
        assert audit_seal() == 40
    assert len(_statements(forty)) == len(_statements(two))
    sealed = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert sealed == ["burst-0", "burst-1"] + [f"burst-{n}" for n in range(40)]
    assert audit_verify().ok
