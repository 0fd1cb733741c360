"""Notifications: sent to organisations, read by their users only, marked read by them only, shown read-only to IT."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from common.errors import PermissionDeniedError
from notifications import selectors
from notifications.models import Notification, NotificationKind
from notifications.services import notifications_mark_read, notifications_send
from tenders import services as tender_services
from tests.factories import TenderFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(*provider_ids, kind=NotificationKind.AMENDMENT, message="Tender amended.", now=None, **kwargs):
    return notifications_send(provider_ids=provider_ids, kind=kind, message=message, now=now or timezone.now(), **kwargs)


def test_one_notification_per_organisation_with_the_callers_time_and_tender(bidder, rival_bidder):
    tender = TenderFactory()
    now = timezone.now() - timedelta(minutes=3)
    sent = send(bidder.provider_id, rival_bidder.provider_id, bidder.provider_id, tender_id=tender.pk, now=now,
                link="/portal/tenders/T-1/")
    assert sent == 2  # the repeated organisation is notified once
    rows = Notification.objects.order_by("provider_id")
    assert [n.provider_id for n in rows] == sorted([bidder.provider_id, rival_bidder.provider_id])
    assert {(n.tender_id, n.created_at, n.read_at, n.link, n.kind) for n in rows} == {
        (tender.pk, now, None, "/portal/tenders/T-1/", NotificationKind.AMENDMENT)
    }


def test_no_organisation_means_nothing_sent():
    assert send() == 0
    assert not Notification.objects.exists()


def test_a_user_reads_only_their_own_organisations_notifications_newest_first(bidder, rival_bidder):
    now = timezone.now()
    send(bidder.provider_id, message="older", now=now - timedelta(hours=1))
    send(bidder.provider_id, message="newer", now=now)
    send(rival_bidder.provider_id, message="the rival's")
    assert [n.message for n in selectors.notifications_for(user=bidder)] == ["newer", "older"]
    assert [n.message for n in selectors.notifications_for(user=bidder, limit=1)] == ["newer"]
    assert [n.message for n in selectors.notifications_queryset(user=rival_bidder)] == ["the rival's"]
    assert selectors.unread_notification_count(user=bidder) == 2


def test_council_staff_and_anonymous_visitors_have_no_notifications(bidder, commissioner):
    send(bidder.provider_id)
    for user in (commissioner, AnonymousUser()):
        assert selectors.notifications_for(user=user) == []
        assert not selectors.notifications_queryset(user=user).exists()
        assert selectors.unread_notification_count(user=user) == 0


def test_marking_read_touches_only_the_organisations_unread_notifications(bidder, rival_bidder):
    send(bidder.provider_id, message="one")
    send(bidder.provider_id, message="two")
    send(rival_bidder.provider_id, message="rival")
    one, two = (Notification.objects.get(message=m) for m in ("one", "two"))
    rival = Notification.objects.get(message="rival")
    # Another organisation's id is passed over, not marked.
    assert notifications_mark_read(provider_id=bidder.provider_id, notification_ids=[one.pk, rival.pk]) == 1
    assert notifications_mark_read(provider_id=bidder.provider_id, notification_ids=[one.pk]) == 0  # already read
    assert notifications_mark_read(provider_id=bidder.provider_id) == 1  # the rest: "two"
    assert Notification.objects.get(pk=two.pk).read_at is not None
    assert Notification.objects.get(pk=rival.pk).read_at is None
    assert selectors.unread_notification_count(user=bidder) == 0


def test_only_a_providers_own_user_may_mark_its_notifications_read(bidder, commissioner):
    send(bidder.provider_id)
    with pytest.raises(PermissionDeniedError):
        tender_services.notification_mark_read(user=commissioner)
    assert tender_services.notification_mark_read(user=bidder) == 1


def test_the_model_keeps_the_table_it_had_in_tenders():
    # Moving the model to this app (issue 18) moved no data: the rows are where they always were.
    assert Notification._meta.db_table == "tenders_notification"
    assert Notification._meta.app_label == "notifications"


def test_the_admin_shows_notifications_but_changes_none(bidder):
    send(bidder.provider_id, message="Registration approved.")
    note = Notification.objects.get()
    client = Client()
    client.force_login(UserFactory(username="root", role="admin", is_superuser=True, is_staff=True))
    assert client.get("/admin/notifications/notification/").status_code == 200
    assert client.get(f"/admin/notifications/notification/{note.pk}/change/").status_code == 200  # IT may look
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.post(f"/admin/notifications/notification/{note.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=note.pk, read_at__isnull=True).exists()
