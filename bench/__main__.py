"""Run the benchmarks and print one table.

    python -m bench                      # all of them, full size (a few minutes)
    python -m bench --only cqc,api       # some of them
    python -m bench --smoke              # tiny sizes: checks they run, measures nothing useful
    python -m bench --json out.json      # also write every figure as JSON

Names: evaluation, run, burst, pdf, cqc, api, submission, pages. The in-process benchmarks use a SQLite file in a
temporary directory, or a fresh PostgreSQL database made (and dropped) on the server
DATABASE_URL points at, or BENCH_DATABASE_URL as it is. The deadline burst makes and drops
its own PostgreSQL database on 127.0.0.1 (BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432) and is skipped with a message when PostgreSQL is not there.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from bench.common import Result, load_average, log, setup_django, table


def _evaluation(smoke: bool) -> Result:
    from bench import evaluation

    return evaluation.run(evaluation.SMOKE if smoke else evaluation.FULL)


def _evaluation_run(smoke: bool) -> Result:
    from bench import evaluation_run

    return evaluation_run.run(evaluation_run.SMOKE if smoke else evaluation_run.FULL)


def _burst(smoke: bool) -> Result:
    from bench import deadline_burst

    return deadline_burst.run(deadline_burst.SMOKE if smoke else deadline_burst.FULL)


def _pdf(smoke: bool) -> Result:
    from bench import award_pdf

    return award_pdf.run(award_pdf.SMOKE if smoke else award_pdf.FULL)


def _cqc(smoke: bool) -> Result:
    from bench import cqc_import

    return cqc_import.run(cqc_import.SMOKE if smoke else cqc_import.FULL)


def _api(smoke: bool) -> Result:
    from bench import api_list

    return api_list.run(api_list.SMOKE if smoke else api_list.FULL)


def _pages(smoke: bool) -> Result:
    from bench import evaluation_pages

    return evaluation_pages.run(evaluation_pages.SMOKE if smoke else evaluation_pages.FULL)


def _submission(smoke: bool) -> Result:
    from bench import submission_cost

    return submission_cost.run(submission_cost.SMOKE if smoke else submission_cost.FULL)


BENCHMARKS: dict[str, Callable[[bool], Result]] = {
    "evaluation": _evaluation,
    "run": _evaluation_run,
    "burst": _burst,
    "pdf": _pdf,
    "cqc": _cqc,
    "api": _api,
    "submission": _submission,
    "pages": _pages,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help=f"comma-separated, from: {', '.join(BENCHMARKS)}")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the benchmarks still run")
    parser.add_argument("--json", dest="json_path", default="", help="write the results as JSON to this file")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    url = setup_django()
    log(f"database: {url.split('@')[-1]}")
    results: list[Result] = []
    for name in names:
        log(f"running {name}{' (smoke)' if args.smoke else ''} ...")
        results.append(BENCHMARKS[name](args.smoke))
        log(table(results[-1:]))
    print(table(results))
    print(f"({load_average()} at the end of the run)")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(
                [{"name": r.name, "workload": r.workload, "absolute": r.absolute, "baseline": r.baseline,
                  "unit": r.unit, "ratio": r.ratio, "target": r.target, "met": r.met, "skipped": r.skipped,
                  "figures": r.figures} for r in results],
                fh, indent=2, default=str,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
