"""Each benchmark runs at a tiny size through the same code as `python -m bench`, so none of them rots.

Timings are not checked here (tiny sizes measure nothing); that each benchmark completes,
fills its table row and that its correctness checks hold is.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings

from bench import (
    api_list,
    award_pdf,
    cqc_import,
    deadline_burst,
    evaluation,
    evaluation_pages,
    evaluation_run,
    submission_cost,
)
from bench.common import Result, table


def _ran(result: Result) -> None:
    assert not result.skipped, result.skipped
    assert result.absolute and result.absolute > 0
    assert result.baseline and result.baseline > 0
    assert result.name in table([result])


def test_it_runs_the_evaluation_benchmark_and_the_baseline_agrees_with_the_exact_result():
    result = evaluation.run(evaluation.SMOKE)
    _ran(result)
    assert result.figures["disagreements"] == []
    # Today's defaults are exercised: the provider-wide CQC gate, ceilings, drawn ties.
    assert result.figures["excluded_bids"] > 0
    assert result.figures["above_ceiling_bid_lots"] > 0
    assert result.figures["drawn_ties"] > 0
    assert result.figures["figures_compared"] > 1000
    assert result.figures["stored_run_cpu_seconds"] > 0


@pytest.mark.django_db
def test_it_runs_the_end_to_end_evaluation_run_benchmark_and_stores_what_the_pure_run_gives():
    result = evaluation_run.run(evaluation_run.SMOKE)
    _ran(result)
    assert result.met is None  # no target: only a wrong or stale stored result would fail it
    assert result.figures["stored_result_same_as_pure"] is True
    assert result.figures["excluded_bids"] > 0  # a provider rated Inadequate, found by the CQC check at opening
    assert result.figures["bid_lots"] == evaluation_run.SMOKE.bids * evaluation_run.SMOKE.lots
    assert 0 < result.figures["inputs_queries"] < 20


def test_the_stored_inputs_of_the_evaluation_benchmark_score_as_the_pure_path_does():
    """The stored run the benchmark times is the same tender: same statuses per bid-lot (only the
    references differ, and with them the drawing of lots, so awards are not compared)."""
    from collections import Counter

    from evaluation.assemble import money_text, results_from_inputs

    work = evaluation.generate(evaluation.SMOKE)
    locations = evaluation._locations(work)
    pure = evaluation.system_evaluation(work, locations)
    stored = results_from_inputs(evaluation.stored_inputs(work, locations))
    assert Counter(str(b.status) for lot in pure.lots for b in lot.bids) == Counter(
        b["status"] for lot in stored["lots"] for b in lot["bids"]
    )
    assert [money_text(lot.lowest_acceptable_price) for lot in pure.lots] == [
        lot["lowest_acceptable_price"] for lot in stored["lots"]
    ]


def test_the_evaluation_benchmark_notices_a_figure_the_baseline_gets_wrong():
    work = evaluation.generate(evaluation.SMOKE)
    result = evaluation.system_evaluation(work, evaluation._locations(work))
    base = evaluation.baseline_evaluation(work)
    assert evaluation._compare(result, base, work)[0] == []
    base["mean"] = base["mean"] + 0.001
    base["ties"] = [[] for _ in base["ties"]]
    problems = evaluation._compare(result, base, work)[0]
    assert any(p.startswith("mean price differs") for p in problems)
    assert any(p.startswith("ties ") for p in problems)


@pytest.mark.django_db
def test_it_runs_the_cqc_import_benchmark():
    result = cqc_import.run(cqc_import.SMOKE)
    _ran(result)
    assert result.figures["locations"] == result.figures["new"] > 0
    assert result.figures["reimport_unchanged"] == result.figures["locations"]


@pytest.mark.django_db
def test_it_runs_the_api_list_benchmark_and_counts_its_queries():
    result = api_list.run(api_list.SMOKE)
    _ran(result)
    assert result.figures["tenders_listed"] == api_list.SMOKE.tenders
    assert 0 < result.figures["queries"] <= 6


@pytest.mark.django_db
def test_it_prices_a_submission_against_the_bare_insert_and_single_statements():
    result = submission_cost.run(submission_cost.SMOKE)
    _ran(result)
    figures = result.figures
    assert figures["budget_beyond_bare_ms"] == pytest.approx(0.5 * figures["bare_cpu_p50_ms"], abs=0.01)
    for name in ("orm_bid_with_tender_and_provider_ms", "orm_bid_id_ms", "orm_lock_and_save_ms", "raw_sql_bid_id_ms"):
        assert figures[name] > 0, name
    from tenders.models import BidVersion

    submitted = BidVersion.objects.filter(bid__tender__reference="COST-TENDER", status="submitted").count()
    assert submitted == submission_cost.SMOKE.providers + 1  # every submission was accepted and stored
    # So was every submission through the hand-written SQL probe, measured the same way.
    assert figures["hand_written_sql_cpu_p50_ms"] > 0
    probed = BidVersion.objects.filter(bid__tender__reference="COSTRAW-TENDER", status="submitted").count()
    assert probed == submission_cost.SMOKE.providers + 1


@pytest.mark.skipif(bool(award_pdf.pango_missing()), reason="WeasyPrint needs Pango (libpango-1.0-0)")
def test_it_runs_the_award_pdf_benchmark():
    result = award_pdf.run(award_pdf.SMOKE)
    _ran(result)
    assert result.figures["pages"] >= 1
    assert result.figures["pages"] == result.figures["one_process_pages"]


def _server_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the deadline-burst benchmark needs PostgreSQL; .ci/run runs it with DATABASE_URL set",
)
def test_it_runs_the_deadline_burst_benchmark_through_gunicorn():
    url = _server_url()
    if deadline_burst.postgres_unreachable(url):
        pytest.skip(deadline_burst.postgres_unreachable(url))
    result = deadline_burst.run(deadline_burst.SMOKE, pg_url=url)
    _ran(result)
    figures = result.figures
    assert figures["stored"] == deadline_burst.SMOKE.providers
    assert figures["lost"] == figures["duplicated"] == figures["failed_requests"] == figures["bad_digests"] == 0
    assert figures["rush"]["lost"] == figures["rush"]["duplicated"] == figures["rush"]["failed"] == 0
    assert figures["audit_chain_ok"]
    # The hand-written SQL probe, measured under the same burst, stores every bid once with a digest that recomputes.
    probe = figures["hand_written_sql"]
    assert probe["lost"] == probe["duplicated"] == probe["failed"] == probe["bad_digests"] == 0
    assert probe["ratio_to_bare"] > 0
    # The edge run: sent well before the deadline, judged at arrival, so none refused however long it queued.
    edge = figures["edge"]
    assert edge["sent_early"] > 0
    assert edge["sent_early_refused"] == edge["failed"] == 0


@pytest.mark.django_db
def test_it_runs_the_evaluation_pages_benchmark_and_every_page_answers():
    result = evaluation_pages.run(evaluation_pages.SMOKE)
    _ran(result)
    pages = result.figures["pages"]
    assert len(pages) == len(evaluation_pages.PAGES)
    assert all(page["queries"] > 0 and page["kb"] >= 0 for page in pages)
