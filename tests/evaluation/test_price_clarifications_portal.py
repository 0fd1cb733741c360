"""Price explanations through the portal: the commissioner asks with a deadline, the bidder answers with
text and documents, the commissioner accepts or rejects with reasons; every step audited and in the run."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from evaluation import price_clarifications as pc
from evaluation import services
from evaluation.models import PriceClarification, PriceClarificationStatus
from notifications.models import Notification, NotificationKind
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def flagged(commissioner, evaluator, moderator):
    tender = opened_tender()
    cheap = ProviderFactory(name="Cheap Care Ltd")
    bids = {
        "alpha": submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
        "cheap": submit_bid(tender, cheap, prices={1: "18.00"}, reference="B-CHEAP"),
    }
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid in bids.values():
        score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for bid in bids.values():
        moderate(bid, moderator, (3, 3, 6))
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    bidder_user = UserFactory(username="chris", role=Role.PROVIDER, provider=cheap)
    return tender, PriceClarification.objects.get(), bidder_user


def ask(clarification, commissioner, days=3):
    return pc.price_clarification_request(
        clarification=clarification, user=commissioner, question="How does £18.00 pay the National Living Wage?",
        reply_by=timezone.now() + timedelta(days=days),
    )


def actions(clarification):
    return list(AuditEntry.objects.filter(object_id=str(clarification.pk), action__startswith="evaluation.clarification")
                .order_by("id").values_list("action", flat=True))


def test_asking_records_the_question_and_deadline_and_tells_the_bidder_in_the_portal(flagged, commissioner):
    tender, clarification, _ = flagged
    clarification = ask(clarification, commissioner)
    assert clarification.stage == "awaiting_bidder" and clarification.status == PriceClarificationStatus.PENDING
    note = Notification.objects.get(kind=NotificationKind.PRICE_CLARIFICATION)
    assert note.provider == clarification.bid.provider and "explain your price for lot 1" in note.message
    assert note.link == f"/portal/bids/B-CHEAP/price-questions/{clarification.pk}/"
    assert actions(clarification)[-1] == "evaluation.clarification_requested"


def test_only_a_commissioner_asks_and_the_deadline_gives_at_least_a_day(flagged, evaluator, commissioner):
    _, clarification, _ = flagged
    with pytest.raises(PermissionDeniedError):
        ask(clarification, evaluator)
    with pytest.raises(RuleViolation, match="at least 24 hours"):
        pc.price_clarification_request(clarification=clarification, user=commissioner, question="Why?",
                                       reply_by=timezone.now() + timedelta(hours=2))


def test_the_bidder_answers_with_text_and_a_document_and_the_commissioner_accepts(flagged, commissioner):
    tender, clarification, bidder_user = flagged
    ask(clarification, commissioner)
    answered = pc.price_clarification_answer(
        clarification=clarification, user=bidder_user, explanation="Shared office; travel paid at the NLW.",
        uploads=[SimpleUploadedFile("costs.pdf", PDF, content_type="application/pdf")],
    )
    assert answered.stage == "answered" and answered.documents.get().original_name == "costs.pdf"
    decided = pc.price_clarification_decide(clarification=answered, user=commissioner, decision="accepted",
                                            reason="Pays the legal minimum for contact and travel time.")
    assert decided.status == PriceClarificationStatus.ACCEPTED and decided.explanation.startswith("Shared office")
    assert actions(clarification) == ["evaluation.clarification_raised", "evaluation.clarification_requested",
                                      "evaluation.clarification_answered", "evaluation.clarification_decided"]
    run = services.evaluation_run(tender=tender, user=commissioner)
    recorded = next(b for b in run.results["lots"][0]["bids"] if b["bid_ref"] == "B-CHEAP")["clarification"]
    assert recorded["question"].startswith("How does £18.00") and recorded["answered_at"]
    assert recorded["documents"][0]["name"] == "costs.pdf" and recorded["status"] == "accepted"


def test_another_provider_cannot_answer_and_nobody_answers_after_the_deadline(flagged, commissioner, outsider):
    _, clarification, bidder_user = flagged
    ask(clarification, commissioner, days=2)
    with pytest.raises(PermissionDeniedError):
        pc.price_clarification_answer(clarification=clarification, user=outsider, explanation="Not mine.")
    with time_machine.travel(timezone.now() + timedelta(days=3)), pytest.raises(DeadlinePassed):
        pc.price_clarification_answer(clarification=clarification, user=bidder_user, explanation="Too late.")


def test_the_panel_waits_for_the_answer_or_the_deadline_before_deciding(flagged, commissioner):
    _, clarification, _ = flagged
    ask(clarification, commissioner, days=2)
    with pytest.raises(TransitionNotAllowed, match="Wait for the bidder"):
        pc.price_clarification_decide(clarification=clarification, user=commissioner, decision="rejected",
                                      reason="No answer.")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        decided = pc.price_clarification_decide(clarification=clarification, user=commissioner,
                                                decision="rejected", reason="No explanation by the deadline.")
    assert decided.status == PriceClarificationStatus.REJECTED
    assert decided.explanation == "No explanation was received by the reply deadline."


def test_the_pages_carry_the_whole_exchange(flagged, commissioner):
    tender, clarification, bidder_user = flagged
    staff, bidder = Client(), Client()
    staff.force_login(commissioner)
    bidder.force_login(bidder_user)
    page = f"/evaluation/{tender.reference}/clarifications/B-CHEAP/1/"
    reply_by = timezone.localtime(timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    assert staff.post(page, {"action": "request", "question": "Explain the price, please.",
                             "reply_by": reply_by}).status_code == 302
    portal = f"/portal/bids/B-CHEAP/price-questions/{clarification.pk}/"
    assert "Explain your price for lot 1" in bidder.get("/portal/bids/B-CHEAP/").content.decode()
    html = bidder.get(portal).content.decode()
    assert "Explain the price, please." in html and "Send your explanation" in html
    empty = bidder.post(portal, {"explanation": ""})
    assert empty.status_code == 400 and "Explain how your price meets its costs" in empty.content.decode()
    assert bidder.post(portal, {"explanation": "We share a branch.",
                                "document": SimpleUploadedFile("costs.pdf", PDF, content_type="application/pdf")}
                       ).status_code == 302
    html = staff.get(page).content.decode()
    assert "We share a branch." in html and "costs.pdf" in html and "Record the decision" in html
    assert staff.post(page, {"action": "decide", "decision": "rejected", "reason": "Below the legal minimum."}
                      ).status_code == 302
    html = bidder.get(portal).content.decode()
    assert "Below the legal minimum." in html and "Send your explanation" not in html
