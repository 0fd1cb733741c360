"""POST/PATCH /api/tenders/: commissioners build drafts in the GET shape; 400 by field, 403 by role, 409 once published."""
from datetime import timedelta

import pytest
from django.utils import timezone

from common.models import AuditEntry
from tenders.models import Tender
from tests.factories import UserFactory, ZoneFactory, complete_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones(db):
    return ZoneFactory(code="crisis-north", name="North"), ZoneFactory(code="crisis-east", name="East")


def _payload(**extra):
    deadline = timezone.now() + timedelta(days=30)
    return {
        "title": "Crisis support at home",
        "service_type": "crisis",
        "submission_deadline": deadline.isoformat(),
        "clarification_deadline": (deadline - timedelta(days=10)).isoformat(),
        "lots": [
            {"zone": "crisis-north", "hours_per_week": "360", "contract_type": "block", "guaranteed_minimum_hours": "300"},
            {"zone": "crisis-east", "hours_per_week": "575", "contract_type": "block", "ceiling_price": "30.00"},
        ],
        "questions": [
            {"text": "How will you start care within hours?", "weight": "60", "max_score": 5, "word_limit": 750},
            {"text": "How will you staff it?", "weight": "40"},
        ],
        **extra,
    }


def test_a_commissioner_creates_a_draft_and_gets_the_get_shape_back(api_as, commissioner, zones):
    response = api_as(commissioner).post("/api/tenders/", _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert [(lot["zone"], lot["hours_per_week"]) for lot in body["lots"]] == [("crisis-north", "360.00"), ("crisis-east", "575.00")]
    assert [q["weight"] for q in body["questions"]] == ["60.00", "40.00"]
    assert body == api_as(commissioner).get(f"/api/tenders/{body['reference']}/").json()
    assert AuditEntry.objects.filter(action="tender.created").count() == 1


def test_what_get_returns_can_be_sent_back_as_a_patch(api_as, commissioner, zones):
    client = api_as(commissioner)
    body = client.post("/api/tenders/", _payload(), format="json").json()
    body["title"] = "Crisis care in North and East"
    response = client.patch(f"/api/tenders/{body['reference']}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Crisis care in North and East"
    assert len(response.json()["lots"]) == 2


def test_patch_changes_only_what_is_sent(api_as, commissioner, zones):
    client = api_as(commissioner)
    reference = client.post("/api/tenders/", _payload(), format="json").json()["reference"]
    response = client.patch(f"/api/tenders/{reference}/", {"description": "Up to 72 hours."}, format="json")
    assert response.status_code == 200
    tender = Tender.objects.get(reference=reference)
    assert tender.description == "Up to 72 hours." and tender.lots.count() == 2


@pytest.mark.parametrize(
    "change, field",
    [
        ({"quality_weight": "70", "price_weight": "40"}, "price_weight"),
        ({"service_type": "gardening"}, "service_type"),
        ({"submission_deadline": "not a date"}, "submission_deadline"),
        ({"rate_preset": "no-such-preset"}, "rate_preset"),
        ({"reference": "has spaces"}, "reference"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, commissioner, zones, change, field):
    response = api_as(commissioner).post("/api/tenders/", _payload(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_guaranteed_hours_above_the_lot_and_unknown_zones_are_400_on_the_lot(api_as, commissioner, zones):
    payload = _payload()
    payload["lots"][0]["guaranteed_minimum_hours"] = "458"
    response = api_as(commissioner).post("/api/tenders/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["lots"][0]["guaranteed_minimum_hours"] == [
        "Guaranteed minimum hours (458) cannot be more than the lot's 360 hours a week."
    ]
    payload = _payload()
    payload["lots"][1]["zone"] = "atlantis"
    response = api_as(commissioner).post("/api/tenders/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["lots"]  # DRF lists nested errors by position (a list, or a dict keyed by index)
    assert "zone" in (errors[1] if isinstance(errors, list) else errors["1"])


def test_garbage_bodies_are_400_never_500(api_as, commissioner):
    client = api_as(commissioner)
    for body in ([1, 2], {"lots": "many"}, {"questions": [{"weight": "lots"}]}):
        assert client.post("/api/tenders/", body, format="json").status_code == 400


@pytest.mark.parametrize("persona", ["bidder", "evaluator", "moderator", "legal"])
def test_only_commissioners_create_or_patch(api_as, request, persona, zones):
    user = request.getfixturevalue(persona)
    tender = complete_tender()
    client = api_as(user)
    assert client.post("/api/tenders/", _payload(), format="json").status_code == 403
    assert client.patch(f"/api/tenders/{tender.reference}/", {"title": "x"}, format="json").status_code == 403
    assert not Tender.objects.exclude(pk=tender.pk).exists()


def test_the_it_administrator_cannot_create_tenders_even_as_superuser(api_as, zones):
    it = UserFactory(username="ian", role="admin", is_superuser=True, is_staff=True)
    assert api_as(it).post("/api/tenders/", _payload(), format="json").status_code == 403


def test_anonymous_requests_are_refused(api, zones):
    assert api.post("/api/tenders/", _payload(), format="json").status_code in (401, 403)


def test_after_publication_patch_is_409_pointing_to_amendments(api_as, commissioner):
    tender = complete_tender()
    client = api_as(commissioner)
    assert client.post(f"/api/tenders/{tender.reference}/transition/", {"action": "publish"}, format="json").status_code == 200
    response = client.patch(f"/api/tenders/{tender.reference}/", {"title": "Changed"}, format="json")
    assert response.status_code == 409
    assert "amendment" in response.json()["detail"]
    assert response.json()["amendments"] == f"/api/tenders/{tender.reference}/amendments/"
    again = client.post("/api/tenders/", _payload(reference=tender.reference), format="json")
    assert again.status_code == 409 and again.json()["amendments"].endswith("/amendments/")
    assert Tender.objects.get(pk=tender.pk).title != "Changed"


def test_create_then_publish_through_the_api(api_as, commissioner, zones):
    client = api_as(commissioner)
    reference = client.post("/api/tenders/", _payload(), format="json").json()["reference"]
    response = client.post(f"/api/tenders/{reference}/transition/", {"action": "publish"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"


def test_publishing_an_incomplete_draft_is_400_listing_the_problems(api_as, commissioner, zones):
    client = api_as(commissioner)
    payload = _payload()
    payload["questions"][1]["weight"] = "10"
    reference = client.post("/api/tenders/", payload, format="json").json()["reference"]
    response = client.post(f"/api/tenders/{reference}/transition/", {"action": "publish"}, format="json")
    assert response.status_code == 400
    assert "weights must add up to 100" in response.json()["detail"]


def test_a_visit_mix_the_pricing_pages_could_not_read_is_a_400(api_as, commissioner, zones):
    response = api_as(commissioner).post("/api/tenders/", _payload(expected_visit_mix={"half an hour": "all"}), format="json")
    assert response.status_code == 400 and "expected_visit_mix" in response.json()
    ok = api_as(commissioner).post("/api/tenders/", _payload(expected_visit_mix={"30": "40", "60": "60"}), format="json")
    assert ok.status_code == 201 and ok.json()["expected_visit_mix"] == {"30": "40", "60": "60"}
