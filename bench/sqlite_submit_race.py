"""Several submits of one bid at the same moment on a file SQLite database (the default set-up), in threads.

    python -m bench.sqlite_submit_race --threads 8 [--database PATH]    # prints JSON

A fresh SQLite file is migrated and given one published tender with a few providers, each
with a complete draft. Then `--threads` threads are released together, every one POSTing
/api/bids/<ref>/submit/ for the SAME bid through Django's test client (each thread has its
own database connection, as a threaded server's requests do): half with one Idempotency-Key,
half with keys of their own, while other threads submit the other providers' bids. Printed:
every answer's status, how many versions each bid has and how many are live, and whether the
audit trail verifies. Used by tests/tenders/test_sqlite_concurrent_submits.py (no 500s, one
live version) and runnable by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_submit_race")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--others", type=int, default=3, help="other providers submitting at the same time")
    parser.add_argument("--database", default="")
    parser.add_argument("--without-fixes", action="store_true",
                        help="SQLite as Django leaves it (no WAL, 5 s busy timeout, deferred transactions): the 'before'")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="sqlite-race-")
    path = args.database or str(Path(folder) / "race.sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    if args.without_fixes:
        from django.conf import settings

        settings.DATABASES["default"]["OPTIONS"] = {}  # before any connection is made
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from rest_framework.test import APIClient

    from bench.burst_data import burst_tender
    from common.audit import audit_verify
    from tenders.models import BidVersion

    setup_test_environment()
    call_command("migrate", "--noinput", verbosity=0)
    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    setup = burst_tender(providers=1 + args.others, deadline=timezone.now() + timedelta(hours=1), prefix="RACE",
                         tokens=True)
    connections.close_all()
    target, others = setup.bidders[0], setup.bidders[1:]
    calls: list[dict[str, Any]] = []
    for n in range(args.threads):
        calls.append({"bidder": target, "key": "same-key" if n % 2 == 0 else f"own-key-{n}"})
    for bidder in others:
        calls.append({"bidder": bidder, "key": f"other-{bidder.reference}"})
    gate = threading.Barrier(len(calls))

    def submit(call: dict[str, Any]) -> None:
        client = APIClient(raise_request_exception=False)
        bidder = call["bidder"]
        gate.wait()
        try:
            response = client.post(f"/api/bids/{bidder.reference}/submit/", {}, format="json",
                                   HTTP_AUTHORIZATION=f"Token {bidder.token}", HTTP_IDEMPOTENCY_KEY=call["key"])
            call["status"] = response.status_code
            call["body"] = response.content[:300].decode("utf-8", "replace")
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            call["status"] = 0
            call["body"] = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bids: dict[str, dict[str, int]] = {}
    for version in BidVersion.objects.filter(bid__tender_id=setup.tender_id).select_related("bid"):
        entry = bids.setdefault(version.bid.reference, {"versions": 0, "submitted": 0})
        entry["versions"] += 1
        entry["submitted"] += version.status == "submitted"
    out = {
        "journal_mode": journal,
        "target": target.reference,
        "answers": [{"bid": c["bidder"].reference, "key": c["key"], "status": c["status"], "body": c["body"]}
                    for c in calls],
        "bids": bids,
        "audit_ok": audit_verify().ok,
    }
    connections.close_all()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
