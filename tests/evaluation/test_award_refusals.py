"""The award decision waits for settled scores and regulation 31 feedback.

Whatever the entry point (the confirmation page, the evaluation API, the tender transition API),
the award is refused with a clear 409 while a change to a consensus score after the lock waits for
its second person, or while a consensus score in the run has no feedback to the bidder.
"""
from __future__ import annotations

import pytest

from common.errors import TransitionNotAllowed
from evaluation import services
from evaluation.models import BidAssessment
from tenders.models import Tender
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

REASON = "The appendix was missed at the meeting; confirmed by the panel by email."


def _ready(commissioner, evaluator, moderator, *, feedback: bool = True) -> tuple[Tender, object]:
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    services.bids_assess_cqc(tender=tender, user=commissioner)
    score_all(alpha, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    if feedback:
        moderate(alpha, moderator, (3, 3, 6))
    else:
        for number, score in enumerate((3, 3, 6), start=1):
            services.consensus_record(bid=alpha, question=number, user=moderator, score=score,
                                      rationale=f"Panel agreed {score}.",
                                      feedback_to_bidder="" if number == 2 else "Met the descriptor.")
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    services.evaluation_run(tender=tender, user=commissioner)
    return tender, alpha


def _status(tender: Tender) -> str:
    return Tender.objects.get(pk=tender.pk).status


def test_a_pending_consensus_change_stops_the_award_on_every_path(commissioner, evaluator, moderator, api_as, client):
    tender, alpha = _ready(commissioner, evaluator, moderator)
    services.consensus_change_propose(bid=alpha, question=1, user=moderator, score=4,
                                      rationale="Re-read the appendix.", change_reason=REASON)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.evaluation_award(tender=tender, user=commissioner)
    assert "waiting for a second person" in refused.value.message and "B-ALPHA Q1" in refused.value.message

    api = api_as(commissioner)
    answer = api.post(f"/api/evaluation/tenders/{tender.reference}/award/", {"note": ""}, format="json")
    assert answer.status_code == 409 and "second person" in str(answer.json())
    answer = api.post(f"/api/tenders/{tender.reference}/transition/", {"action": "award", "reason": "x"}, format="json")
    assert answer.status_code == 409 and "second person" in str(answer.json())

    client.force_login(commissioner)
    page = client.post(f"/reports/{tender.reference}/award/decide/", {"confirm": "on"})
    assert page.status_code == 409 and "second person" in page.content.decode()

    assert _status(tender) == "in_evaluation"
    assert not BidAssessment.objects.filter(bid=alpha, stage="award").exists()  # refused before any write


def test_once_the_change_is_decided_and_the_evaluation_re_run_the_award_goes_ahead(commissioner, evaluator, moderator):
    tender, alpha = _ready(commissioner, evaluator, moderator)
    proposal = services.consensus_change_propose(bid=alpha, question=1, user=moderator, score=4,
                                                 rationale="Re-read the appendix.", change_reason=REASON)
    services.consensus_change_decide(proposal=proposal, user=commissioner, approve=True)
    services.evaluation_run(tender=tender, user=commissioner)
    assert services.evaluation_award(tender=tender, user=commissioner).status == "awarded"


def test_a_score_without_feedback_to_the_bidder_stops_the_award(commissioner, evaluator, moderator, api_as):
    tender, alpha = _ready(commissioner, evaluator, moderator, feedback=False)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.evaluation_award(tender=tender, user=commissioner)
    assert refused.value.message.startswith("Not yet: 1 consensus score has no feedback to the bidder")
    assert "Alpha Care Ltd, question 2" in refused.value.message and "Regulation 31" in refused.value.message

    answer = api_as(commissioner).post(f"/api/evaluation/tenders/{tender.reference}/award/", {"note": ""},
                                       format="json")
    assert answer.status_code == 409 and "feedback to the bidder" in str(answer.json())
    assert _status(tender) == "in_evaluation"
    assert not BidAssessment.objects.filter(bid=alpha, stage="award").exists()
