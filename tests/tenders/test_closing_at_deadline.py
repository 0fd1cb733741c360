"""A tender closes at its deadline with no worker: the request hook and Celery beat run the same service."""
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from common.models import AuditEntry
from tenders import closing, services
from tenders.models import Tender
from tenders.tasks import close_due_tenders
from tenders.transitions import TenderStatus
from tests.factories import complete_tender

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hook_on(settings):
    """The test settings turn the request hook off; here it runs as under `make run` (every 15 s)."""
    settings.TENDERS_CLOSE_DUE_EVERY_SECONDS = 15


@pytest.fixture
def published(commissioner):
    tender = complete_tender()
    services.tender_publish(tender=tender, user=commissioner)
    closing.reset()
    yield Tender.objects.get(pk=tender.pk)
    closing.reset()


def _status(tender):
    return Tender.objects.values_list("status", flat=True).get(pk=tender.pk)


def test_before_the_deadline_nothing_closes(published):
    with time_machine.travel(published.submission_deadline - timedelta(seconds=1)):
        assert services.tenders_close_due() == []
    assert _status(published) == TenderStatus.PUBLISHED


def test_at_the_deadline_it_closes_and_the_audit_entry_is_stamped_with_the_deadline(published):
    with time_machine.travel(published.submission_deadline):
        assert services.tenders_close_due() == [published.reference]
    assert _status(published) == TenderStatus.CLOSED
    entry = AuditEntry.objects.get(action="tender.closed")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.note == "Closed by the system at the deadline."
    assert entry.at == published.submission_deadline.replace(microsecond=published.submission_deadline.microsecond // 1000 * 1000)
    assert entry.before == {"status": "published"} and entry.after == {"status": "closed"}


def test_after_the_deadline_running_it_again_and_again_closes_once_and_audits_once(published):
    with time_machine.travel(published.submission_deadline + timedelta(hours=3)):
        assert services.tenders_close_due() == [published.reference]
        assert services.tenders_close_due() == []
        assert close_due_tenders.delay().get() == []  # the Celery beat task: the same service
    assert AuditEntry.objects.filter(action="tender.closed").count() == 1
    # Closed at the deadline, not when somebody happened to notice.
    assert AuditEntry.objects.get(action="tender.closed").at <= published.submission_deadline


def test_the_beat_task_closes_a_due_tender(published):
    with time_machine.travel(published.submission_deadline + timedelta(seconds=30)):
        assert close_due_tenders.delay().get() == [published.reference]
    assert _status(published) == TenderStatus.CLOSED


def test_with_no_worker_any_request_closes_it_within_a_minute_and_the_portal_stops_listing_it(published, bidder):
    client = Client()
    with time_machine.travel(published.submission_deadline - timedelta(minutes=5), tick=False):
        client.force_login(bidder)  # signed in just before, so the session is fresh at the deadline
        assert published.reference in client.get("/portal/").content.decode().split("Tenders open for bids", 1)[1]
    with time_machine.travel(published.submission_deadline + timedelta(seconds=59), tick=False):
        response = client.get(f"/api/tenders/{published.reference}/")
        assert response.json()["status"] == "closed"
        assert _status(published) == TenderStatus.CLOSED
        portal = client.get("/portal/").content.decode()
    assert AuditEntry.objects.filter(action="tender.closed").count() == 1
    # The portal's "Tenders open for bids" no longer lists it.
    open_section = portal.split("Tenders open for bids", 1)[1]
    assert published.reference not in open_section


def test_the_hook_runs_at_most_once_per_interval(published, settings, monkeypatch):
    settings.TENDERS_CLOSE_DUE_EVERY_SECONDS = 60
    calls = []
    monkeypatch.setattr(closing, "tenders_close_due", lambda: calls.append(1) or [])
    with time_machine.travel(published.submission_deadline, tick=False) as traveller:
        closing.close_due_tenders_now()
        closing.close_due_tenders_now()
        traveller.shift(timedelta(seconds=61))
        closing.close_due_tenders_now()
    assert len(calls) == 2
