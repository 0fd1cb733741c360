"""GET /api/tenders/ makes the same few queries for 5 tenders as for a full page: no N+1 (issues 9 and 17)."""
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


def _queries_for_listing(client, url: str = "/api/tenders/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_it_lists_tenders_in_the_same_number_of_queries_however_many_there_are(api_as, commissioner):
    zones = [ZoneFactory() for _ in range(3)]
    _tenders(5, zones)
    few, listed = _queries_for_listing(api_as(commissioner))
    assert listed == 5
    _tenders(45, zones)
    many, listed = _queries_for_listing(api_as(commissioner))
    assert listed == 50
    assert many == few
    # count, the page's tenders (with their rate preset), lots (with zones), questions
    assert many <= 4
    _tenders(30, zones)  # 80 tenders: a full page of 50, then the last 30
    first, listed = _queries_for_listing(api_as(commissioner))
    assert (first, listed) == (few, 50)
    last, listed = _queries_for_listing(api_as(commissioner), "/api/tenders/?page=2")
    assert (last, listed) == (few, 30)


def test_the_summary_list_leaves_out_questions_in_fewer_queries(api_as, commissioner):
    zones = [ZoneFactory() for _ in range(3)]
    _tenders(12, zones)
    full, _ = _queries_for_listing(api_as(commissioner))
    light, listed = _queries_for_listing(api_as(commissioner), "/api/tenders/summary/")
    assert listed == 12
    assert light <= full  # the fast path skips the questions query altogether
    item = api_as(commissioner).get("/api/tenders/summary/?page_size=1").json()["results"][0]
    assert "questions" not in item
    assert len(item["lots"]) == 3


def test_it_makes_no_extra_queries_for_a_provider_either(api_as, bidder, django_assert_max_num_queries):
    zones = [ZoneFactory() for _ in range(3)]
    _tenders(20, zones)
    with django_assert_max_num_queries(4):
        response = api_as(bidder).get("/api/tenders/?status=published")
    assert len(response.json()["results"]) == 20


def test_it_lists_exactly_what_the_tender_serializer_shows(api_as, commissioner):
    """The list reads plain rows for speed; its JSON must be the serializer's, nulls and all."""
    from rest_framework.renderers import JSONRenderer

    from demo.lancashire import load_demo
    from tenders.api.serializers import TenderSerializer, TenderSummarySerializer, tender_list_data
    from tenders.selectors import tender_list

    load_demo()
    bare = TenderFactory(rate_preset=None, clarification_deadline=None, description="", max_lots_per_provider=None)
    LotFactory(tender=bare, number=1, ceiling_price=None, guaranteed_minimum_hours=None, package_hours=None)
    TenderFactory(status="published", max_lots_per_provider=2)  # no lots, no questions

    tenders = tender_list(user=commissioner)
    fast = tender_list_data(tenders)
    assert fast is not None, "the fast path stepped aside: a serializer field is not read from a column"
    assert fast == TenderSerializer(tenders, many=True).data
    response = api_as(commissioner).get("/api/tenders/")
    assert response.json()["results"] == fast
    summary = tender_list_data(tenders, TenderSummarySerializer)
    assert summary == TenderSummarySerializer(tenders, many=True).data
    assert response.content.endswith(JSONRenderer().render(TenderSerializer(tenders, many=True).data)[:-1] + b"]}")
    filtered = api_as(commissioner).get("/api/tenders/?status=published").json()["results"]
    assert filtered and {t["status"] for t in filtered} == {"published"}
