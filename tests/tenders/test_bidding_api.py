"""The bidding API: the portal's journeys over token or session auth, 400s with field errors, never a 500."""
import hashlib
from datetime import timedelta

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts import services as account_services
from tenders.bidding_rules import DECLARATIONS
from tenders.models import BidVersion, Clarification, LateSubmissionAttempt
from tests.tenders.bidding_support import PDF_BYTES, open_tender, pass_deadline, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_client(bidder):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {account_services.user_token_issue(user=bidder, actor=bidder)}")
    return client


def _fill(client, ref, tender):
    body = {
        "lots": [{"lot": 1, "hourly_price": "18.50", "package_price": "600.00"}],
        "answers": [{"question": q.number, "text": f"Answer {q.number}"} for q in tender.questions.all()],
        "cqc_location_ids": ["1-123456789"],
        "declarations": list(DECLARATIONS),
    }
    return client.patch(f"/api/bids/{ref}/draft/", body, format="json")


def test_a_provider_bids_end_to_end_with_a_token(token_client, bidder):
    tender = open_tender(package_lot=True)
    started = token_client.post("/api/bids/", {"tender": tender.reference}, format="json")
    assert started.status_code == 201, started.content
    ref = started.json()["reference"]
    assert started.json()["draft"]["number"] == 1

    problems = token_client.get(f"/api/bids/{ref}/problems/").json()
    assert {p["field"] for p in problems} >= {"prices", "locations", "declarations"}

    saved = _fill(token_client, ref, tender)
    assert saved.status_code == 200, saved.content
    assert saved.json()["lots"] == [{"lot": 1, "zone": tender.lots.get(number=1).zone.name, "hourly_price": "18.50",
                                     "package_price": "600.00", "price_per_contact_hour": "22.20"}]
    assert token_client.get(f"/api/bids/{ref}/problems/").json() == []

    doc = token_client.post(f"/api/bids/{ref}/documents/", {"file": upload("policy.pdf", PDF_BYTES)}, format="multipart")
    assert doc.status_code == 201 and doc.json()["content_type"] == "application/pdf"

    submitted = token_client.post(f"/api/bids/{ref}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="client-retry-1")
    assert submitted.status_code == 201, submitted.content
    receipt = submitted.json()
    assert hashlib.sha256(receipt["canonical_json"].encode("utf-8")).hexdigest() == receipt["digest"]
    assert parse_datetime(receipt["content"]["submitted_at"]) == parse_datetime(receipt["submitted_at"])
    assert receipt["replayed"] is False

    retry = token_client.post(f"/api/bids/{ref}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="client-retry-1")
    assert retry.status_code == 200 and retry.json()["digest"] == receipt["digest"] and retry.json()["replayed"]
    assert BidVersion.objects.count() == 1

    again = token_client.get(f"/api/bids/{ref}/versions/1/receipt/").json()
    assert again["digest"] == receipt["digest"] and again["canonical_json"] == receipt["canonical_json"]

    revised = token_client.post(f"/api/bids/{ref}/revise/")
    assert revised.status_code == 201 and revised.json()["number"] == 2
    token_client.patch(f"/api/bids/{ref}/draft/", {"lots": [{"lot": 1, "hourly_price": 19.1, "package_price": 610}]},
                       format="json")
    second = token_client.post(f"/api/bids/{ref}/submit/", {"idempotency_key": "client-retry-2"}, format="json")
    assert second.status_code == 201 and second.json()["content"]["lots"][0]["hourly_price"] == "19.10"
    detail = token_client.get(f"/api/bids/{ref}/").json()
    assert [(v["number"], v["status"]) for v in detail["versions"]] == [(1, "superseded"), (2, "submitted")]
    assert detail["live"]["number"] == 2

    withdrawn = token_client.post(f"/api/bids/{ref}/withdraw/", {"reason": "No capacity"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_bad_input_answers_400_with_field_errors(api_as, bidder):
    tender = open_tender(word_limit=3)
    client = api_as(bidder)
    ref = client.post("/api/bids/", {"tender": tender.reference}, format="json").json()["reference"]
    cases = [
        ({"lots": [{"lot": 1, "hourly_price": "12.755"}]}, "lots"),
        ({"lots": [{"lot": 1, "hourly_price": "-1"}]}, "lots"),
        ({"lots": [{"lot": 9, "hourly_price": "18"}]}, "lots"),
        ({"lots": "everything"}, "lots"),
        ({"lots": [{"lot": "one", "hourly_price": "x"}]}, "lots"),
        ({"answers": [{"question": 1, "text": "far too many words here"}]}, "field"),
        ({"answers": [{"question": 1, "text": None}]}, "answers"),
        ({"cqc_location_ids": ["RX1"]}, "field"),
        ({"cqc_location_ids": [1, {"a": 2}]}, "cqc_location_ids"),
        ({"declarations": ["i_promise"]}, "declarations"),
    ]
    for body, key in cases:
        response = client.patch(f"/api/bids/{ref}/draft/", body, format="json")
        assert response.status_code == 400, (body, response.status_code, response.content)
        assert key in response.json(), (body, response.json())
    assert client.post("/api/bids/", {"tender": "no-such-tender"}, format="json").status_code == 400
    assert client.post("/api/bids/", {}, format="json").status_code == 400
    assert client.post(f"/api/bids/{ref}/documents/", {}, format="multipart").status_code == 400
    bad = client.post(f"/api/bids/{ref}/documents/", {"file": upload("cv.pdf", b"not a pdf at all")}, format="multipart")
    assert bad.status_code == 400 and bad.json()["field"] == "document"
    incomplete = client.post(f"/api/bids/{ref}/submit/", {}, format="json")
    assert incomplete.status_code == 400 and "not complete" in incomplete.json()["detail"]
    assert client.post(f"/api/bids/{ref}/submit/", {"idempotency_key": "x" * 65}, format="json").status_code == 400
    assert client.post(f"/api/bids/{ref}/withdraw/", {}, format="json").status_code == 400


def test_a_late_api_submission_is_refused_with_409_and_recorded(api_as, bidder):
    tender = open_tender(package_lot=True)
    client = api_as(bidder)
    ref = client.post("/api/bids/", {"tender": tender.reference}, format="json").json()["reference"]
    _fill(client, ref, tender)
    pass_deadline(tender)
    response = client.post(f"/api/bids/{ref}/submit/", {"idempotency_key": "late"}, format="json")
    assert response.status_code == 409
    assert "Late submissions cannot be accepted" in response.json()["detail"]
    assert LateSubmissionAttempt.objects.get().channel == "api"
    assert client.patch(f"/api/bids/{ref}/draft/", {"cqc_location_ids": ["1-123456789"]}, format="json").status_code == 409


def test_providers_only_ever_see_their_own_bids(api_as, bidder, rival_bidder):
    tender = open_tender()
    ref = api_as(bidder).post("/api/bids/", {"tender": tender.reference}, format="json").json()["reference"]
    rival = api_as(rival_bidder)
    assert rival.get(f"/api/bids/{ref}/").status_code == 404
    assert rival.patch(f"/api/bids/{ref}/draft/", {"cqc_location_ids": []}, format="json").status_code == 404
    assert rival.post(f"/api/bids/{ref}/submit/", {}, format="json").status_code == 404
    assert rival.get("/api/bids/").json()["results"] == []


def test_clarifications_over_the_api_never_reveal_who_asked(api_as, bidder, rival_bidder, commissioner):
    tender = open_tender()
    asked = api_as(bidder).post(f"/api/tenders/{tender.reference}/clarifications/", {"question": "Is travel paid?"},
                                format="json")
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert api_as(rival_bidder).get(f"/api/tenders/{tender.reference}/clarifications/").json()["results"] == []
    staff = api_as(commissioner).get(f"/api/tenders/{tender.reference}/clarifications/").json()["results"]
    assert staff[0]["asked_by_provider"] == bidder.provider.name
    assert api_as(rival_bidder).post(f"/api/tenders/{tender.reference}/clarifications/1/answer/", {"answer": "x"},
                                     format="json").status_code == 403
    answered = api_as(commissioner).post(f"/api/tenders/{tender.reference}/clarifications/1/answer/",
                                         {"answer": "Yes."}, format="json")
    assert answered.status_code == 200
    seen = api_as(rival_bidder).get(f"/api/tenders/{tender.reference}/clarifications/").json()["results"]
    assert seen == [{"number": 1, "status": "published", "question": "Is travel paid?", "answer": "Yes.",
                     "answered_at": seen[0]["answered_at"]}]
    assert "asked_by" not in str(seen) and bidder.provider.name not in str(seen)
    assert api_as(bidder).post(f"/api/tenders/{tender.reference}/clarifications/", {"question": ""},
                               format="json").status_code == 400
    assert Clarification.objects.count() == 1


def test_amendments_and_notifications_over_the_api(api_as, bidder, commissioner):
    tender = open_tender()
    api_as(bidder).post("/api/bids/", {"tender": tender.reference}, format="json")
    new = (tender.submission_deadline + timedelta(days=3)).isoformat()
    assert api_as(bidder).post(f"/api/tenders/{tender.reference}/amendments/", {"summary": "x"},
                               format="json").status_code == 403
    bad = api_as(commissioner).post(f"/api/tenders/{tender.reference}/amendments/",
                                    {"summary": "More hours", "lots": [{"lot": 7, "hours_per_week": "600"}]}, format="json")
    assert bad.status_code == 400 and "lots" in bad.json()
    made = api_as(commissioner).post(
        f"/api/tenders/{tender.reference}/amendments/",
        {"summary": "Three more days; more hours.", "submission_deadline": new, "lots": [{"lot": 1, "hours_per_week": "650"}]},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert [c["field"] for c in made.json()["changes"]] == ["submission_deadline", "hours_per_week"]
    assert api_as(bidder).get(f"/api/tenders/{tender.reference}/amendments/").json()["results"][0]["number"] == 1
    notes = api_as(bidder).get("/api/notifications/").json()["results"]
    assert notes[0]["kind"] == "amendment" and notes[0]["read_at"] is None
    assert api_as(bidder).post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert api_as(commissioner).post("/api/notifications/read/", {}, format="json").status_code == 403


def test_the_openapi_schema_documents_the_bidding_api(api_as, commissioner):
    schema = api_as(commissioner).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/bids/", "/api/bids/{reference}/submit/", "/api/bids/{reference}/draft/",
                 "/api/bids/{reference}/documents/", "/api/bids/{reference}/versions/{number}/receipt/",
                 "/api/tenders/{reference}/clarifications/", "/api/tenders/{reference}/amendments/",
                 "/api/notifications/", "/api/providers/register/", "/api/providers/{provider_id}/decision/"):
        assert path in paths, path
    submit = paths["/api/bids/{reference}/submit/"]["post"]
    assert {"201", "200", "400", "409"} <= set(submit["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert "multipart/form-data" in paths["/api/bids/{reference}/documents/"]["post"]["requestBody"]["content"]
