"""Deadline burst: 200 providers submit at the same moment (some retrying) to gunicorn + PostgreSQL.

A fresh PostgreSQL database `bench_<pid>` on 127.0.0.1 is created, migrated and filled with
one published tender and 200 providers, each with a provider user, an API token and a
complete draft bid. Gunicorn serves bench.settings (the real site plus the bare baseline
endpoint, database connections kept as production keeps them) on a free loopback port. Then 200 client threads are released together, each
POSTing /api/bids/<ref>/submit/ with its Idempotency-Key, and every 4th provider races a
second request with the same key (a double click, a client retry). Latency is measured by
the client, from sending to the whole answer read. Afterwards the database is checked:
lost = a provider without exactly one stored submission, duplicated = a bid with more
than one version or live submission, or more than one 201 for one key.

Baseline: the same burst, same server, against a bare DRF endpoint (same middleware and
token authentication) that inserts one row. The target (issue 17) is a p99 within 1.5x the
bare insert's under the same burst, with nothing lost or duplicated.

The probe: the same burst against bench/raw_submit.py, the submission written as nine hand-written
SQL statements on its own tender (what "hand-written SQL for the hot path" would buy; not a target,
a price for the people choosing how to meet one), checked for lost, duplicated and digests the same way.

The edge run: a third tender's deadline is moved to EDGE_LEAD_SECONDS after the moment the
same burst is released at it, so the queue drains across the deadline. Every request is
sent well before the deadline; the benchmark counts those sent at least 1 s before it but
refused ("sent early, refused", target 0): the deadline must be judged at arrival, not
after waiting for a worker thread or a row lock (common/arrival.py).

The database is dropped at the end; if PostgreSQL cannot be reached the benchmark says so
and is skipped.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Result, log, percentile

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5  # p99 against the bare insert's p99, same burst (issue 17)
EDGE_LEAD_SECONDS = 3.0  # the edge run's deadline: this long after the burst is released
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Size:
    providers: int
    racing_every: int  # every n-th provider also sends a racing retry with the same key
    workers: int  # gunicorn worker processes
    threads: int  # threads per worker
    rush_seconds: float  # the second run: the same number of providers arriving evenly over this long


# 2 cores: 4 processes of 4 threads keep both cores busy while some requests wait on row locks.
FULL = Size(providers=200, racing_every=4, workers=4, threads=4, rush_seconds=20)
SMOKE = Size(providers=8, racing_every=4, workers=1, threads=2, rush_seconds=0.5)


@dataclass
class Call:
    provider: int
    key: str
    path: str
    token: str
    body: bytes
    status: int = 0
    ms: float = 0.0
    sent_at: float = 0.0  # epoch seconds, just before the request is written
    answer: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def postgres_unreachable(pg_url: str = PG_URL) -> str:
    """Why PostgreSQL cannot be used, or '' when it can."""
    try:
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", connect_timeout=3):
            return ""
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, and say why
        return f"PostgreSQL not reachable at {pg_url.split('@')[-1]} ({type(exc).__name__})"


def _admin(sql: str, pg_url: str = PG_URL) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _request(port: int, call: Call) -> None:
    headers = {"Authorization": f"Token {call.token}", "Content-Type": "application/json", "Idempotency-Key": call.key}
    start = time.perf_counter()
    call.sent_at = time.time()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", call.path, body=call.body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        call.ms = (time.perf_counter() - start) * 1000
        call.status = response.status
        conn.close()
        try:
            call.answer = json.loads(data or b"{}")
        except ValueError:
            call.answer = {"raw": data[:200].decode("utf-8", "replace")}
    except Exception as exc:  # noqa: BLE001 - a failed request is counted, not raised
        call.ms = (time.perf_counter() - start) * 1000
        call.error = f"{type(exc).__name__}: {exc}"


def burst(port: int, calls: list[Call], spread_seconds: float = 0.0) -> float:
    """Release every call at once (one thread each), or provider i at i/n of `spread_seconds` later.

    Returns the wall time from the release to the last answer.
    """
    gate = threading.Barrier(len(calls) + 1)
    providers = max(c.provider for c in calls) + 1

    def worker(call: Call) -> None:
        gate.wait()
        if spread_seconds:
            time.sleep(spread_seconds * call.provider / providers)
        _request(port, call)

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    start = time.perf_counter()
    gate.wait()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def _calls(bidders: list[dict[str, str]], size: Size, bare: bool, run: str = "", raw: bool = False) -> list[Call]:
    """The burst's requests: the real submission, the bare insert, or (raw) the hand-written SQL probe."""
    calls = []
    for i, bidder in enumerate(bidders):
        key = f"{run}{'bare' if bare else 'bid'}-{i:04d}"
        path = ("/bench/bare-insert/" if bare else f"/bench/raw-submit/{bidder['reference']}/" if raw
                else f"/api/bids/{bidder['reference']}/submit/")
        body = json.dumps({"key": key}).encode() if bare else b"{}"
        copies = 2 if i % size.racing_every == 0 else 1
        calls.extend(Call(i, key, path, bidder["token"], body) for _ in range(copies))
    return calls


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def run(size: Size = FULL, pg_url: str = PG_URL) -> Result:
    """`pg_url`: server address without a database name, e.g. postgres://postgres@127.0.0.1:5432."""
    workload = f"{size.providers} providers at once (+ every {size.racing_every}th retrying), gunicorn + PostgreSQL"
    target = f"p99 <= {TARGET_RATIO}x bare insert, 0 lost, 0 duplicated, 0 sent 1 s early but refused"
    why = postgres_unreachable(pg_url)
    if why:
        return Result(name="deadline burst", workload=workload, absolute=None, baseline=None, target=target,
                      met=None, skipped=why)
    database = f"bench_{os.getpid()}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": f"{pg_url}/{database}",
           "PYTHONPATH": str(ROOT), "DEBUG": "false"}
    python = sys.executable
    gunicorn = str(Path(python).with_name("gunicorn"))
    _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', pg_url)
    _admin(f'CREATE DATABASE "{database}"', pg_url)
    server = None
    server_log = tempfile.TemporaryFile()  # not a pipe: nobody reads it while the server runs
    try:
        log(f"  migrating {database} ...")
        _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        fixture = json.loads(_run([python, "-m", "bench.burst_fixture", "create", "--providers", str(size.providers),
                                   "--deadline-minutes", "60", "--prefix", "BURST", "--prefix", "RUSH",
                                   "--prefix", "EDGE", "--prefix", "RAW"], env))
        port = _free_port()
        server = subprocess.Popen(
            [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(size.workers),
             "--threads", str(size.threads),
             # gthread, stamping each request's arrival before it waits for a thread (common/gunicorn_worker.py)
             "--worker-class", "common.gunicorn_worker.ArrivalThreadWorker", "--backlog", "2048",
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=server_log,
        )
        try:
            _wait_until_up(port, server)
        except RuntimeError:
            server_log.seek(0)
            log(server_log.read()[-3000:].decode("utf-8", "replace"))
            raise
        bidders, rush_bidders = fixture["BURST"]["bidders"], fixture["RUSH"]["bidders"]
        # Warm every worker up (imports, connections) with a few bare requests before timing.
        warm = [Call(0, f"warm-{n}", "/bench/bare-insert/", bidders[0]["token"], json.dumps({"key": f"warm-{n}"}).encode())
                for n in range(size.workers * size.threads * 2)]
        burst(port, warm)

        log("  all at once ...")
        bare_calls = _calls(bidders, size, bare=True)
        bare_seconds = burst(port, bare_calls)
        bid_calls = _calls(bidders, size, bare=False)
        bid_seconds = burst(port, bid_calls)
        raw_bidders = fixture["RAW"]["bidders"]
        raw_calls = _calls(raw_bidders, size, bare=False, raw=True)
        raw_seconds = burst(port, raw_calls)
        log(f"  arriving over {size.rush_seconds:g} s ...")
        rush_bare = _calls(rush_bidders, size, bare=True, run="rush-")
        burst(port, rush_bare, size.rush_seconds)
        rush_calls = _calls(rush_bidders, size, bare=False)
        burst(port, rush_calls, size.rush_seconds)
        log(f"  all at once, deadline {EDGE_LEAD_SECONDS:g} s after the release ...")
        edge_bidders = fixture["EDGE"]["bidders"]
        edge_calls = _calls(edge_bidders, size, bare=False)
        # The deadline is set well ahead (the fixture process takes a while to start on a loaded machine);
        # the burst is released exactly EDGE_LEAD_SECONDS before it.
        edge_deadline = json.loads(_run([python, "-m", "bench.burst_fixture", "deadline", "--tender",
                                         fixture["EDGE"]["tender"], "--seconds", "20"], env))["deadline"]
        time.sleep(max(0.0, edge_deadline - EDGE_LEAD_SECONDS - time.time()))
        burst(port, edge_calls)
        state = json.loads(_run([python, "-m", "bench.burst_fixture", "verify", "--tender", fixture["BURST"]["tender"]],
                                env))
        raw_state = json.loads(_run([python, "-m", "bench.burst_fixture", "verify", "--tender",
                                     fixture["RAW"]["tender"]], env))
        rush_state = json.loads(_run([python, "-m", "bench.burst_fixture", "verify", "--tender",
                                      fixture["RUSH"]["tender"]], env))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        server_log.close()
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', pg_url)

    result = _result(size, workload, target, bidders, bid_calls, bare_calls, state, bid_seconds, bare_seconds)
    rush_lost, rush_duplicated = _check(rush_bidders, rush_calls, rush_state)
    rush_failed = sum(1 for c in rush_calls if c.error or c.status not in (200, 201))
    rush = {
        "p50_ms": round(percentile([c.ms for c in rush_calls], 50), 1),
        "p99_ms": round(percentile([c.ms for c in rush_calls], 99), 1),
        "bare_p50_ms": round(percentile([c.ms for c in rush_bare], 50), 1),
        "bare_p99_ms": round(percentile([c.ms for c in rush_bare], 99), 1),
        "lost": rush_lost, "duplicated": rush_duplicated, "failed": rush_failed, "seconds": size.rush_seconds,
    }
    result.figures["rush"] = rush
    raw_lost, raw_duplicated = _check(raw_bidders, raw_calls, raw_state)
    raw_p99 = percentile([c.ms for c in raw_calls], 99)
    bare_p99 = result.figures["bare_p99_ms"]
    raw = {
        "p50_ms": round(percentile([c.ms for c in raw_calls], 50), 1), "p99_ms": round(raw_p99, 1),
        "ratio_to_bare": round(raw_p99 / bare_p99, 2), "burst_seconds": round(raw_seconds, 2),
        "lost": raw_lost, "duplicated": raw_duplicated, "bad_digests": raw_state["bad_digests"],
        "failed": sum(1 for c in raw_calls if c.error or c.status not in (200, 201)),
    }
    result.figures["hand_written_sql"] = raw
    result.notes.append(
        f"the same burst against the hand-written SQL probe (bench/raw_submit.py, what option 2 would buy): p99 "
        f"{raw['p99_ms']:.0f} ms = {raw['ratio_to_bare']:.2f}x the bare insert, p50 {raw['p50_ms']:.0f} ms, whole burst "
        f"{raw_seconds:.2f} s; lost {raw_lost}, duplicated {raw_duplicated}, failed {raw['failed']}, "
        f"digests that do not recompute {raw['bad_digests']}"
    )
    edge = _edge(edge_calls, edge_deadline)
    result.figures["edge"] = edge
    result.notes.append(
        f"edge run ({len(edge_calls)} requests, deadline {EDGE_LEAD_SECONDS:g} s after the release): sent at least 1 s "
        f"before the deadline but refused {edge['sent_early_refused']} of {edge['sent_early']} (target 0); accepted "
        f"{edge['accepted']}, refused {edge['refused']}, failed {edge['failed']}; last answer "
        f"{edge['last_answer_after_deadline_s']:+.1f} s after the deadline"
    )
    if edge["sent_early_refused"] or edge["failed"]:
        result.met = False
    result.notes.append(
        f"the same {size.providers} arriving evenly over {size.rush_seconds:g} s: p50 {rush['p50_ms']:.0f} ms, "
        f"p99 {rush['p99_ms']:.0f} ms (bare insert p50 {rush['bare_p50_ms']:.0f} ms, p99 {rush['bare_p99_ms']:.0f} ms); "
        f"lost {rush_lost}, duplicated {rush_duplicated}, failed {rush_failed}"
    )
    if rush_lost or rush_duplicated or rush_failed:
        result.met = False
    return result


def _edge(calls: list[Call], deadline: float) -> dict[str, Any]:
    """How the edge run's requests fared against a deadline that passed while they were queued."""
    early = [c for c in calls if c.sent_at and c.sent_at <= deadline - 1.0]
    return {
        "deadline_epoch": deadline,
        "sent_early": len(early),
        "sent_early_refused": sum(1 for c in early if c.status == 409),
        "accepted": sum(1 for c in calls if c.status in (200, 201)),
        "refused": sum(1 for c in calls if c.status == 409),
        "failed": sum(1 for c in calls if c.error or c.status not in (200, 201, 409)),
        "last_answer_after_deadline_s": round(max(c.sent_at + c.ms / 1000 for c in calls) - deadline, 2),
    }


def _check(bidders: list[dict[str, str]], calls: list[Call], state: dict[str, Any]) -> tuple[int, int]:
    """(lost, duplicated): a provider without exactly one stored submission matching its receipts is lost."""
    created: dict[int, int] = {}
    for c in calls:
        created[c.provider] = created.get(c.provider, 0) + (c.status == 201)
    lost = duplicated = 0
    for i, bidder in enumerate(bidders):
        stored = state["bids"].get(bidder["reference"], {})
        receipts = {c.answer.get("digest") for c in calls if c.provider == i and c.status in (200, 201)}
        ok = stored.get("submitted") == 1 and receipts == {stored.get("digest")} and stored.get("key") == f"bid-{i:04d}"
        lost += not ok
        duplicated += stored.get("versions", 0) > 1 or stored.get("submitted", 0) > 1 or created.get(i, 0) > 1
    return lost, duplicated


def _result(size: Size, workload: str, target: str, bidders: list[dict[str, str]], bid_calls: list[Call],
            bare_calls: list[Call], state: dict[str, Any], bid_seconds: float, bare_seconds: float) -> Result:
    failed = [c for c in bid_calls if c.error or c.status not in (200, 201)]
    lost, duplicated = _check(bidders, bid_calls, state)
    bare_failed = [c for c in bare_calls if c.error or c.status not in (200, 201)]
    bare_keys = len({c.key for c in bare_calls})

    p50, p99 = percentile([c.ms for c in bid_calls], 50), percentile([c.ms for c in bid_calls], 99)
    bare_p50, bare_p99 = percentile([c.ms for c in bare_calls], 50), percentile([c.ms for c in bare_calls], 99)
    result = Result(
        name="deadline burst",
        workload=workload,
        absolute=p99,
        baseline=bare_p99,
        unit="ms",
        target=target,
        met=p99 <= TARGET_RATIO * bare_p99 and lost == 0 and duplicated == 0 and not failed and state["bad_digests"] == 0,
        figures={
            "providers": size.providers, "requests": len(bid_calls), "retries": len(bid_calls) - size.providers,
            "stored": sum(1 for b in state["bids"].values() if b["submitted"] == 1), "lost": lost,
            "duplicated": duplicated, "failed_requests": len(failed), "bad_digests": state["bad_digests"],
            "audit_chain_ok": state["audit_ok"], "p50_ms": round(p50, 1), "p99_ms": round(p99, 1),
            "max_ms": round(max(c.ms for c in bid_calls), 1), "burst_seconds": round(bid_seconds, 2),
            "throughput_per_s": round(len(bid_calls) / bid_seconds, 1),
            "bare_p50_ms": round(bare_p50, 1), "bare_p99_ms": round(bare_p99, 1),
            "bare_burst_seconds": round(bare_seconds, 2), "bare_failed": len(bare_failed),
            "bare_rows": state["bare_rows"], "bare_unique_keys": bare_keys,
            "gunicorn": f"{size.workers} workers x {size.threads} threads (gthread)",
        },
    )
    result.notes.append(
        f"{len(bid_calls)} requests ({len(bid_calls) - size.providers} racing retries): "
        f"stored {result.figures['stored']}, lost {lost}, duplicated {duplicated}, failed {len(failed)}, "
        f"digests that do not recompute {state['bad_digests']}, audit chain {'intact' if state['audit_ok'] else 'BROKEN'}"
    )
    result.notes.append(
        f"p99 ratio to the bare insert {p99 / bare_p99:.2f}x (target <= {TARGET_RATIO}x); "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, whole burst {bid_seconds:.2f} s "
        f"({len(bid_calls) / bid_seconds:.0f} submissions/s); bare insert p50 {bare_p50:.0f} ms, "
        f"p99 {bare_p99:.0f} ms, burst {bare_seconds:.2f} s; bare table {state['bare_rows']} rows for "
        f"{state['bare_keys']} keys (expected {size.workers * size.threads * 2 + 2 * size.providers})"
    )
    if failed:
        result.notes.append(f"first failures: {[(c.status, c.error or c.answer) for c in failed[:3]]}")
    return result
