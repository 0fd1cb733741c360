"""Moderation: consensus with a rationale, divergence, locking, and changes after the lock."""
from __future__ import annotations

import pytest

from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.models import AuditEntry
from evaluation import selectors, services
from evaluation.models import ConsensusChangeProposal, ConsensusScore, IndividualScore
from tests.evaluation.helpers import extra_evaluator, moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderating(commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    euan = extra_evaluator("euan")
    panel(tender, commissioner, evaluator, euan, moderator=moderator)
    score_all(alpha, evaluator, (4, 3, 8))
    score_all(alpha, euan, (2, 3, 9))
    services.moderation_start(tender=tender, user=moderator)
    return tender, alpha


def test_it_needs_a_rationale_for_every_consensus(moderating, moderator):
    _, alpha = moderating
    with pytest.raises(RuleViolation, match="rationale"):
        services.consensus_record(bid=alpha, question=1, user=moderator, score=3, rationale=" ")


def test_it_marks_a_consensus_no_evaluator_gave_and_keeps_the_individual_scores(moderating, moderator):
    _, alpha = moderating
    row = services.consensus_record(bid=alpha, question=1, user=moderator, score=3,
                                    rationale="Strong outcomes data but weak on weekend starts: 3.")
    assert row.differs_from_individuals  # individual scores were 4 and 2
    same = services.consensus_record(bid=alpha, question=2, user=moderator, score=3, rationale="Agreed 3.")
    assert not same.differs_from_individuals
    assert sorted(IndividualScore.objects.filter(bid=alpha, question__number=1).values_list("score", flat=True)) == [2, 4]
    entry = AuditEntry.objects.filter(action="evaluation.consensus_recorded").first()
    assert entry.after["individual_scores"] == [2, 4]


def test_the_board_flags_a_spread_of_two_or_more(moderating, moderator):
    tender, _ = moderating
    (row,) = selectors.moderation_board(tender=tender, user=moderator)
    assert [(c.spread, c.divergent) for c in row.cells] == [(2, True), (0, False), (1, False)]
    assert row.divergent_count == 1


def test_quality_cannot_be_locked_until_every_question_has_a_consensus(moderating, moderator):
    tender, alpha = moderating
    services.consensus_record(bid=alpha, question=1, user=moderator, score=3, rationale="Agreed.")
    with pytest.raises(RuleViolation, match="B-ALPHA has no consensus score for Q2, Q3"):
        services.quality_lock(tender=tender, user=moderator)


def test_a_change_after_the_lock_needs_a_reason_and_is_audited_with_before_and_after(moderating, moderator, commissioner):
    tender, alpha = moderating
    moderate(alpha, moderator, (3, 3, 8))
    services.quality_lock(tender=tender, user=moderator)
    with pytest.raises(RuleViolation, match="give the reason"):
        services.consensus_record(bid=alpha, question=1, user=moderator, score=4, rationale="Re-read the appendix.")
    services.consensus_record(
        bid=alpha, question=1, user=moderator, score=4, rationale="Re-read the appendix: outcome data is there.",
        change_reason="The appendix was missed at the meeting; confirmed by the panel by email.",
    )
    # Issue 13, four eyes: the change takes effect only once a second person approves it.
    proposal = ConsensusChangeProposal.objects.get()
    services.consensus_change_decide(proposal=proposal, user=commissioner, approve=True)
    row = ConsensusScore.objects.get(bid=alpha, question__number=1)
    assert row.changed_after_lock and row.change_reason.startswith("The appendix")
    entry = AuditEntry.objects.get(action="evaluation.consensus_changed_after_lock")
    assert entry.before["score"] == 3 and entry.after["score"] == 4
    assert entry.note.startswith("The appendix was missed")


def test_individual_scores_are_frozen_once_moderation_starts(moderating, evaluator):
    _, alpha = moderating
    with pytest.raises(TransitionNotAllowed, match="individual scores are final"):
        score_all(alpha, evaluator, (5, 5, 10))


def test_moderation_cannot_start_twice_or_before_scoring(commissioner, evaluator, moderator):
    tender = opened_tender()
    submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    with pytest.raises(RuleViolation, match="erin has not finished scoring B-ALPHA"):
        services.moderation_start(tender=tender, user=moderator)


def test_an_evaluator_cannot_start_moderation(moderating, evaluator):
    tender, _ = moderating
    with pytest.raises(PermissionDeniedError):
        services.quality_lock(tender=tender, user=evaluator)


def test_a_conflicted_evaluator_is_not_needed_for_that_bid(commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha_provider = ProviderFactory(name="Alpha Care Ltd")
    alpha = submit_bid(tender, alpha_provider, prices={1: "32.00"}, reference="B-ALPHA")
    bravo = submit_bid(tender, ProviderFactory(), prices={1: "33.00"}, reference="B-BRAVO")
    euan = extra_evaluator("euan")
    panel(tender, commissioner, evaluator, moderator=moderator)
    services.evaluation_assign(tender=tender, user=commissioner, member=euan)
    from tests.evaluation.helpers import declare

    declare(tender, euan, conflicts=[alpha_provider])
    score_all(alpha, evaluator, (3, 3, 6))
    score_all(bravo, evaluator, (3, 3, 6))
    score_all(bravo, euan, (4, 3, 6))
    services.moderation_start(tender=tender, user=moderator)  # euan is not expected to score Alpha
    rows = {r.bid.reference: r for r in selectors.moderation_board(tender=tender, user=moderator)}
    assert [len(c.individual) for c in rows["B-ALPHA"].cells] == [1, 1, 1]


def test_the_moderator_can_record_consensus_only_after_moderation_starts(commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    with pytest.raises(TransitionNotAllowed, match="still blind"):
        services.consensus_record(bid=alpha, question=1, user=moderator, score=3, rationale="Too early.")
    assert not ConsensusScore.objects.exists()
