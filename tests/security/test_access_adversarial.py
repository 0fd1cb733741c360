"""Issue 13's adversarial cases 1-5, one test each, as the reported attack was made.

Each of these passed (the attack worked) before accounts.permissions and the changes that use it.
Case 6 (audit trail) and 7 (accounts, abuse, uploads) are tested by their owners' modules.
"""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from common.audit import AuditEntry
from common.errors import PermissionDeniedError
from evaluation import services as evaluation_services
from evaluation.models import BidAssessment, ConsensusChangeProposal, ConsensusScore
from tenders import services as tender_services
from tenders.models import Tender
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, QualityQuestionFactory, TenderFactory
from tests.security.test_access_matrix import PRICE_A, PRICE_KEYS, PRICE_TEXTS, _build, _users
from tests.tenders.bidding_support import shows_amount

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    return _users()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _no_price(body: str) -> bool:
    return not any(shows_amount(body, t) for t in PRICE_TEXTS) and not any(k in body for k in PRICE_KEYS)


def test_case_1_two_envelopes_the_panel_reads_no_price_before_the_price_envelope(users):
    names = _build("opened", False, users)
    for role in ("assigned_evaluator", "moderator"):
        client = _client(users[role])
        for path in (f"/api/bids/{names['bid']}/", f"/api/bids/{names['bid']}/versions/1/receipt/",
                     f"/bidding/bids/{names['bid']}/", f"/api/evaluation/bids/{names['bid']}/"):
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert _no_price(response.content.decode()), (role, path)


def test_case_2_a_superuser_reads_no_sealed_or_opened_bid(users):
    root = users["superuser"]
    assert root.is_superuser
    client = _client(root)
    for stage in ("sealed", "opened", "prices_open"):
        names = _build(stage, False, users)
        for path in (f"/api/bids/{names['bid']}/", f"/api/bids/{names['bid']}/versions/1/receipt/",
                     f"/bidding/bids/{names['bid']}/", f"/api/evaluation/tenders/{names['ref']}/result/"):
            response = client.get(path)
            assert response.status_code in (403, 404), (stage, path, response.status_code)
        assert names["bid"] not in client.get("/api/bids/").content.decode()
        change = client.get(f"/admin/tenders/bid/?q={names['bid']}")
        assert not shows_amount(change.content, PRICE_A)
    # Scores and price clarifications are not in the IT administrator's admin at all.
    for model in ("individualscore", "consensusscore", "priceclarification"):
        assert client.get(f"/admin/evaluation/{model}/").status_code == 404, model


def test_case_3_a_conflicted_evaluator_sees_nothing_of_that_bidder(users):
    names = _build("prices_open", False, users)
    client = _client(users["conflicted_evaluator"])
    result = client.get(f"/api/evaluation/tenders/{names['ref']}/result/")
    assert result.status_code == 200
    body = result.content.decode()
    assert names["bid"] not in body and not shows_amount(body, PRICE_A) and "Alpha Care" not in body
    assert names["rival_bid"] in body  # the rest of the result is there
    checks = client.get(f"/api/evaluation/tenders/{names['ref']}/cqc-checks/")
    assert checks.status_code == 200
    assert names["bid"] not in checks.content.decode() and "Alpha Care" not in checks.content.decode()
    assert names["bid"] not in client.get(f"/api/evaluation/tenders/{names['ref']}/moderation/").content.decode()


def test_case_4_the_it_admin_is_no_procurement_role(users):
    names = _build("prices_open", False, users)
    admin = users["it_admin"]
    client = _client(admin)
    assert client.get(f"/api/evaluation/tenders/{names['ref']}/result/").status_code == 403
    assert client.get(f"/evaluation/{names['ref']}/summary/").status_code == 403
    draft = TenderFactory()
    LotFactory(tender=draft)
    QualityQuestionFactory(tender=draft, number=1)
    with pytest.raises(PermissionDeniedError):
        tender_services.tender_publish(tender=draft, user=admin)
    assert Tender.objects.get(pk=draft.pk).status == TenderStatus.DRAFT.value
    tender = Tender.objects.get(reference=names["ref"])
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.IN_EVALUATION.value)
    before = (BidAssessment.objects.count(), AuditEntry.objects.count())
    for user in (admin, users["superuser"]):
        with pytest.raises(PermissionDeniedError):
            evaluation_services.evaluation_award(tender=tender, user=user)
        with pytest.raises(PermissionDeniedError):
            evaluation_services.price_envelope_open(tender=tender, user=user)
    # All or nothing: the refused award wrote no CQC re-check and no audit entry.
    assert (BidAssessment.objects.count(), AuditEntry.objects.count()) == before


def test_case_5_one_person_cannot_change_a_locked_score(users):
    names = _build("quality_locked", False, users)
    moderator = _client(users["moderator"])
    response = moderator.post(
        f"/api/evaluation/bids/{names['bid']}/consensus/",
        {"question": "1", "score": 5, "rationale": "Raised after seeing the prices.", "change_reason": "Second look."},
        format="json",
    )
    assert response.status_code == 202
    assert ConsensusScore.objects.get(bid__reference=names["bid"], question__number=1).score == 3
    proposal = ConsensusChangeProposal.objects.get()
    decision = f"/api/evaluation/tenders/{names['ref']}/consensus-changes/{proposal.pk}/decision/"
    assert moderator.post(decision, {"approve": True}, format="json").status_code == 403
    assert ConsensusScore.objects.get(bid__reference=names["bid"], question__number=1).score == 3
