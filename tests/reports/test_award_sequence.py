"""The award sequence under the Procurement Act 2023: each step in order, recorded, refused out of order (409).

decision -> assessment summaries issued (portal) -> contract award notice recorded -> standstill
(s.51) -> contracted -> contract details notice (s.53).
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from notifications.models import Notification, NotificationKind
from reports.models import GeneratedReport, ReportKind
from reports.services import award_issue_summaries
from tenders import services
from tenders.models import Bid, BidOutcome, TenderAward
from tenders.transitions import TenderStatus
from tests.reports.helpers import ALPHA, BRAVO, CHARLIE, evaluated_tender

# Friday 19 December 2025, 10:00 UK time (GMT): day 1 of the standstill.
NOTICE_AT = datetime(2025, 12, 19, 10, 0, tzinfo=UTC)


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


def _award_and_issue(tender, commissioner, at=datetime(2025, 12, 18, 9, 0, tzinfo=UTC)):
    with time_machine.travel(at, tick=False):
        services.tender_award(tender=tender, user=commissioner)
        award_issue_summaries(tender=tender, user=commissioner)


def test_the_award_decision_records_the_run_and_the_standstill_terms(tender, commissioner):
    services.tender_award(tender=tender, user=commissioner, note="As recommended.")

    award = TenderAward.objects.get(tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
    assert award.evaluation_run.is_current and award.decided_by == commissioner
    # A homecare tender is light-touch by default and observes a voluntary 8-working-day standstill.
    assert (award.light_touch, award.standstill_observed, award.standstill_working_days) == (True, True, 8)
    assert AuditEntry.objects.filter(action="award.decided").exists()


def test_each_step_is_refused_out_of_order_with_a_clear_409(tender, commissioner):
    with pytest.raises(TransitionNotAllowed, match="first record the award decision"):
        award_issue_summaries(tender=tender, user=commissioner)

    services.tender_award(tender=tender, user=commissioner)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="012345-2025")
    assert refused.value.status_code == 409
    assert "first issue the assessment summaries" in refused.value.message
    with pytest.raises(TransitionNotAllowed, match="first issue the assessment summaries"):
        services.tender_mark_contracted(tender=tender, user=commissioner)
    with pytest.raises(TransitionNotAllowed, match="first issue the assessment summaries"):
        services.award_record_details_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="X")
    with pytest.raises(TransitionNotAllowed):
        services.tender_award(tender=tender, user=commissioner)


def test_summaries_are_issued_to_every_assessed_bidder_through_the_portal(
    tender, commissioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _award_and_issue(tender, commissioner)

    outcomes = dict(Bid.objects.filter(tender=tender).values_list("provider__name", "outcome"))
    assert outcomes == {ALPHA: BidOutcome.SUCCESSFUL, BRAVO: BidOutcome.SUCCESSFUL, CHARLIE: BidOutcome.UNSUCCESSFUL}
    charlie = Bid.objects.get(tender=tender, provider__name=CHARLIE)
    assert charlie.status_for_bidder == "Unsuccessful"
    notes = Notification.objects.filter(tender=tender, kind=NotificationKind.AWARD_OUTCOME)
    assert {n.provider.name for n in notes} == {ALPHA, BRAVO, CHARLIE}
    assert notes.get(provider__name=CHARLIE).link == f"/portal/bids/{charlie.reference}/"
    docs = GeneratedReport.objects.filter(tender=tender, issued_at__isnull=False)
    assert sorted((d.provider.name, d.kind) for d in docs) == [
        (ALPHA, ReportKind.ASSESSMENT_SUMMARY), (ALPHA, ReportKind.STANDSTILL_LETTER),
        (BRAVO, ReportKind.ASSESSMENT_SUMMARY), (BRAVO, ReportKind.STANDSTILL_LETTER),
        (CHARLIE, ReportKind.ASSESSMENT_SUMMARY), (CHARLIE, ReportKind.UNSUCCESSFUL_LETTER),
    ]
    # Generated from the run the decision relied on (Celery runs eagerly in tests).
    assert all(d.is_downloadable for d in docs)
    assert {d.evaluation_run_id for d in docs} == {TenderAward.objects.get(tender=tender).evaluation_run_id}


def test_the_notice_cannot_predate_the_summaries_or_be_in_the_future(tender, commissioner):
    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 12, 0, tzinfo=UTC), tick=False):
        with pytest.raises(RuleViolation, match="before the assessment summaries were issued"):
            services.award_record_notice(
                tender=tender, user=commissioner, published_at=datetime(2025, 12, 17, 9, 0, tzinfo=UTC), notice_id="1"
            )
        with pytest.raises(RuleViolation, match="in the future"):
            services.award_record_notice(
                tender=tender, user=commissioner, published_at=datetime(2025, 12, 19, 13, 0, tzinfo=UTC), notice_id="1"
            )
        with pytest.raises(RuleViolation, match="Find a Tender notice identifier"):
            services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="  ")


def test_contracted_is_refused_inside_the_standstill_and_allowed_after_it(tender, commissioner):
    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        award = services.award_record_notice(
            tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="012345-2025"
        )
    # s.51/s.123: 8 working days from Friday 19 December 2025, skipping Christmas, Boxing Day,
    # New Year's Day and Scotland's 2 January: the last day is Monday 5 January 2026.
    assert award.standstill_ends_on == date(2026, 1, 5)

    # Last minute of the last day (UK time): still inside.
    with time_machine.travel(datetime(2026, 1, 5, 23, 59, tzinfo=UTC), tick=False):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.tender_mark_contracted(tender=tender, user=commissioner)
    assert refused.value.status_code == 409
    assert refused.value.message == (
        "The voluntary standstill ends at midnight at the end of Monday 5 January 2026: "
        "the contract can be entered into from Tuesday 6 January 2026."
    )

    with time_machine.travel(datetime(2026, 1, 6, 0, 1, tzinfo=UTC), tick=False):
        services.tender_mark_contracted(tender=tender, user=commissioner)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CONTRACTED


def test_a_mandatory_standstill_is_named_as_required_by_section_51(tender, commissioner):
    tender.light_touch = False
    tender.save(update_fields=["light_touch"])
    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="N-1")
    with time_machine.travel(datetime(2025, 12, 22, 9, 0, tzinfo=UTC), tick=False):
        with pytest.raises(TransitionNotAllowed, match="standstill required by section 51 ends"):
            services.tender_mark_contracted(tender=tender, user=commissioner)


def test_with_no_standstill_observed_the_contract_may_follow_the_notice_at_once(tender, commissioner):
    tender.standstill_observed = False
    tender.save(update_fields=["standstill_observed"])
    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        award = services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="N-2")
        assert award.standstill_ends_on is None
        services.tender_mark_contracted(tender=tender, user=commissioner)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CONTRACTED


def test_the_contract_details_notice_is_recorded_after_the_contract_with_its_due_date(tender, commissioner):
    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="N-3")
    with time_machine.travel(datetime(2026, 1, 7, 9, 0, tzinfo=UTC), tick=False):
        services.tender_mark_contracted(tender=tender, user=commissioner)
    with time_machine.travel(datetime(2026, 1, 20, 9, 0, tzinfo=UTC), tick=False):
        award = services.award_record_details_notice(
            tender=tender, user=commissioner, published_at=datetime(2026, 1, 20, 8, 0, tzinfo=UTC), notice_id="UK7-1"
        )
    assert award.details_notice_id == "UK7-1"
    entry = AuditEntry.objects.get(action="award.details_notice_recorded")
    # s.53: light-touch, 120 days beginning with Wednesday 7 January 2026.
    assert entry.after["due_by"] == "2026-05-06" and entry.after["late"] is False
    with pytest.raises(TransitionNotAllowed, match="already been recorded"):
        services.award_record_details_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="again")


def test_only_a_commissioner_takes_the_award_steps(tender, legal, bidder):
    for user in (legal, bidder):
        with pytest.raises(PermissionDeniedError):
            services.tender_award(tender=tender, user=user)


def test_the_award_report_records_the_award_events_and_dates_the_standstill_from_the_notice(tender, commissioner):
    import re

    from reports.building import award_report_context
    from reports.pdf import AWARD_REPORT, render_html
    from reports.pdf import award_report_context as template_context

    _award_and_issue(tender, commissioner)
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        services.award_record_notice(tender=tender, user=commissioner, published_at=NOTICE_AT, notice_id="012345-2025")
    # Generated weeks later: every date comes from the recorded events.
    report = award_report_context(tender=tender, generated_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(AWARD_REPORT, template_context(report))).split())
    assert "Contract award notice Published 19 December 2025, 10:00, Find a Tender 012345-2025" in text
    assert "ends at midnight at the end of Monday 5 January 2026" in text
    assert "A voluntary standstill period (not required for this light-touch contract" in text
    assert "Assessment summaries issued to every assessed bidder through the portal." in text
