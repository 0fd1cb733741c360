"""Set up and check the deadline-burst benchmark's database (run in a subprocess, as the server sees it).

    python -m bench.burst_fixture create --providers 200 --prefix BURST   # prints JSON
    python -m bench.burst_fixture verify --tender BURST-TENDER                    # prints JSON
    python -m bench.burst_fixture deadline --tender EDGE-TENDER --seconds 3       # prints the deadline (epoch s)

DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL must point at the benchmark's database.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any


def create(providers: int, deadline_minutes: float, prefixes: Sequence[str]) -> dict[str, Any]:
    """One tender per prefix, each with its own providers, users, tokens and draft bids."""
    from django.utils import timezone

    from bench.bare_views import bare_table_create
    from bench.burst_data import burst_tender

    bare_table_create()
    out = {}
    for prefix in prefixes:
        setup = burst_tender(providers=providers, deadline=timezone.now() + timedelta(minutes=deadline_minutes),
                             prefix=prefix, tokens=True)
        out[prefix] = {"tender": setup.reference,
                       "bidders": [{"reference": b.reference, "token": b.token} for b in setup.bidders]}
    return out


def verify(tender_reference: str) -> dict[str, Any]:
    """What the database holds after the burst: stored, duplicated, and digests that do not recompute."""
    from django.db import connection

    from bench.bare_views import BARE_TABLE
    from common.audit import audit_verify
    from tenders.models import BidVersion
    from tenders.receipts import content_digest

    per_bid: dict[str, dict[str, Any]] = {}
    bad_digests = 0
    for v in BidVersion.objects.filter(bid__tender__reference=tender_reference).select_related("bid"):
        entry = per_bid.setdefault(v.bid.reference, {"versions": 0, "submitted": 0, "digest": "", "key": ""})
        entry["versions"] += 1
        if v.status == "submitted":
            entry["submitted"] += 1
            entry["digest"] = v.digest
            entry["key"] = v.idempotency_key
            bad_digests += v.digest != content_digest(v.content)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT key) FROM {BARE_TABLE}")
        bare_rows, bare_keys = cursor.fetchone()
    return {"bids": per_bid, "bad_digests": bad_digests, "bare_rows": bare_rows, "bare_keys": bare_keys,
            "audit_ok": audit_verify().ok}


def set_deadline(tender_reference: str, seconds: float) -> dict[str, Any]:
    """Move the tender's deadline to `seconds` from now (the server's clock); the edge run starts right after."""
    from django.utils import timezone

    from tenders.models import Tender

    deadline = timezone.now() + timedelta(seconds=seconds)
    Tender.objects.filter(reference=tender_reference).update(submission_deadline=deadline)
    return {"deadline": deadline.timestamp()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.burst_fixture")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create")
    make.add_argument("--providers", type=int, default=200)
    make.add_argument("--deadline-minutes", type=float, default=60)
    make.add_argument("--prefix", action="append", default=[], help="one tender per prefix (default BURST)")
    check = sub.add_parser("verify")
    check.add_argument("--tender", required=True)
    move = sub.add_parser("deadline")
    move.add_argument("--tender", required=True)
    move.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    if args.command == "create":
        out = create(args.providers, args.deadline_minutes, args.prefix or ["BURST"])
    elif args.command == "deadline":
        out = set_deadline(args.tender, args.seconds)
    else:
        out = verify(args.tender)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
