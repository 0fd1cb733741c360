"""Evaluation pages: each role's pages work end to end and refuse other roles.

Evaluators declare conflicts and score; the moderator starts moderation, records consensus
and locks quality; the commissioner opens the price envelope, decides a clarification, runs
the evaluation and awards. Nothing here bypasses the services.
"""
from __future__ import annotations

import re

import pytest
from django.test import Client

from evaluation import services
from evaluation.models import ConflictDeclaration, ConsensusScore, IndividualScore
from tests.evaluation.helpers import extra_evaluator, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory
from tests.tenders.bidding_support import shows_amount

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_csp_clean(html: str) -> None:
    """No inline styles or event handlers; scripts only with the nonce."""
    assert 'style="' not in html
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag


@pytest.fixture
def tender_with_bids(commissioner, evaluator, moderator):
    tender = opened_tender()
    bids = {
        "alpha": submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
        "bravo": submit_bid(tender, ProviderFactory(name="Bravo Care Ltd"), prices={1: "34.00"}, reference="B-BRAVO"),
    }
    for member in (evaluator, moderator):
        services.evaluation_assign(tender=tender, user=commissioner, member=member)
    return tender, bids


def test_an_evaluator_declares_conflicts_then_scores_a_bid(tender_with_bids, evaluator):
    tender, bids = tender_with_bids
    client = client_for(evaluator)
    home = client.get("/evaluation/")
    assert home.status_code == 200 and tender.reference in home.content.decode()
    # Before declaring, the bid is closed.
    assert client.get(f"/evaluation/{tender.reference}/bids/B-ALPHA/").status_code == 403

    alpha, bravo = bids["alpha"].provider_id, bids["bravo"].provider_id
    url = f"/evaluation/{tender.reference}/conflicts/"
    page = client.get(url)
    assert page.status_code == 200 and "Alpha Care Ltd" in page.content.decode()
    assert_csp_clean(page.content.decode())
    missing = client.post(url, {f"conflict_{alpha}": "yes", f"conflict_{bravo}": "no"})
    assert missing.status_code == 400
    assert "Describe your conflict of interest with Alpha Care Ltd" in missing.content.decode()
    done = client.post(url, {f"conflict_{alpha}": "no", f"conflict_{bravo}": "yes",
                             f"details_{bravo}": "My partner is Bravo's finance director."})
    assert done.status_code == 302
    assert ConflictDeclaration.objects.filter(has_conflict=True, provider_id=bravo).count() == 1

    listing = client.get(f"/evaluation/{tender.reference}/bids/").content.decode()
    assert "Conflict of interest – closed to you" in listing
    assert client.get(f"/evaluation/{tender.reference}/bids/B-BRAVO/").status_code == 403

    score_url = f"/evaluation/{tender.reference}/bids/B-ALPHA/"
    page = client.get(score_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alpha Care Ltd answers Q1." in html and not shows_amount(html, "32.00")  # answers, never prices
    assert_csp_clean(html)
    questions = list(tender.questions.order_by("number"))
    form = {f"score_{q.pk}": "3" for q in questions}
    form.update({f"comment_{q.pk}": "Meets the descriptor for 3." for q in questions})
    form[f"comment_{questions[0].pk}"] = ""
    invalid = client.post(score_url, form)
    assert invalid.status_code == 400
    assert "Explain your score for question 1" in invalid.content.decode()
    form[f"comment_{questions[0].pk}"] = "Clear goals, little outcome data."
    assert client.post(score_url, form).status_code == 302
    assert IndividualScore.objects.filter(bid=bids["alpha"], evaluator=evaluator).count() == 3
    mine = client.get(f"/evaluation/{tender.reference}/my-scores/").content.decode()
    assert "Clear goals, little outcome data." in mine


def test_the_moderation_page_is_blind_until_moderation_starts(tender_with_bids, commissioner, evaluator, moderator):
    tender, bids = tender_with_bids
    euan = extra_evaluator("euan")
    services.evaluation_assign(tender=tender, user=commissioner, member=euan)
    from tests.evaluation.helpers import declare

    for member in (evaluator, moderator, euan):
        declare(tender, member)
    score_all(bids["alpha"], evaluator, (4, 3, 8))
    score_all(bids["alpha"], euan, (2, 3, 8))
    score_all(bids["bravo"], evaluator, (3, 3, 6))
    score_all(bids["bravo"], euan, (3, 3, 6))
    url = f"/evaluation/{tender.reference}/moderation/"
    before = client_for(moderator).get(url).content.decode()
    assert "Individual scoring is blind" in before
    assert "euan" not in before  # nobody's individual scores are shown yet

    start = client_for(moderator).post(f"/evaluation/{tender.reference}/actions/start-moderation/", {"next": url})
    assert start.status_code == 302
    board = client_for(moderator).get(url).content.decode()
    assert "app-divergent" in board and "2 – discuss" in board
    assert_csp_clean(board)

    consensus_url = f"/evaluation/{tender.reference}/moderation/B-ALPHA/"
    page = client_for(moderator).get(consensus_url)
    assert page.status_code == 200 and "spread of 2: discuss" in page.content.decode()
    assert client_for(moderator).post(consensus_url, {"question": "1", "q1-score": "3", "q1-rationale": ""}).status_code == 400
    # The feedback the bidder reads (reg 31) is required too, apart from the internal rationale.
    assert client_for(moderator).post(consensus_url, {"question": "1", "q1-score": "3",
                                                      "q1-rationale": "Outcome data is thin: 3."}).status_code == 400
    saved = client_for(moderator).post(consensus_url, {"question": "1", "q1-score": "3",
                                                       "q1-rationale": "Outcome data is thin: 3.",
                                                       "q1-feedback_to_bidder": "Outcomes are described but not measured."})
    assert saved.status_code == 302
    row = ConsensusScore.objects.get(bid=bids["alpha"], question__number=1)
    assert (row.score, row.feedback_to_bidder) == (3, "Outcomes are described but not measured.")
    # Evaluators cannot record consensus.
    assert client_for(evaluator).get(consensus_url).status_code == 403


def test_the_commissioner_opens_prices_decides_a_clarification_runs_and_awards(commissioner, evaluator, moderator):
    tender = opened_tender()
    bids = {
        "alpha": submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
        "cheap": submit_bid(tender, ProviderFactory(name="Cheap Care Ltd"), prices={1: "18.00"}, reference="B-CHEAP"),
    }
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid in bids.values():
        score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for bid in bids.values():
        for n, s in enumerate((3, 3, 6), 1):
            services.consensus_record(bid=bid, question=n, user=moderator, score=s, rationale="Agreed.",
                                      feedback_to_bidder="Met the published descriptor.")  # reg 31: needed to award
    services.quality_lock(tender=tender, user=moderator)

    client = client_for(commissioner)
    summary_url = f"/evaluation/{tender.reference}/summary/"
    before = client.get(summary_url).content.decode()
    assert "Open the price envelope" in before and "Cheap Care Ltd" in before and not shows_amount(before, "18.00")
    assert client.post(f"/evaluation/{tender.reference}/actions/open-prices/").status_code == 302
    opened = client.get(summary_url).content.decode()
    assert "Awaiting decision" in opened

    clar_url = f"/evaluation/{tender.reference}/clarifications/B-CHEAP/1/"
    assert client.get(clar_url).status_code == 200
    assert client.post(clar_url, {"explanation": "", "decision": "accepted", "reason": "x"}).status_code == 400
    assert client.post(clar_url, {"explanation": "Shared office.", "decision": "accepted",
                                  "reason": "Pays the living wage for travel."}).status_code == 302

    assert client.post(f"/evaluation/{tender.reference}/actions/run/").status_code == 302
    results = client.get(summary_url).content.decode()
    assert "Results per lot" in results and "Recommended" in results
    assert_csp_clean(results)
    # One award path: the summary links to the confirmation page; the old one-button action is gone.
    assert f"/reports/{tender.reference}/award/decide/" in results
    assert client.post(f"/evaluation/{tender.reference}/actions/award/", {"note": "x"}).status_code == 404
    awarded = client.post(f"/reports/{tender.reference}/award/decide/",
                          {"note": "Approved by cabinet member.", "confirm": "on"})
    assert awarded.status_code == 302
    tender.refresh_from_db()
    assert tender.status == "awarded"


def test_a_refused_action_is_shown_as_a_message_not_an_error_page(tender_with_bids, commissioner):
    tender, _ = tender_with_bids
    client = client_for(commissioner)
    response = client.post(f"/evaluation/{tender.reference}/actions/open-prices/", follow=True)
    assert response.status_code == 200
    assert "prices stay sealed until quality moderation is complete and locked" in response.content.decode()
    assert client.post(f"/evaluation/{tender.reference}/actions/nonsense/").status_code == 404


def test_other_roles_are_refused(tender_with_bids, bidder, evaluator, legal):
    tender, _ = tender_with_bids
    for path in ("summary/", "panel/", "moderation/", "conflicts/", "bids/", "my-scores/"):
        assert client_for(bidder).get(f"/evaluation/{tender.reference}/{path}").status_code == 403
    assert client_for(evaluator).get(f"/evaluation/{tender.reference}/summary/").status_code == 403
    assert client_for(evaluator).get(f"/evaluation/{tender.reference}/panel/").status_code == 403
    assert client_for(evaluator).post(f"/evaluation/{tender.reference}/actions/run/").status_code == 403
    assert client_for(legal).get(f"/evaluation/{tender.reference}/summary/").status_code == 200


def test_the_commissioner_adds_a_panel_member(tender_with_bids, commissioner, bidder):
    tender, _ = tender_with_bids
    euan = extra_evaluator("euan")
    client = client_for(commissioner)
    url = f"/evaluation/{tender.reference}/panel/"
    assert client.post(url, {"member": euan.pk}).status_code == 302
    assert "euan" in client.get(url).content.decode()
    assert client.post(url, {"member": bidder.pk}).status_code == 400  # not an evaluator or moderator
