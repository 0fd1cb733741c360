"""Amendments: an addendum notifies every registered bidder, flags submitted bids, and is audited."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation
from common.models import AuditEntry
from notifications.models import Notification, NotificationKind
from tenders import services
from tenders.models import Amendment, Bid, Tender, TenderDocument
from tests.factories import ProviderFactory
from tests.tenders.bidding_support import PDF_BYTES, open_tender, pass_deadline, submitted_bid, upload

pytestmark = pytest.mark.django_db


def test_extending_the_deadline_is_an_amendment(bidder, rival_bidder, commissioner):
    tender = open_tender()
    bid, _ = submitted_bid(tender, bidder)
    services.bid_start(tender=tender, user=rival_bidder)  # a draft only
    bystander = ProviderFactory()  # approved, but has shown no interest in this tender
    old = tender.submission_deadline
    new = old + timedelta(days=7)

    amendment = services.amendment_create(tender=tender, user=commissioner, summary="Two more weeks for everyone.",
                                          submission_deadline=new)

    tender.refresh_from_db()
    assert tender.submission_deadline == new and amendment.number == 1
    assert amendment.changes[0]["field"] == "submission_deadline"
    bid.refresh_from_db()
    assert bid.needs_reconfirmation
    assert not Bid.objects.get(provider=rival_bidder.provider).needs_reconfirmation
    kinds = dict(Notification.objects.values_list("provider_id", "kind"))
    assert kinds == {bidder.provider_id: NotificationKind.RECONFIRM, rival_bidder.provider_id: NotificationKind.AMENDMENT}
    assert bystander.pk not in kinds
    entry = AuditEntry.objects.get(action="tender.amended")
    assert entry.actor == commissioner and entry.note == "Two more weeks for everyone."
    assert entry.after["amendment"] == 1 and entry.after["bids_needing_reconfirmation"] == 1
    assert entry.before["submission_deadline"].startswith(old.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"))


def test_an_amendment_can_change_lots_the_specification_and_add_documents(commissioner):
    tender = open_tender()
    lot = tender.lots.order_by("number").first()
    amendment = services.amendment_create(
        tender=tender, user=commissioner, summary="More hours in lot 1; revised specification; TUPE list.",
        description="Revised specification.", lot_hours={lot.pk: Decimal("650")}, lot_ceilings={lot.pk: Decimal("21.50")},
        documents=[("TUPE list", upload("tupe.pdf", PDF_BYTES))],
    )
    lot.refresh_from_db()
    assert lot.hours_per_week == Decimal("650") and lot.ceiling_price == Decimal("21.50")
    assert Tender.objects.get(pk=tender.pk).description == "Revised specification."
    assert {c["field"] for c in amendment.changes} == {"description", "hours_per_week", "ceiling_price", "document"}
    document = TenderDocument.objects.get()
    assert document.amendment == amendment and document.title == "TUPE list"


def test_reconfirming_after_an_amendment_makes_a_new_version_acknowledging_it(bidder, commissioner):
    tender = open_tender()
    bid, first = submitted_bid(tender, bidder)
    services.amendment_create(tender=tender, user=commissioner, summary="Deadline moved.",
                              submission_deadline=tender.submission_deadline + timedelta(days=1))
    result = services.bid_reconfirm(bid=bid, user=bidder, idempotency_key="re-1")
    bid.refresh_from_db()
    assert not bid.needs_reconfirmation
    assert result.version.number == 2 and result.version.content["amendments_acknowledged"] == 1
    assert result.version.content["lots"] == first.version.content["lots"]
    assert result.version.digest != first.version.digest
    assert services.bid_reconfirm(bid=bid, user=bidder, idempotency_key="re-1").replayed


def test_amendments_need_a_summary_a_change_and_a_future_deadline(commissioner):
    tender = open_tender()
    with pytest.raises(RuleViolation, match="Say what the amendment changes"):
        services.amendment_create(tender=tender, user=commissioner, summary="", submission_deadline=None)
    with pytest.raises(RuleViolation, match="changes nothing"):
        services.amendment_create(tender=tender, user=commissioner, summary="Nothing")
    with pytest.raises(RuleViolation, match="must be in the future"):
        services.amendment_create(tender=tender, user=commissioner, summary="Oops",
                                  submission_deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(RuleViolation, match="close before the submission deadline"):
        services.amendment_create(tender=tender, user=commissioner, summary="Oops",
                                  clarification_deadline=tender.submission_deadline + timedelta(days=1))
    assert not Amendment.objects.exists()


def test_only_commissioners_amend_and_only_before_the_deadline(bidder, commissioner):
    tender = open_tender()
    with pytest.raises(PermissionDeniedError):
        services.amendment_create(tender=tender, user=bidder, summary="Mine now", description="x")
    pass_deadline(tender)
    with pytest.raises(DeadlinePassed):
        services.amendment_create(tender=tender, user=commissioner, summary="Late", description="x")


def test_publishing_a_tender_notifies_every_approved_provider(commissioner, bidder):
    from providers.models import ProviderStatus
    from tests.factories import complete_tender

    pending = ProviderFactory(status=ProviderStatus.PENDING)
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    notified = set(Notification.objects.filter(kind=NotificationKind.TENDER_PUBLISHED).values_list("provider_id", flat=True))
    assert bidder.provider_id in notified and pending.pk not in notified


def test_the_amendment_page_publishes_and_bidders_see_it(client, bidder, commissioner):
    tender = open_tender()
    submitted_bid(tender, bidder)
    new = (tender.submission_deadline + timedelta(days=7)).astimezone(timezone.get_current_timezone())
    clarification_before = tender.clarification_deadline
    client.force_login(commissioner)
    fields = {
        "summary": "Deadline extended by a week.", "description": tender.description,
        **deadline_parts("submission_deadline", new.day, new.month, new.year, "12", "00"),
    }
    check = client.post(f"/bidding/tenders/{tender.reference}/amend/", fields)
    # Issue 16: a confirmation page first (what will happen, what cannot be undone); nothing published yet.
    assert check.status_code == 200 and "Check the amendment before you publish it" in check.content.decode()
    assert "cannot be withdrawn" in check.content.decode() and not Amendment.objects.exists()
    response = client.post(f"/bidding/tenders/{tender.reference}/amend/", {**fields, "confirmed": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Amendment.objects.get().summary == "Deadline extended by a week."
    tender.refresh_from_db()
    # 12:00 UK time on the day typed; the clarification deadline, left empty, is unchanged.
    assert tender.submission_deadline == new.replace(hour=12, minute=0, second=0, microsecond=0)
    assert tender.clarification_deadline == clarification_before
    client.force_login(bidder)
    page = client.get(f"/portal/tenders/{tender.reference}/").content.decode()
    assert "Amendment 1" in page and "Submission deadline moved" in page
    assert "Needs re-confirming" in client.get("/portal/").content.decode()


def test_the_amendment_page_shows_errors_in_a_summary(client, commissioner):
    tender = open_tender()
    client.force_login(commissioner)
    response = client.post(f"/bidding/tenders/{tender.reference}/amend/", {
        "summary": "", **deadline_parts("submission_deadline", "31", "2", "2030", "12", "00"),
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_summary"' in page and 'href="#id_submission_deadline_day"' in page
    assert "New submission deadline must be a real date" in page
    assert 'id="id_submission_deadline_day" name="submission_deadline_day" type="text" inputmode="numeric" value="31"' in page
    assert not Amendment.objects.exists()


def test_the_amendment_page_uses_the_one_date_input_for_both_deadlines(client, commissioner):
    tender = open_tender()
    client.force_login(commissioner)
    page = client.get(f"/bidding/tenders/{tender.reference}/amend/").content.decode()
    for name in ("submission_deadline", "clarification_deadline"):
        for part in ("day", "month", "year", "hour", "minute"):
            assert f'name="{name}_{part}"' in page
    assert "New submission deadline</legend>" in page and "New clarification deadline</legend>" in page
    assert "Leave it empty to keep the current deadline." in page
    assert 'name="submission_time"' not in page and "Time (24-hour)" not in page  # the hand-written input is gone


def test_an_amended_deadline_must_be_one_moment_in_uk_time(client, commissioner):
    tender = open_tender()
    client.force_login(commissioner)
    year = timezone.localtime().year + 1
    # Clocks go back at 02:00 on the last Sunday of October: 01:30 happens twice.
    last_sunday = max(day for day in range(25, 32) if datetime(year, 10, day).weekday() == 6)
    response = client.post(f"/bidding/tenders/{tender.reference}/amend/", {
        "summary": "Deadline moved.", **deadline_parts("clarification_deadline", last_sunday, 10, year, "01", "30"),
    })
    page = response.content.decode()
    assert response.status_code == 400 and not Amendment.objects.exists()
    assert "New clarification deadline is at a time that happens twice in the UK" in page
    assert 'href="#id_clarification_deadline_hour"' in page  # the time, not the day, is what to change


def test_an_incomplete_deadline_says_what_is_missing_and_nothing_is_published(client, commissioner):
    tender = open_tender()
    before = tender.submission_deadline
    client.force_login(commissioner)
    response = client.post(f"/bidding/tenders/{tender.reference}/amend/", {
        "summary": "Deadline moved.", **deadline_parts("submission_deadline", "3", "", "2031", "", ""),
    })
    page = response.content.decode()
    assert response.status_code == 400 and not Amendment.objects.exists()
    assert "New submission deadline must include a month and time" in page
    assert 'href="#id_submission_deadline_month"' in page
    tender.refresh_from_db()
    assert tender.submission_deadline == before


def test_a_past_deadline_is_refused_by_the_service_against_the_date_input(client, commissioner):
    tender = open_tender()
    client.force_login(commissioner)
    past = timezone.localtime() - timedelta(days=2)
    response = client.post(f"/bidding/tenders/{tender.reference}/amend/", {
        "summary": "Deadline moved.", "confirmed": "yes",
        **deadline_parts("submission_deadline", past.day, past.month, past.year, "09", "00"),
    })
    page = response.content.decode()
    assert response.status_code == 400 and not Amendment.objects.exists()
    assert "The new submission deadline must be in the future." in page
    # A refusal about the whole date marks every part and the summary links to the first.
    assert 'href="#id_submission_deadline_day"' in page
    assert page.count("govuk-input--error") == 5


def deadline_parts(name, day, month, year, hour, minute) -> dict[str, str]:
    """The five inputs of a GOV.UK date-and-time input (common.date_input) as a browser posts them."""
    return {f"{name}_{part}": str(value) for part, value in
            zip(("day", "month", "year", "hour", "minute"), (day, month, year, hour, minute), strict=True)}
