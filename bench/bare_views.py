"""Baseline endpoints: the least a DRF endpoint can do, with the same authentication as the API.

They go through the same middleware, authentication (session or token) and permission
check as /api/, so the benchmark ratio measures what the real endpoint adds on top.
"""
from __future__ import annotations

from django.db import connection
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

BARE_TABLE = "bench_bare_insert"


def bare_table_create() -> None:
    """The one-row-per-request table of the insert baseline (raw SQL: no model, no migration)."""
    key_type = "varchar(64) NOT NULL UNIQUE"
    if connection.vendor == "postgresql":
        ddl = f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id bigserial PRIMARY KEY, key {key_type}, at timestamptz)"
    else:
        ddl = f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id integer PRIMARY KEY AUTOINCREMENT, key {key_type}, at text)"
    with connection.cursor() as cursor:
        cursor.execute(ddl)


class BareListView(APIView):
    """GET: a tiny JSON document and no queries beyond authentication."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class BareInsertView(APIView):
    """POST {"key": ...}: insert one row; a repeated key inserts nothing (as an idempotent submit would)."""

    def post(self, request: Request) -> Response:
        key = str(request.data.get("key", ""))[:64]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (key, at) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                [key, timezone.now().isoformat()],
            )
            inserted = cursor.rowcount
        return Response({"key": key, "inserted": inserted == 1}, status=201 if inserted == 1 else 200)
