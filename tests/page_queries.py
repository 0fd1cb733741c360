"""What a page costs in queries, for the tests that pin page query counts as data grows."""
from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def page_statements(user: Any, path: str) -> list[str]:
    """The SQL of one GET of `path` by `user` (signed in, after a first request that warms the session)."""
    client = Client()
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in captured.captured_queries]
