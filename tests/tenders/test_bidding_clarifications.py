"""Clarifications: a provider asks, a commissioner answers, every bidder reads it without learning who asked."""
from datetime import timedelta

import pytest
import time_machine

from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from notifications.models import Notification, NotificationKind
from tenders import services
from tenders.models import Clarification, ClarificationStatus
from tests.tenders.bidding_support import open_tender

pytestmark = pytest.mark.django_db


def test_a_provider_asks_and_the_commissioner_answers_publicly(bidder, rival_bidder, commissioner):
    tender = open_tender()
    services.bid_start(tender=tender, user=rival_bidder)
    asked = services.clarification_ask(tender=tender, user=bidder, question="Alice Care asks: is travel paid?")
    assert asked.number == 1 and asked.status == ClarificationStatus.PENDING
    answered = services.clarification_answer(
        clarification=asked, user=commissioner, answer="Yes, travel time is within the hourly rate.",
        published_question="Is travel time paid?",
    )
    assert answered.status == ClarificationStatus.PUBLISHED
    assert answered.published_question == "Is travel time paid?"
    notified = set(Notification.objects.filter(kind=NotificationKind.CLARIFICATION).values_list("provider_id", flat=True))
    assert notified == {bidder.provider_id, rival_bidder.provider_id}
    assert "Alice" not in Notification.objects.filter(provider=rival_bidder.provider).get().message
    assert AuditEntry.objects.filter(action="clarification.published").exists()


def test_questions_close_at_the_clarification_deadline(bidder):
    tender = open_tender()
    with time_machine.travel(tender.clarification_deadline + timedelta(seconds=1), tick=False):
        with pytest.raises(DeadlinePassed, match="closed at"):
            services.clarification_ask(tender=tender, user=bidder, question="Too late?")
    assert not Clarification.objects.exists()


def test_without_a_clarification_deadline_questions_close_with_the_bids(bidder):
    tender = open_tender(clarification_deadline=None)
    assert services.clarification_closes_at(tender) == tender.submission_deadline


def test_empty_questions_and_unapproved_providers_are_refused(bidder, commissioner):
    tender = open_tender()
    with pytest.raises(RuleViolation, match="Enter your question"):
        services.clarification_ask(tender=tender, user=bidder, question="   ")
    with pytest.raises(PermissionDeniedError):
        services.clarification_ask(tender=tender, user=commissioner, question="Why?")


def test_only_a_commissioner_answers_and_only_once(bidder, rival_bidder, commissioner):
    tender = open_tender()
    asked = services.clarification_ask(tender=tender, user=bidder, question="Is parking paid?")
    with pytest.raises(PermissionDeniedError):
        services.clarification_answer(clarification=asked, user=rival_bidder, answer="No.")
    with pytest.raises(RuleViolation, match="Enter the answer"):
        services.clarification_answer(clarification=asked, user=commissioner, answer=" ")
    services.clarification_answer(clarification=asked, user=commissioner, answer="No.")
    with pytest.raises(TransitionNotAllowed):
        services.clarification_answer(clarification=asked, user=commissioner, answer="Still no.")


def test_questions_are_numbered_per_tender(bidder, rival_bidder):
    tender, other = open_tender(), open_tender()
    services.clarification_ask(tender=tender, user=bidder, question="One?")
    services.clarification_ask(tender=other, user=bidder, question="Other one?")
    assert services.clarification_ask(tender=tender, user=rival_bidder, question="Two?").number == 2


def test_the_tender_page_shows_published_answers_without_the_asker(client, bidder, rival_bidder, commissioner):
    tender = open_tender()
    asked = services.clarification_ask(tender=tender, user=bidder, question="Alice Care Ltd asks about parking")
    services.clarification_answer(clarification=asked, user=commissioner, answer="Parking is reimbursed.",
                                  published_question="Is parking reimbursed?")
    pending = services.clarification_ask(tender=tender, user=bidder, question="A second private question")
    client.force_login(rival_bidder)
    page = client.get(f"/portal/tenders/{tender.reference}/").content.decode()
    assert "Is parking reimbursed?" in page and "Parking is reimbursed." in page
    assert "Alice" not in page
    assert pending.question not in page  # another provider's pending question is not shown
    client.force_login(bidder)
    assert pending.question in client.get(f"/portal/tenders/{tender.reference}/").content.decode()


def test_asking_through_the_page(client, bidder):
    tender = open_tender()
    client.force_login(bidder)
    response = client.post(f"/portal/tenders/{tender.reference}/ask/", {"question": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() and "Enter your question." in response.content.decode()
    response = client.post(f"/portal/tenders/{tender.reference}/ask/", {"question": "Is mileage paid?"})
    assert response.status_code == 302
    assert Clarification.objects.get().question == "Is mileage paid?"


def test_the_commissioner_answers_through_the_page(client, bidder, commissioner):
    tender = open_tender()
    services.clarification_ask(tender=tender, user=bidder, question="Is mileage paid?")
    client.force_login(commissioner)
    listing = client.get(f"/bidding/tenders/{tender.reference}/clarifications/").content.decode()
    assert "Is mileage paid?" in listing and bidder.provider.name in listing
    response = client.post(f"/bidding/tenders/{tender.reference}/clarifications/1/",
                           {"published_question": "Is mileage paid?", "answer": "At 45p a mile."})
    assert response.status_code == 302
    assert Clarification.objects.get().answer == "At 45p a mile."


def test_providers_cannot_reach_the_commissioners_clarification_pages(client, bidder):
    tender = open_tender()
    client.force_login(bidder)
    assert client.get(f"/bidding/tenders/{tender.reference}/clarifications/").status_code == 403


def test_the_demo_clarifications_load_once():
    from demo.lancashire import load_demo, load_demo_clarifications

    load_demo()  # loads them once
    assert load_demo_clarifications() == 0
    assert Clarification.objects.filter(tender__reference="LCC-CRISIS-2017", status="published").count() == 2
