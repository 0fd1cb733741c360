"""The panel's and the reports' pages (and the API's views of them) read the same number of queries however many
bids there are, and never a run's stored inputs.

Measured at 200 bids x 10 lots (a large council tender), before this was fixed: the evaluator's bid list made
605 queries, a single bid's consensus page 610 (it built the whole moderation board to show one row), the
moderation board 611 - three per bid, the panel member's right to read each bid asked afresh - and the reports
and award pages decoded the current run's stored documents twice each (about a second; megabytes each).
"""
from __future__ import annotations

import re

import pytest

from evaluation import services
from tests.evaluation.helpers import extra_evaluator, moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory
from tests.page_queries import page_statements

pytestmark = pytest.mark.django_db


def _tender(bids: int, commissioner, evaluator, moderator, *, evaluated: bool = False):
    tender = opened_tender()
    submitted = [submit_bid(tender, ProviderFactory(), prices={1: f"3{n}.00"}) for n in range(bids)]
    second = extra_evaluator(f"second-{tender.pk}")
    panel(tender, commissioner, evaluator, second, moderator=moderator)
    for bid in submitted:
        score_all(bid, evaluator, (4, 3, 8))
        score_all(bid, second, (3, 3, 7))
    services.moderation_start(tender=tender, user=moderator)
    if evaluated:
        for bid in submitted:
            moderate(bid, moderator, (4, 3, 8))
        services.quality_lock(tender=tender, user=moderator)
        services.price_envelope_open(tender=tender, user=commissioner)
        services.evaluation_run(tender=tender, user=commissioner)
    return tender, submitted


PANEL_PAGES = [
    ("evaluator", "/evaluation/{ref}/bids/"),
    ("evaluator", "/evaluation/{ref}/my-scores/"),
    ("moderator", "/evaluation/{ref}/moderation/"),
    ("moderator", "/evaluation/{ref}/moderation/{bid}/"),
    # The API's views of the same: 34 queries a bid on the board (each score's question, bid and approver
    # read one by one), one a bid on the register (each row's tender).
    ("moderator", "/api/evaluation/tenders/{ref}/moderation/"),
    ("commissioner", "/api/tenders/{ref}/bid-register/"),
]


@pytest.mark.parametrize(("who", "page"), PANEL_PAGES)
def test_a_panel_page_makes_the_same_queries_for_two_bids_as_for_six(who, page, commissioner, evaluator, moderator):
    counts = []
    for bids in (2, 6):
        tender, submitted = _tender(bids, commissioner, evaluator, moderator)
        user = {"evaluator": evaluator, "moderator": moderator, "commissioner": commissioner}[who]
        counts.append(len(page_statements(user, page.format(ref=tender.reference, bid=submitted[0].reference))))
    assert counts[0] == counts[1], counts


REPORT_PAGES = ["/reports/{ref}/", "/reports/{ref}/award/", "/reports/{ref}/award/decide/", "/evaluation/{ref}/summary/"]


@pytest.mark.parametrize("page", REPORT_PAGES)
def test_a_results_page_never_reads_a_runs_stored_inputs_and_reads_its_results_once(page, commissioner, evaluator,
                                                                                    moderator):
    tender, _ = _tender(3, commissioner, evaluator, moderator, evaluated=True)
    statements = page_statements(commissioner, page.format(ref=tender.reference))
    runs = [sql for sql in statements if '"evaluation_evaluationrun"' in sql]
    assert runs, statements
    assert not [sql for sql in runs if _reads_whole("inputs", sql)], runs
    assert sum(_reads_whole("results", sql) for sql in runs) <= 1, runs


def _reads_whole(document: str, sql: str) -> bool:
    """The statement loads a run's whole stored document, not one key of it (JSON_EXTRACT(...), (... -> 'key'))."""
    return re.search(rf'(?<!\()"evaluation_evaluationrun"\."{document}"', sql) is not None
