"""The deadline is judged when a submission reaches the server, not after it waited for a worker or a lock (issue 17)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from common.errors import DeadlinePassed
from tenders import services
from tenders.models import BidVersion, LateSubmissionAttempt, Tender
from tenders.services.lifecycle import tenders_close_due
from tenders.transitions import TenderStatus
from tests.tenders.bidding_support import complete_draft, open_tender, pass_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_bid(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    complete_draft(bid, bidder)
    return bid


class _Clock:
    """Stands in for django.utils.timezone inside common.arrival only: the request 'arrived' at `at`."""

    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at


def _post_submit(bid, user, monkeypatch, *, arrived_at):
    import common.arrival

    monkeypatch.setattr(common.arrival, "timezone", _Clock(arrived_at))
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/bids/{bid.reference}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")


def test_a_submission_that_arrived_before_the_deadline_but_is_processed_after_it_is_accepted(
    ready_bid, bidder, monkeypatch
):
    tender = pass_deadline(ready_bid.tender, ago=timedelta(seconds=5))  # it waited 6 s in a queue
    arrived = tender.submission_deadline - timedelta(seconds=1)
    response = _post_submit(ready_bid, bidder, monkeypatch, arrived_at=arrived)
    assert response.status_code == 201, response.content
    version = BidVersion.objects.get(bid=ready_bid, status="submitted")
    assert version.submitted_at == arrived  # the receipt says when it reached the server
    assert not LateSubmissionAttempt.objects.exists()


def test_it_is_accepted_even_when_the_tender_closed_at_its_deadline_meanwhile(ready_bid, bidder, monkeypatch):
    tender = pass_deadline(ready_bid.tender, ago=timedelta(seconds=5))
    tenders_close_due()
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.CLOSED.value
    response = _post_submit(ready_bid, bidder, monkeypatch, arrived_at=tender.submission_deadline - timedelta(seconds=1))
    assert response.status_code == 201, response.content


def test_a_submission_that_arrived_after_the_deadline_is_refused_and_recorded_at_its_arrival(
    ready_bid, bidder, monkeypatch
):
    tender = pass_deadline(ready_bid.tender, ago=timedelta(seconds=5))
    arrived = tender.submission_deadline + timedelta(milliseconds=1)
    response = _post_submit(ready_bid, bidder, monkeypatch, arrived_at=arrived)
    assert response.status_code == 409
    assert LateSubmissionAttempt.objects.get().attempted_at == arrived


def test_a_request_held_open_longer_than_the_grace_is_judged_when_processed(ready_bid, bidder):
    tender = pass_deadline(ready_bid.tender, ago=timedelta(minutes=5))
    with pytest.raises(DeadlinePassed):
        services.bid_submit(bid=ready_bid, user=bidder, arrived_at=tender.submission_deadline - timedelta(seconds=1))


def test_the_arrival_time_comes_from_the_server_clock_only(ready_bid, bidder):
    """Nothing the client sends moves it: a made-up Date header changes nothing."""
    pass_deadline(ready_bid.tender)
    client = APIClient()
    client.force_authenticate(bidder)
    response = client.post(f"/api/bids/{ready_bid.reference}/submit/", {}, format="json",
                           HTTP_DATE="Mon, 01 Jan 2001 00:00:00 GMT", HTTP_X_ARRIVED_AT="2001-01-01T00:00:00Z")
    assert response.status_code == 409


def test_the_middleware_stamps_each_request_once(client, bidder):
    from common.arrival import ArrivalTimeMiddleware, request_arrival

    seen = {}

    def view(request):
        seen["request"], seen["context"] = request.arrived_at, request_arrival()
        return "ok"

    before = timezone.now()
    ArrivalTimeMiddleware(view)(type("Request", (), {})())
    assert before <= seen["request"] == seen["context"] <= timezone.now()
    assert request_arrival() is None  # nothing leaks past the request


def _stamp(meta):
    from common.arrival import ArrivalTimeMiddleware

    seen = {}
    request = type("Request", (), {"META": meta})()
    ArrivalTimeMiddleware(lambda r: seen.setdefault("at", r.arrived_at))(request)
    return seen["at"]


def test_a_trusted_proxys_stamp_is_used_when_configured(settings):
    settings.ARRIVAL_TIME_HEADER = "HTTP_X_REQUEST_START"
    proxy = timezone.now() - timedelta(seconds=3)
    assert abs(_stamp({"HTTP_X_REQUEST_START": f"t={proxy.timestamp():.3f}"}) - proxy) < timedelta(milliseconds=2)
    assert abs(_stamp({"HTTP_X_REQUEST_START": f"t={int(proxy.timestamp() * 1e6)}"}) - proxy) < timedelta(milliseconds=2)


def test_the_proxy_header_is_ignored_unless_configured_and_sane(settings):
    long_ago = (timezone.now() - timedelta(hours=1)).timestamp()
    before = timezone.now()
    assert _stamp({"HTTP_X_REQUEST_START": f"t={long_ago}"}) >= before  # not configured: the client sent it
    settings.ARRIVAL_TIME_HEADER = "HTTP_X_REQUEST_START"
    assert _stamp({"HTTP_X_REQUEST_START": f"t={long_ago}"}) >= before  # more than a minute early: not believed
    assert _stamp({"HTTP_X_REQUEST_START": "t=soon"}) >= before
    future = (timezone.now() + timedelta(seconds=30)).timestamp()
    assert _stamp({"HTTP_X_REQUEST_START": f"t={future}"}) <= timezone.now()


def test_the_gunicorn_workers_stamp_is_used_once(db):
    from common.arrival import note_received

    queued = timezone.now() - timedelta(seconds=4)
    note_received(queued.timestamp())
    assert abs(_stamp({}) - queued) < timedelta(milliseconds=2)
    before = timezone.now()
    assert _stamp({}) >= before  # the next request on this thread is stamped afresh
