"""Provider registration: approved automatically when the checks pass, otherwise waiting for a commissioner."""
import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, User
from common.errors import RuleViolation
from common.models import AuditEntry
from cqc.models import CQCImport, ImportStatus
from providers.models import Provider, ProviderStatus
from providers.services import name_key, normalise_companies_house_number, provider_add_user, provider_register
from tests.evaluation.helpers import cqc_location
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Ribble Valley Home Care Ltd", "companies_house_number": "1234567", "cqc_provider_id": "1-101234567",
    "contact_name": "Ruth Ribble", "contact_email": "bids@ribble.example", "contact_phone": "01200 000000",
    "first_name": "Ruth", "last_name": "Ribble", "email": "ruth@ribble.example", "username": "ruth",
    "password": "kettle-moorland-lantern-42",
}


@pytest.fixture
def cqc_knows_ribble():
    """CQC data imported, listing Ribble Valley's provider ID (automatic approval needs it since issue 15)."""
    now = timezone.now()
    CQCImport.objects.create(filename="ratings.ods", sha256="0" * 64, created_at=now, finished_at=now,
                             status=ImportStatus.DONE)
    cqc_location("1-555000001", GOOD["cqc_provider_id"])


def test_a_well_formed_unique_registration_is_approved_automatically(cqc_knows_ribble):
    registration = provider_register(data=GOOD)
    provider = registration.provider
    assert registration.approved and provider.status == ProviderStatus.APPROVED
    assert provider.companies_house_number == "01234567"  # the leading zero people drop is put back
    assert provider.decided_at is not None and "automatically" in provider.decision_note
    assert "listed in the imported CQC data" in provider.decision_note
    user = registration.user
    assert user.role == Role.PROVIDER and user.provider == provider and user.check_password(GOOD["password"])
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["provider.registered", "provider.approved"]


def test_a_name_matching_a_registered_organisation_waits_for_a_commissioner():
    ProviderFactory(name="Ribble Valley Home Care Limited")
    registration = provider_register(data={**GOOD, "name": "The Ribble Valley Home Care Ltd."})
    assert registration.provider.status == ProviderStatus.PENDING
    assert "matches an organisation" in registration.provider.decision_note


@override_settings(PROVIDER_AUTO_APPROVE=False)
def test_a_council_can_require_every_registration_to_be_checked():
    assert provider_register(data=GOOD).provider.status == ProviderStatus.PENDING


@pytest.mark.parametrize("field, value, says", [
    ("companies_house_number", "ABC", "Companies House number is 8 digits"),
    ("cqc_provider_id", "12345", "CQC provider ID looks like 1-101234567"),
    ("contact_email", "not-an-email", "correct format"),
    ("password", "password", "too short"),
    ("username", "a b", "Choose a username"),
    ("name", "", "Enter your organisation's name"),
])
def test_malformed_registrations_are_refused_with_the_field_named(field, value, says):
    with pytest.raises(RuleViolation) as exc:
        provider_register(data={**GOOD, field: value})
    assert exc.value.field == field and says in exc.value.message
    assert not Provider.objects.exists() and not User.objects.exists()


def test_identifiers_already_registered_are_refused():
    ProviderFactory(companies_house_number="01234567")
    with pytest.raises(RuleViolation) as exc:
        provider_register(data=GOOD)
    assert exc.value.field == "companies_house_number" and "already registered" in exc.value.message


def test_name_keys_ignore_legal_suffixes_punctuation_and_case():
    assert name_key("The Acme Care Co. Ltd") == name_key("ACME CARE LIMITED") == "acme care"
    assert normalise_companies_house_number(" sc 123456 ") == "SC123456"


def test_a_provider_user_adds_a_colleague(bidder, rival_bidder):
    colleague = provider_add_user(provider=bidder.provider, actor=bidder, data={
        "username": "alice2", "email": "a2@alice.example", "first_name": "Al", "last_name": "Two",
        "password": "kettle-moorland-lantern-42",
    })
    assert colleague.provider == bidder.provider and colleague.role == Role.PROVIDER
    from common.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        provider_add_user(provider=bidder.provider, actor=rival_bidder, data={**GOOD, "username": "intruder"})


def test_an_unknown_cqc_provider_id_waits_for_a_commissioner_and_says_why(cqc_knows_ribble):
    registration = provider_register(data={**GOOD, "cqc_provider_id": "1-109999999"})
    provider = registration.provider
    assert provider.status == ProviderStatus.PENDING and provider.decided_at is None
    assert "CQC provider ID 1-109999999 is not in the CQC data imported on" in provider.decision_note
    assert "a commissioner will check it" in provider.decision_note
    assert "checked" not in provider.decision_note.replace("will check it", "")


def test_with_no_cqc_data_imported_the_message_never_says_the_id_was_checked(client):
    registration = provider_register(data=GOOD)
    assert registration.provider.status == ProviderStatus.PENDING
    assert registration.provider.decision_note == (
        "No CQC data has been imported yet, so CQC provider ID 1-101234567 has not been checked against CQC's "
        "register: a commissioner will confirm it."
    )


def test_registering_through_the_page_signs_the_user_in(client, cqc_knows_ribble):
    empty = client.post("/providers/register/", {})
    page = empty.content.decode()
    assert empty.status_code == 400 and "There is a problem" in page
    assert 'href="#id_name"' in page and 'href="#id_companies_house_number"' in page and 'href="#id_password"' in page
    response = client.post("/providers/register/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/providers/registered/"
    done = client.get("/providers/registered/").content.decode()
    assert "Registration complete" in done
    assert client.get("/portal/").status_code == 200


def test_the_login_page_link_leads_to_registration(client):
    assert "/providers/register/" in client.get("/accounts/login/").content.decode()
    assert client.get("/providers/register/").status_code == 200


def test_registering_through_the_api_needs_no_sign_in(api, cqc_knows_ribble):
    bad = api.post("/api/providers/register/", {**GOOD, "cqc_provider_id": "x"}, format="json")
    assert bad.status_code == 400 and "cqc_provider_id" in bad.json()
    response = api.post("/api/providers/register/", GOOD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["approved"] is True and body["provider"]["status"] == "approved" and body["username"] == "ruth"
    assert "password" not in str(body)
    duplicate = api.post("/api/providers/register/", {**GOOD, "username": "ruth2"}, format="json")
    assert duplicate.status_code == 400 and "companies_house_number" in duplicate.json()
