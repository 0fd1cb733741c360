"""GET /api/tenders/ makes the same few queries for 5 tenders as for 50: no N+1 (issue 9)."""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import LotFactory, QualityQuestionFactory, TenderFactory, ZoneFactory


def _tenders(count: int, zones: list) -> None:
    for _ in range(count):
        tender = TenderFactory(status="published")
        for number, zone in enumerate(zones, start=1):
            LotFactory(tender=tender, number=number, zone=zone)
        for number in (1, 2):
            QualityQuestionFactory(tender=tender, number=number)


def _queries_for_listing(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/tenders/")
    assert response.status_code == 200
    return len(queries), len(response.json())


def test_it_lists_tenders_in_the_same_number_of_queries_however_many_there_are(api_as, commissioner):
    zones = [ZoneFactory() for _ in range(3)]
    _tenders(5, zones)
    few, listed = _queries_for_listing(api_as(commissioner))
    assert listed == 5
    _tenders(45, zones)
    many, listed = _queries_for_listing(api_as(commissioner))
    assert listed == 50
    assert many == few
    assert many <= 4  # tenders (with their rate preset), lots (with zones), questions, and at most one more


def test_it_makes_no_extra_queries_for_a_provider_either(api_as, bidder, django_assert_max_num_queries):
    zones = [ZoneFactory() for _ in range(3)]
    _tenders(20, zones)
    with django_assert_max_num_queries(4):
        response = api_as(bidder).get("/api/tenders/?status=published")
    assert len(response.json()) == 20
