"""Four eyes after the quality lock (issue 13): a change to a consensus score is a proposal until a
second, different person (the tender's moderator or a commissioner) approves it; only then does it
affect the evaluation. Both steps are audited and both names reach the evaluation run's inputs.
"""
import pytest
from django.db import IntegrityError, transaction

from common.audit import AuditEntry
from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from evaluation import selectors, services
from evaluation.models import ConsensusChangeProposal, ConsensusScore, ProposalStatus
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "The appendix was missed at the meeting; confirmed by the panel by email."


@pytest.fixture
def locked(commissioner, evaluator, moderator):
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(name="Alpha Care"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    score_all(alpha, evaluator, (3, 3, 8))
    services.moderation_start(tender=tender, user=moderator)
    moderate(alpha, moderator, (3, 3, 8))
    services.quality_lock(tender=tender, user=moderator)
    return tender, alpha


def _propose(alpha, moderator, score=4):
    return services.consensus_change_propose(
        bid=alpha, question=1, user=moderator, score=score, rationale="Re-read the appendix: outcome data is there.",
        change_reason=REASON,
    )


def _q1(alpha):
    return ConsensusScore.objects.get(bid=alpha, question__number=1)


def test_a_change_after_lock_is_only_a_proposal(locked, moderator):
    tender, alpha = locked
    inputs_before = selectors.evaluation_inputs(tender=tender)
    proposal = _propose(alpha, moderator)
    assert proposal.status == ProposalStatus.PENDING
    assert _q1(alpha).score == 3 and not _q1(alpha).changed_after_lock
    assert selectors.evaluation_inputs(tender=tender) == inputs_before  # the evaluation is unaffected
    assert AuditEntry.objects.filter(action="evaluation.consensus_change_proposed").count() == 1
    assert selectors.pending_consensus_changes(tender=tender) == ["B-ALPHA Q1"]


def test_consensus_record_after_lock_also_only_proposes(locked, moderator):
    """The path the moderation page uses: it no longer changes a locked score on one person's say."""
    _, alpha = locked
    row = services.consensus_record(bid=alpha, question=1, user=moderator, score=4, rationale="Re-read.",
                                    change_reason=REASON)
    assert row.score == 3 and _q1(alpha).score == 3
    assert ConsensusChangeProposal.objects.get().score == 4


def test_the_proposer_cannot_approve_their_own_change(locked, moderator):
    _, alpha = locked
    proposal = _propose(alpha, moderator)
    with pytest.raises(PermissionDeniedError, match="second person"):
        services.consensus_change_decide(proposal=proposal, user=moderator, approve=True)
    assert _q1(alpha).score == 3


def test_the_database_refuses_a_self_approval(locked, moderator):
    _, alpha = locked
    proposal = _propose(alpha, moderator)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsensusChangeProposal.objects.filter(pk=proposal.pk).update(
            status=ProposalStatus.APPROVED, decided_by=moderator, decided_at=proposal.proposed_at
        )


@pytest.mark.parametrize("who", ["evaluator", "legal", "it_admin"])
def test_nobody_else_may_approve(locked, moderator, evaluator, legal, who):
    _, alpha = locked
    proposal = _propose(alpha, moderator)
    user = {"evaluator": evaluator, "legal": legal,
            "it_admin": UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)}[who]
    with pytest.raises(PermissionDeniedError):
        services.consensus_change_decide(proposal=proposal, user=user, approve=True)


def test_a_commissioners_approval_changes_the_score_with_both_names(locked, moderator, commissioner):
    tender, alpha = locked
    proposal = _propose(alpha, moderator)
    services.consensus_change_decide(proposal=proposal, user=commissioner, approve=True)
    row = _q1(alpha)
    assert (row.score, row.changed_after_lock, row.change_reason) == (4, True, REASON)
    assert row.moderator == moderator and row.change_approved_by == commissioner
    entry = AuditEntry.objects.get(action="evaluation.consensus_changed_after_lock")
    assert entry.before["score"] == 3 and entry.after["score"] == 4
    assert entry.after["proposed_by"] == moderator.username and entry.after["decided_by"] == commissioner.username
    q1 = selectors.evaluation_inputs(tender=tender)["lots"][0]["bids"][0]["consensus"]["Q1"]
    assert q1["change_proposed_by"] == moderator.username and q1["change_approved_by"] == commissioner.username
    with pytest.raises(TransitionNotAllowed, match="already approved"):
        services.consensus_change_decide(proposal=proposal, user=commissioner, approve=True)


def test_a_rejection_needs_a_reason_and_leaves_the_score(locked, moderator, commissioner):
    _, alpha = locked
    proposal = _propose(alpha, moderator)
    with pytest.raises(RuleViolation, match="reason for rejecting"):
        services.consensus_change_decide(proposal=proposal, user=commissioner, approve=False)
    services.consensus_change_decide(proposal=proposal, user=commissioner, approve=False, note="Not what we agreed.")
    assert _q1(alpha).score == 3
    assert AuditEntry.objects.filter(action="evaluation.consensus_change_rejected").count() == 1


def test_one_pending_change_per_score(locked, moderator):
    _, alpha = locked
    _propose(alpha, moderator)
    with pytest.raises(RuleViolation, match="already waiting"):
        _propose(alpha, moderator, score=5)


def test_the_api_proposes_then_a_second_person_approves(locked, moderator, commissioner, api):
    tender, alpha = locked
    api.force_authenticate(moderator)
    response = api.post(f"/api/evaluation/bids/{alpha.reference}/consensus/",
                        {"question": "1", "score": 4, "rationale": "Re-read.", "change_reason": REASON}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    proposal_id = response.json()["id"]
    url = f"/api/evaluation/tenders/{tender.reference}/consensus-changes/{proposal_id}/decision/"
    assert api.post(url, {"approve": True}, format="json").status_code == 403  # the proposer
    api.force_authenticate(commissioner)
    decided = api.post(url, {"approve": True}, format="json")
    assert decided.status_code == 200 and decided.json()["decided_by"] == commissioner.username
    listed = api.get(f"/api/evaluation/tenders/{tender.reference}/consensus-changes/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["status"] for r in rows] == ["approved"]
    assert _q1(alpha).score == 4


def test_the_page_lists_the_proposal_and_a_second_person_decides_it(locked, moderator, commissioner, client):
    tender, alpha = locked
    proposal = _propose(alpha, moderator)
    page = f"/evaluation/{tender.reference}/consensus-changes/"
    decide = f"{page}{proposal.pk}/decision/"
    client.force_login(moderator)
    body = client.get(page).content.decode()
    assert "B-ALPHA, question 1: 3 to 4" in body and "Approve the change" not in body  # not for the proposer
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(commissioner)
    assert "Approve the change" in client.get(page).content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    assert _q1(alpha).score == 4 and _q1(alpha).change_approved_by == commissioner


def test_the_evaluation_navigation_links_to_the_consensus_changes_for_those_who_may_see_them(
    locked, moderator, commissioner, evaluator, client
):
    from evaluation.templatetags.evaluation_nav import evaluation_links

    tender, _ = locked
    page = f"/evaluation/{tender.reference}/consensus-changes/"
    for user in (moderator, commissioner):
        assert ("Consensus changes", page) in evaluation_links(user, tender)
        client.force_login(user)
        assert client.get(page).status_code == 200
    it_admin = UserFactory(role="admin")
    assert ("Consensus changes", page) not in evaluation_links(it_admin, tender)
    client.force_login(it_admin)
    assert client.get(page).status_code == 403
    client.force_login(moderator)
    assert f'href="{page}"' in client.get(f"/evaluation/{tender.reference}/moderation/").content.decode()


def test_no_consensus_changes_link_before_the_lock(moderator, commissioner, evaluator):
    from evaluation.templatetags.evaluation_nav import evaluation_links

    tender = opened_tender()
    submit_bid(tender, ProviderFactory(name="Alpha Care"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    assert all(label != "Consensus changes" for label, _ in evaluation_links(moderator, tender))
