"""Out-of-range or malformed ids are 400, never 500 (issue 13, case 7)."""
from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = 2**63  # one past the largest BigAutoField id
HUGE = "9" * 30


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("ids", [[BEYOND_BIGINT], [int(HUGE)], [-1], [0]])
def test_marking_notifications_read_with_an_id_out_of_range_is_400(bidder, ids):
    response = api_for(bidder).post("/api/notifications/read/", {"ids": ids}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()


@pytest.mark.parametrize("ids", [["abc"], "12", [1.5], [None]])
def test_marking_notifications_read_with_malformed_ids_is_400(bidder, ids):
    assert api_for(bidder).post("/api/notifications/read/", {"ids": ids}, format="json").status_code == 400


def test_the_largest_possible_id_is_simply_not_found(bidder):
    response = api_for(bidder).post("/api/notifications/read/", {"ids": [BEYOND_BIGINT - 1]}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 0}


@pytest.mark.parametrize("path", [f"/api/providers/{HUGE}/decision/", f"/api/reports/{HUGE}/",
                                  f"/api/cqc/imports/{HUGE}/"])
def test_an_id_in_an_api_address_beyond_the_database_range_is_not_found(commissioner, path):
    # Django 5 answers "no rows" for an integer lookup beyond the column's range: 404, the same as any absent id.
    response = api_for(commissioner).post(path, {"decision": "approve"}, format="json") if "decision" in path \
        else api_for(commissioner).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", [f"/reports/download/{HUGE}/", f"/cqc/imports/{HUGE}/",
                                  f"/providers/registrations/{HUGE}/", f"/reports/issued/{HUGE}/"])
def test_an_id_in_a_page_address_beyond_the_database_range_is_not_found(commissioner, legal, path):
    client = Client(raise_request_exception=False)
    client.force_login(legal if path.startswith("/reports/") else commissioner)
    assert client.get(path).status_code == 404


def test_a_number_overflowing_in_a_query_is_a_400_in_the_api_and_on_pages():
    """The nets under every path: SQLite's OverflowError and PostgreSQL's DataError are the request's fault."""
    from django.db import DataError
    from django.test import RequestFactory

    from common.api import exception_handler
    from common.middleware import OutOfRangeMiddleware

    for exc in (OverflowError("Python int too large to convert to SQLite INTEGER"), DataError("out of range")):
        api = exception_handler(exc, {})
        assert api.status_code == 400 and api.data["code"] == "out_of_range"
        page = OutOfRangeMiddleware(lambda r: None).process_exception(RequestFactory().get("/x/"), exc)
        assert page.status_code == 400 and b"out of range" in page.content
    assert OutOfRangeMiddleware(lambda r: None).process_exception(RequestFactory().get("/"), ValueError()) is None
