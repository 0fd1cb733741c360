"""Lifecycle services: rules, domain errors and the audit trail."""
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from tenders import services
from tenders.models import Tender
from tenders.transitions import TenderStatus
from tests.factories import TenderFactory, complete_tender

pytestmark = pytest.mark.django_db


def test_it_publishes_a_complete_tender_and_audits_it(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert tender.published_at is not None
    entry = AuditEntry.objects.get(action="tender.published")
    assert entry.actor == commissioner
    assert entry.before == {"status": "draft"}
    assert entry.after["status"] == "published"


def test_it_lists_every_reason_a_tender_cannot_be_published(commissioner):
    tender = TenderFactory(submission_deadline=timezone.now() - timedelta(hours=1), clarification_deadline=None,
                           rate_preset=None)
    with pytest.raises(RuleViolation) as exc:
        services.tender_publish(tender=tender, user=commissioner)
    message = exc.value.message
    assert "at least one lot" in message
    assert "at least one quality question" in message
    assert "deadline must be in the future" in message
    assert "cost-of-care model" in message
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT
    assert not AuditEntry.objects.exists()


def test_it_refuses_weights_that_do_not_sum_to_100():
    tender = TenderFactory.build(quality_weight=Decimal("70"), price_weight=Decimal("40"))
    with pytest.raises(ValidationError) as exc:
        tender.clean()
    assert "must add up to 100" in str(exc.value)


def test_the_database_refuses_weights_that_do_not_sum_to_100():
    with pytest.raises(IntegrityError):
        TenderFactory(quality_weight=Decimal("55"), price_weight=Decimal("40"))


def test_it_defaults_to_60_quality_40_price_on_50_plus_10_minutes():
    tender = TenderFactory()
    assert (tender.quality_weight, tender.price_weight) == (Decimal("60"), Decimal("40"))
    assert (tender.contact_minutes, tender.travel_minutes) == (50, 10)
    assert tender.minute_basis_label == "per 60 minutes of provider time = 50 contact + 10 travel minutes"


def test_a_forbidden_transition_raises_a_clear_domain_error(commissioner):
    tender = complete_tender()
    with pytest.raises(TransitionNotAllowed) as exc:
        services.tender_open(tender=tender, user=commissioner)
    assert "draft" in exc.value.message and "cannot become opened" in exc.value.message


def test_it_walks_the_whole_lifecycle(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    with time_machine.travel(tender.submission_deadline + timedelta(minutes=1)):
        services.tender_close(tender=tender)
        services.tender_open(tender=tender, user=commissioner)
        services.tender_start_evaluation(tender=tender, user=commissioner)
        # Issue 14: the award decision relies on a stored evaluation run, and "contracted" follows the
        # award sequence (tests/reports/test_award_sequence.py walks it to the end).
        with pytest.raises(TransitionNotAllowed, match="run the evaluation before the award decision"):
            services.tender_award(tender=tender, user=commissioner)
        with pytest.raises(TransitionNotAllowed):
            services.tender_mark_contracted(tender=tender, user=commissioner)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.IN_EVALUATION
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "tender.published", "tender.closed", "tender.opened", "tender.in_evaluation",
    ]


def test_it_will_not_close_before_the_deadline(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    with pytest.raises(RuleViolation, match="before its submission deadline"):
        services.tender_close(tender=tender)


def test_the_scheduler_closes_only_tenders_past_their_deadline(commissioner):
    due, later = complete_tender(), complete_tender()
    Tender.objects.filter(pk=later.pk).update(submission_deadline=timezone.now() + timedelta(days=60))
    for t in (due, later):
        services.tender_publish(tender=t, user=commissioner)
    with time_machine.travel(due.submission_deadline + timedelta(seconds=1)):
        assert services.tenders_close_due() == [due.reference]


def test_cancelling_needs_a_reason_and_is_final(commissioner):
    tender = complete_tender()
    with pytest.raises(RuleViolation, match="reason"):
        services.tender_cancel(tender=tender, user=commissioner, reason=" ")
    services.tender_cancel(tender=tender, user=commissioner, reason="Budget withdrawn")
    with pytest.raises(TransitionNotAllowed):
        services.tender_publish(tender=tender, user=commissioner)
    assert AuditEntry.objects.get(action="tender.cancelled").note == "Budget withdrawn"


def test_only_a_commissioner_changes_status(bidder, evaluator):
    tender = complete_tender()
    for user in (bidder, evaluator):
        with pytest.raises(PermissionDeniedError):
            services.tender_publish(tender=tender, user=user)


def test_two_person_opening_needs_a_different_second_commissioner(commissioner, second_commissioner):
    tender = complete_tender(opening_requires_two=True)
    services.tender_publish(tender=tender, user=commissioner)
    with time_machine.travel(tender.submission_deadline + timedelta(minutes=1)):
        services.tender_close(tender=tender)
        with pytest.raises(RuleViolation, match="second, different commissioner"):
            services.tender_open(tender=tender, user=commissioner, second_user=commissioner)
        services.tender_open(tender=tender, user=commissioner, second_user=second_commissioner)
    assert "colin" in AuditEntry.objects.get(action="tender.opened").note
