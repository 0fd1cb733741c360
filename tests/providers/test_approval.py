"""A commissioner approves or rejects registrations that wait; the provider hears about it in the app."""
import pytest

from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from notifications.models import Notification, NotificationKind
from providers.models import ProviderStatus
from providers.services import provider_approve, provider_reject
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(db):
    provider = ProviderFactory(name="Waiting Care Ltd", status=ProviderStatus.PENDING, decision_note="Name matches.")
    user = UserFactory(username="wendy", role="provider", provider=provider)
    return provider, user


def test_a_commissioner_approves_and_the_provider_is_notified(commissioner, waiting):
    provider, _ = waiting
    provider_approve(provider=provider, user=commissioner)
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.APPROVED and provider.decided_at
    assert Notification.objects.get(provider=provider).kind == NotificationKind.REGISTRATION
    assert AuditEntry.objects.get(action="provider.approved").actor == commissioner
    with pytest.raises(TransitionNotAllowed):
        provider_approve(provider=provider, user=commissioner)


def test_rejection_needs_a_reason_the_provider_sees(commissioner, waiting):
    provider, _ = waiting
    with pytest.raises(RuleViolation):
        provider_reject(provider=provider, user=commissioner, reason=" ")
    provider_reject(provider=provider, user=commissioner, reason="Not registered for personal care.")
    assert "Not registered for personal care." in Notification.objects.get(provider=provider).message


def test_providers_cannot_approve_themselves(waiting, bidder):
    provider, user = waiting
    for actor in (user, bidder):
        with pytest.raises(PermissionDeniedError):
            provider_approve(provider=provider, user=actor)


def test_the_approval_queue_page(client, commissioner, waiting):
    provider, _ = waiting
    client.force_login(commissioner)
    assert "Waiting Care Ltd" in client.get("/providers/registrations/").content.decode()
    bad = client.post(f"/providers/registrations/{provider.pk}/", {"decision": "reject", "reason": ""})
    assert bad.status_code == 400 and "Give the reason" in bad.content.decode()
    assert client.post(f"/providers/registrations/{provider.pk}/", {"decision": "approve"}).status_code == 302
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.APPROVED


def test_a_waiting_provider_reads_tenders_but_cannot_bid(client, waiting):
    from tests.tenders.bidding_support import open_tender

    provider, user = waiting
    tender = open_tender()
    client.force_login(user)
    portal = client.get("/portal/").content.decode()
    assert "awaiting approval" in portal.lower()
    page = client.get(f"/portal/tenders/{tender.reference}/").content.decode()
    assert "must be approved before you can bid" in page
    assert client.post(f"/portal/tenders/{tender.reference}/bid/").status_code == 403


def test_approval_over_the_api(api_as, commissioner, bidder, waiting):
    provider, _ = waiting
    assert api_as(bidder).get("/api/providers/?status=pending").status_code == 403
    listed = api_as(commissioner).get("/api/providers/?status=pending").json()
    assert [p["name"] for p in listed["results"]] == ["Waiting Care Ltd"]
    assert api_as(commissioner).get("/api/providers/?status=nonsense").status_code == 400
    bad = api_as(commissioner).post(f"/api/providers/{provider.pk}/decision/", {"decision": "maybe"}, format="json")
    assert bad.status_code == 400
    done = api_as(commissioner).post(f"/api/providers/{provider.pk}/decision/", {"decision": "approve"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert api_as(commissioner).post("/api/providers/999999/decision/", {"decision": "approve"}, format="json").status_code == 404


def test_my_organisation_over_the_api(api_as, bidder):
    body = api_as(bidder).get("/api/providers/me/").json()
    assert body["name"] == bidder.provider.name and [u["username"] for u in body["users"]] == ["alice"]
    added = api_as(bidder).post("/api/providers/me/users/", {
        "username": "alice2", "email": "a2@example.com", "first_name": "Al", "last_name": "Two",
        "password": "kettle-moorland-lantern-42"}, format="json")
    assert added.status_code == 201 and added.json()["username"] == "alice2"


def test_the_admin_action_approves_through_the_service(client, waiting):
    provider, _ = waiting
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post("/admin/providers/provider/", {"action": "approve_selected", "_selected_action": [provider.pk]})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.APPROVED
    assert AuditEntry.objects.get(action="provider.approved").actor == root
