"""On the default SQLite database, several submits of one bid at once give no 500 and one live version (issue 13).

Runs bench/sqlite_submit_race.py in a subprocess: a real SQLite file (the test database is
in memory and shared-cache, which locks differently), threads each with their own connection.
Before WAL, the 20 s busy timeout and BEGIN IMMEDIATE (config/settings/base.py), most of these
requests failed with 500 "database is locked" (`--without-fixes` shows it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="about the default SQLite set-up; the PostgreSQL pass has row locks (test_bidding_concurrency.py)",
)


def _race(threads: int = 8) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    done = subprocess.run([sys.executable, "-m", "bench.sqlite_submit_race", "--threads", str(threads)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_simultaneous_submits_of_one_bid_give_no_server_error_and_one_version():
    result = _race()
    assert result["journal_mode"] == "wal"
    statuses = [a["status"] for a in result["answers"]]
    assert all(200 <= s < 500 for s in statuses), [(a["status"], a["body"][:200]) for a in result["answers"]]
    target = [a for a in result["answers"] if a["bid"] == result["target"]]
    assert sum(a["status"] == 201 for a in target) == 1  # exactly one submission made the version
    winner = next(a for a in target if a["status"] == 201)
    for answer in target:
        if answer is winner:
            continue
        if answer["key"] == winner["key"]:  # the same key replays the one receipt
            assert answer["status"] == 200
        else:  # any other key finds the bid already submitted: a clear 400, not a lock error
            assert answer["status"] == 400 and "already submitted" in answer["body"]
    assert result["bids"][result["target"]] == {"versions": 1, "submitted": 1}
    assert all(b == {"versions": 1, "submitted": 1} for b in result["bids"].values())
    assert result["audit_ok"]
