"""Blind scoring and conflicts of interest, enforced through the API.

A panel member reads no bid before declaring conflicts with every bidder, never reads or
scores a bid of a provider they are conflicted with, sees only their own scores until
moderation starts, and sees no price until quality is locked and the price envelope opened.
"""
from __future__ import annotations

import pytest

from evaluation import services
from tests.evaluation.helpers import extra_evaluator, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    bravo = submit_bid(tender, ProviderFactory(name="Bravo Care Ltd"), prices={1: "34.00"}, reference="B-BRAVO")
    for member in (evaluator, moderator):
        services.evaluation_assign(tender=tender, user=commissioner, member=member)
    return tender, alpha, bravo


def _scores(*values):
    return {"scores": [{"question": n, "score": v, "comment": "Evidence checked."} for n, v in enumerate(values, 1)]}


def test_an_evaluator_cannot_read_a_bid_before_declaring_conflicts(api_as, setting, evaluator):
    _, alpha, _ = setting
    response = api_as(evaluator).get(f"/api/evaluation/bids/{alpha.reference}/")
    assert response.status_code == 403
    assert "Declare any conflicts of interest" in response.json()["detail"]


def test_declaring_for_only_some_bidders_is_not_enough(api_as, setting, evaluator):
    tender, alpha, _ = setting
    client = api_as(evaluator)
    response = client.post(
        f"/api/evaluation/tenders/{tender.reference}/conflicts/",
        {"declarations": [{"provider": alpha.provider_id, "has_conflict": False}]}, format="json",
    )
    assert response.status_code == 200
    assert response.json()["outstanding"] == [setting[2].provider_id]
    assert client.get(f"/api/evaluation/bids/{alpha.reference}/").status_code == 403


def test_a_conflicted_evaluator_can_neither_read_nor_score_that_bid(api_as, setting, evaluator):
    tender, alpha, bravo = setting
    client = api_as(evaluator)
    response = client.post(
        f"/api/evaluation/tenders/{tender.reference}/conflicts/",
        {"declarations": [
            {"provider": alpha.provider_id, "has_conflict": True, "details": "I was its registered manager in 2015."},
            {"provider": bravo.provider_id, "has_conflict": False},
        ]},
        format="json",
    )
    assert response.status_code == 200
    read = client.get(f"/api/evaluation/bids/{alpha.reference}/")
    assert read.status_code == 403
    assert "conflict of interest with Alpha Care Ltd" in read.json()["detail"]
    assert client.post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(3, 3, 6), format="json").status_code == 403
    assert client.get(f"/api/evaluation/bids/{alpha.reference}/scores/").status_code == 403
    # The other bid is open to them.
    assert client.get(f"/api/evaluation/bids/{bravo.reference}/").status_code == 200
    listed = {row["bid"]: row["may_read"] for row in client.get(f"/api/evaluation/tenders/{tender.reference}/bids/").json()["results"]}
    assert listed == {"B-ALPHA": False, "B-BRAVO": True}


def test_a_conflict_needs_details_and_cannot_be_withdrawn(api_as, setting, evaluator):
    tender, alpha, _ = setting
    client = api_as(evaluator)
    url = f"/api/evaluation/tenders/{tender.reference}/conflicts/"
    missing = client.post(url, {"declarations": [{"provider": alpha.provider_id, "has_conflict": True}]}, format="json")
    assert missing.status_code == 400
    assert "Describe your conflict" in missing.json()["detail"]
    client.post(url, {"declarations": [{"provider": alpha.provider_id, "has_conflict": True, "details": "Shareholder."}]},
                format="json")
    withdrawn = client.post(url, {"declarations": [{"provider": alpha.provider_id, "has_conflict": False}]}, format="json")
    assert withdrawn.status_code == 400
    assert "cannot be withdrawn" in withdrawn.json()["detail"]


def test_declaring_for_a_provider_that_did_not_bid_is_refused(api_as, setting, evaluator):
    tender, _, _ = setting
    stranger = ProviderFactory()
    response = api_as(evaluator).post(
        f"/api/evaluation/tenders/{tender.reference}/conflicts/",
        {"declarations": [{"provider": stranger.pk, "has_conflict": False}]}, format="json",
    )
    assert response.status_code == 400
    assert "has not bid" in response.json()["detail"]


def test_people_off_the_panel_cannot_read_or_score(api_as, setting, commissioner, bidder, legal):
    _, alpha, _ = setting
    for user in (commissioner, bidder, legal, extra_evaluator("unassigned")):
        client = api_as(user)
        assert client.get(f"/api/evaluation/bids/{alpha.reference}/").status_code == 403
        assert client.post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(3, 3, 6), format="json").status_code == 403


def test_a_bidder_sees_neither_scores_nor_moderation(api_as, commissioner, evaluator, moderator, bidder):
    tender = opened_tender()
    own = submit_bid(tender, bidder.provider, prices={1: "32.00"}, reference="B-OWN")
    panel(tender, commissioner, evaluator, moderator=moderator)
    score_all(own, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    client = api_as(bidder)
    assert client.get(f"/api/evaluation/tenders/{tender.reference}/moderation/").status_code == 403
    assert client.get(f"/api/evaluation/bids/{own.reference}/scores/").status_code == 403
    assert client.get(f"/api/evaluation/tenders/{tender.reference}/bids/").status_code == 403


def test_scoring_is_blind_until_moderation_starts(api_as, commissioner, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    erin, euan = extra_evaluator("erin"), extra_evaluator("euan")
    panel(tender, commissioner, erin, euan, moderator=moderator)
    assert api_as(erin).post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(4, 3, 8),
                             format="json").status_code == 200
    euan_client = api_as(euan)
    assert euan_client.post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(2, 3),
                            format="json").status_code == 200

    # Each sees only their own scores.
    mine = euan_client.get(f"/api/evaluation/bids/{alpha.reference}/scores/").json()["results"]
    assert [(s["evaluator"], s["question"], s["score"]) for s in mine] == [("euan", 1, 2), ("euan", 2, 3)]
    # Nobody sees the board before moderation: evaluators, moderator and commissioner alike.
    for user in (erin, moderator, commissioner):
        board = api_as(user).get(f"/api/evaluation/tenders/{tender.reference}/moderation/")
        assert board.status_code == 403
        assert "blind" in board.json()["detail"]
    # Moderation cannot start while an evaluator has questions left to score.
    started = api_as(moderator).post(f"/api/evaluation/tenders/{tender.reference}/moderation/start/")
    assert started.status_code == 400
    assert "euan has not finished scoring B-ALPHA" in started.json()["detail"]


def test_the_moderator_sees_divergent_scores_once_moderation_starts(api_as, commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    euan = extra_evaluator("euan")
    panel(tender, commissioner, evaluator, euan, moderator=moderator)
    score_all(alpha, evaluator, (4, 3, 8))
    score_all(alpha, euan, (2, 3, 7))
    assert api_as(moderator).post(f"/api/evaluation/tenders/{tender.reference}/moderation/start/").status_code == 200
    # An evaluator cannot score once moderation has started.
    late = api_as(evaluator).post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(5, 5, 10), format="json")
    assert late.status_code == 409
    board = api_as(moderator).get(f"/api/evaluation/tenders/{tender.reference}/moderation/").json()
    q1, q2, q3 = board["bids"][0]["questions"]
    assert (q1["spread"], q1["divergent"]) == (2, True)
    assert (q2["spread"], q2["divergent"]) == (0, False)
    assert (q3["spread"], q3["divergent"]) == (1, False)
    assert sorted(s["score"] for s in q1["individual"]) == [2, 4]
    # Evaluators may now see the board too.
    assert api_as(evaluator).get(f"/api/evaluation/tenders/{tender.reference}/moderation/").status_code == 200


def test_roles_are_kept_apart(api_as, commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    # A moderator does not score alone; an evaluator does not record consensus.
    assert api_as(moderator).post(f"/api/evaluation/bids/{alpha.reference}/scores/", _scores(3, 3, 6),
                                  format="json").status_code == 403
    score_all(alpha, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    consensus = {"question": 1, "score": 3, "rationale": "Agreed."}
    assert api_as(evaluator).post(f"/api/evaluation/bids/{alpha.reference}/consensus/", consensus,
                                  format="json").status_code == 403
    assert api_as(moderator).post(f"/api/evaluation/bids/{alpha.reference}/consensus/", consensus,
                                  format="json").status_code == 200
    # Only a commissioner opens the price envelope or runs the evaluation.
    for user in (evaluator, moderator):
        assert api_as(user).post(f"/api/evaluation/tenders/{tender.reference}/price-envelope/").status_code == 403
        assert api_as(user).post(f"/api/evaluation/tenders/{tender.reference}/runs/").status_code == 403
    # Only a commissioner assigns the panel.
    assigned = api_as(moderator).post(f"/api/evaluation/tenders/{tender.reference}/panel/", {"username": "erin"},
                                      format="json")
    assert assigned.status_code == 403


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"question": 1, "score": 6, "comment": "Too high."}, "scored from 0 to 5"),
        ({"question": 1, "score": 3, "comment": "  "}, "a comment explaining the score is required"),
        ({"question": 9, "score": 3, "comment": "Which question?"}, "has no question 9"),
        ({"question": "one", "score": 3, "comment": "Bad number."}, "give its number"),
    ],
)
def test_bad_scores_get_a_clear_400(api_as, commissioner, evaluator, item, message):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator)
    response = api_as(evaluator).post(f"/api/evaluation/bids/{alpha.reference}/scores/", {"scores": [item]}, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_score_that_is_not_a_whole_number_gets_a_400(api_as, commissioner, evaluator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator)
    response = api_as(evaluator).post(
        f"/api/evaluation/bids/{alpha.reference}/scores/",
        {"scores": [{"question": 1, "score": "3.5", "comment": "Half."}]}, format="json",
    )
    assert response.status_code == 400


def test_prices_stay_sealed_from_the_panel_until_the_envelope_is_opened(api_as, commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    body = api_as(evaluator).get(f"/api/evaluation/bids/{alpha.reference}/").json()
    assert "prices" not in body
    assert [q["answer"] for q in body["questions"]][0].endswith("answers Q1.")
    for user in (evaluator, moderator, commissioner):
        assert api_as(user).get(f"/api/evaluation/tenders/{tender.reference}/clarifications/").status_code == 403
        assert api_as(user).get(f"/api/evaluation/tenders/{tender.reference}/result/").status_code == 403
    # The commissioner cannot open prices before quality is locked (two envelopes).
    early = api_as(commissioner).post(f"/api/evaluation/tenders/{tender.reference}/price-envelope/")
    assert early.status_code == 409
    assert "until quality moderation is complete and locked" in early.json()["detail"]

    score_all(alpha, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for n, s in enumerate((3, 3, 6), 1):
        services.consensus_record(bid=alpha, question=n, user=moderator, score=s, rationale="Agreed.")
    assert api_as(moderator).post(f"/api/evaluation/tenders/{tender.reference}/quality-lock/").status_code == 200
    opened = api_as(commissioner).post(f"/api/evaluation/tenders/{tender.reference}/price-envelope/")
    assert opened.status_code == 200
    assert opened.json()["status"] == "in_evaluation"
    after = api_as(evaluator).get(f"/api/evaluation/bids/{alpha.reference}/").json()
    assert after["prices"] == [{"lot": 1, "zone": alpha.tender.lots.get().zone.name, "hourly_price": "32.00"}]
