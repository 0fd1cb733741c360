"""Every API list is paginated the same way (issue 17): {count, next, previous, results}, 50 a page,
?page_size= up to 200, filters kept in the links, and the same number of queries for a page of 1 as
for a full page.

The list endpoints are found in the OpenAPI schema, so a new list endpoint is covered without
touching this file: a GET answering a bare array fails here unless it is a whole checklist below.
"""
from __future__ import annotations

from functools import cache
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from demo.lancashire import load_demo
from tenders.models import Bid

# GETs that answer a whole array on purpose, with the reason.
WHOLE_LISTS = {
    "/api/bids/{reference}/problems/": "what still stops a draft being submitted: a checklist a client reads whole",
}
# Who to ask, in order: the first persona that may read a list is the one tested.
PERSONAS = ("commissioner", "evaluator", "moderator", "legal", "provider")
DEMO_TENDER = "LCC-REAB-2017"  # opened, evaluated, with bids, a panel and a run (demo/evaluation.py)


@cache
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _ok_schema(operation: dict) -> dict:
    response = operation.get("responses", {}).get("200", {})
    return response.get("content", {}).get("application/json", {}).get("schema", {})


def _list_paths() -> list[str]:
    paths = []
    for path, operations in _schema()["paths"].items():
        ref = _ok_schema(operations.get("get", {})).get("$ref", "")
        if ref.split("/")[-1].startswith("Paginated"):
            paths.append(path)
    return sorted(paths)


def test_every_get_answering_a_list_is_documented_as_a_page():
    bare = [
        path for path, operations in _schema()["paths"].items()
        if _ok_schema(operations.get("get", {})).get("type") == "array" and path not in WHOLE_LISTS
    ]
    assert bare == [], "paginate these (common/pagination.py) or list them in WHOLE_LISTS with a reason"
    assert len(_list_paths()) >= 15


@pytest.mark.parametrize("path", _list_paths())
def test_each_documented_page_has_the_page_parameters_and_envelope(path):
    operation = _schema()["paths"][path]["get"]
    assert {"page", "page_size"} <= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    name = _ok_schema(operation)["$ref"].split("/")[-1]
    component = _schema()["components"]["schemas"][name]
    assert {"count", "next", "previous", "results"} <= set(component["properties"])
    assert component["properties"]["results"]["type"] == "array"


def _urls(path: str) -> list[str]:
    """Concrete URLs for a schema path, filled from the demo."""
    if "{bid_reference}" in path:
        refs = Bid.objects.filter(tender__reference=DEMO_TENDER).order_by("reference").values_list("reference", flat=True)
        return [path.replace("{bid_reference}", ref) for ref in refs]
    return [path.replace("{reference}", DEMO_TENDER)]


def _readable(api, path: str):
    """(client, url, body) for the first persona and URL that answer 200."""
    for username in PERSONAS:
        api.force_authenticate(user=User.objects.get(username=username))
        for url in _urls(path):
            response = api.get(url)
            if response.status_code == 200:
                return api, url, response.json()
    pytest.fail(f"no demo persona may read {path}: give the demo data for it or extend PERSONAS/_urls")


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries), response.json()


def _with(url: str, **params) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.django_db
@pytest.mark.parametrize("path", _list_paths())
def test_each_list_pages_within_limits_in_constant_queries(api, path):
    load_demo()
    client, url, body = _readable(api, path)
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["previous"] is None
    assert len(body["results"]) == min(body["count"], DEFAULT_PAGE_SIZE)

    one_query_count, one = _queries(client, _with(url, page_size=1))
    assert len(one["results"]) == min(1, body["count"])
    if body["count"] > 1:
        link = urlparse(one["next"])
        assert parse_qs(link.query) == {"page": ["2"], "page_size": ["1"]}
        second = client.get(_with(url, page=2, page_size=1)).json()
        assert second["results"] != one["results"] and second["previous"]

    many_query_count, many = _queries(client, _with(url, page_size=MAX_PAGE_SIZE * 10))
    assert len(many["results"]) == min(many["count"], MAX_PAGE_SIZE)  # the maximum holds
    assert many_query_count == one_query_count, "a query per item: read the page's rows in bulk"

    assert client.get(_with(url, page=10_000)).status_code == 404


@pytest.mark.django_db
def test_filters_are_kept_in_the_page_links(api_as, commissioner):
    load_demo()
    body = api_as(commissioner).get("/api/tenders/?status=published&page_size=1").json()
    assert body["count"] >= 1
    assert all(t["status"] == "published" for t in body["results"])
    if body["next"]:
        assert parse_qs(urlparse(body["next"]).query)["status"] == ["published"]
    everything = api_as(commissioner).get("/api/tenders/").json()["count"]
    assert everything > body["count"]
