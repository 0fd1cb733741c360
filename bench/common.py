"""What every benchmark shares: the result row, timing, the table, and Django set-up.

Why a ratio: these machines are noisy (2 shared cores), so an absolute time alone says
little from one run to the next. Each benchmark also times a baseline doing the same job
the plainest way, in the same run, and reports target / baseline.
"""
from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """One row of the table. `absolute` and `baseline` are in `unit` (seconds or ms)."""

    name: str
    workload: str
    absolute: float | None
    baseline: float | None
    target: str
    met: bool | None
    unit: str = "s"
    ratio_target: str = ""
    notes: list[str] = field(default_factory=list)
    skipped: str = ""
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.absolute is None or not self.baseline:
            return None
        return self.absolute / self.baseline

    def cells(self) -> list[str]:
        if self.skipped:
            return [self.name, self.workload, "skipped", "", "", self.target, f"n/a: {self.skipped}"]
        ratio = self.ratio
        met = {True: "yes", False: "NO", None: "?"}[self.met]
        return [
            self.name,
            self.workload,
            _fmt(self.absolute, self.unit),
            _fmt(self.baseline, self.unit),
            "" if ratio is None else f"{ratio:.2f}x" + (f" ({self.ratio_target})" if self.ratio_target else ""),
            self.target,
            met,
        ]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.2f} s"


HEADINGS = ["benchmark", "workload", "absolute", "baseline", "ratio", "target", "met?"]


def table(results: Sequence[Result]) -> str:
    """A plain-text table: benchmark | workload | absolute | baseline | ratio | target | met?"""
    rows = [HEADINGS] + [r.cells() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    for r in results:
        for note in r.notes:
            lines.append(f"  {r.name}: {note}")
    return "\n".join(lines)


@dataclass
class Measure:
    """Median wall and CPU seconds of a few calls, and the last call's value.

    CPU time (this process only) is shown beside wall time because the machine is shared:
    when wall is far above CPU, other work was competing for the two cores.
    """

    wall: float
    cpu: float
    value: Any = None


def timed(fn: Callable[[], Any]) -> Measure:
    """One call (GC collected first so an earlier run's garbage is not billed here)."""
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    value = fn()
    return Measure(time.perf_counter() - start, time.process_time() - cpu, value)


def measure(fn: Callable[[], Any], repeat: int) -> Measure:
    """Median wall and CPU time over `repeat` calls."""
    runs = [timed(fn) for _ in range(max(1, repeat))]
    return Measure(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs), runs[-1].value)


def load_average() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover - not on Linux
        return ""


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def setup_django(database_url: str | None = None) -> str:
    """Configure Django with bench.settings on a fresh database and migrate it; returns the URL used.

    BENCH_DATABASE_URL is used as it is. Otherwise, when DATABASE_URL names a PostgreSQL
    server, a fresh database `bench_<pid>_app` is made there and dropped at exit (the one
    DATABASE_URL names is never touched); without either, a SQLite file in a temporary
    directory. The developer's db.sqlite3 is never used.
    """
    if database_url is None:
        database_url = (
            os.environ.get("BENCH_DATABASE_URL") or _fresh_postgres(os.environ.get("DATABASE_URL", "")) or _fresh_sqlite()
        )
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return database_url


def _fresh_sqlite() -> str:
    """A SQLite file in a new temporary directory, removed when the process exits."""
    import atexit
    import shutil

    folder = tempfile.mkdtemp(prefix="homecare-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return "sqlite:///" + os.path.join(folder, "bench.sqlite3")


def _fresh_postgres(url: str) -> str:
    """A new, empty database on the PostgreSQL server `url` points at, dropped when the process exits."""
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return ""
    import atexit

    import psycopg

    server = url.rsplit("/", 1)[0]
    name = f"bench_{os.getpid()}_app"

    def admin(sql: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return f"{server}/{name}"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
