"""The tenders API: login required, lots with zone and hours, 409 on forbidden moves."""
import pytest

from demo.lancashire import load_demo
from tests.factories import complete_tender

pytestmark = pytest.mark.django_db


def test_listing_tenders_requires_login(api):
    assert api.get("/api/tenders/").status_code in (401, 403)


def test_it_lists_tenders_with_lots_zones_and_hours(api_as, commissioner):
    load_demo()
    response = api_as(commissioner).get("/api/tenders/")
    assert response.status_code == 200
    by_ref = {t["reference"]: t for t in response.json()["results"]}
    reablement = by_ref["LCC-REAB-2017"]
    assert [(lot["zone_name"], lot["hours_per_week"]) for lot in reablement["lots"]] == [
        ("Lancaster", "1128.00"),
        ("Fylde and Wyre", "1065.00"),
        ("Pendle and Ribble Valley", "949.00"),
        ("Burnley, Hyndburn and Rossendale", "1197.00"),
        ("Chorley, South Ribble and Greater Preston", "676.00"),
        ("West Lancashire", "663.00"),
    ]
    assert reablement["minute_basis"].startswith("per 60 minutes")


def test_providers_do_not_see_draft_tenders(api_as, bidder):
    load_demo()
    refs = {t["reference"] for t in api_as(bidder).get("/api/tenders/").json()["results"]}
    assert "LCC-HOME-2017" not in refs
    assert "LCC-CRISIS-2017" in refs


def test_a_forbidden_transition_answers_409_with_a_message(api_as, commissioner):
    tender = complete_tender()
    response = api_as(commissioner).post(f"/api/tenders/{tender.reference}/transition/", {"action": "open"}, format="json")
    assert response.status_code == 409
    assert "cannot become opened" in response.json()["detail"]


def test_publishing_an_incomplete_tender_answers_400(api_as, commissioner):
    tender = complete_tender()
    tender.lots.all().delete()
    response = api_as(commissioner).post(f"/api/tenders/{tender.reference}/transition/", {"action": "publish"}, format="json")
    assert response.status_code == 400
    assert "at least one lot" in response.json()["detail"]


def test_a_provider_cannot_change_a_tender_status(api_as, bidder, commissioner):
    tender = complete_tender()
    from tenders.services import tender_publish

    tender_publish(tender=tender, user=commissioner)
    response = api_as(bidder).post(f"/api/tenders/{tender.reference}/transition/", {"action": "cancel", "reason": "x"}, format="json")
    assert response.status_code == 403


def test_the_openapi_schema_is_served(api_as, commissioner):
    response = api_as(commissioner).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/tenders/" in response.content
