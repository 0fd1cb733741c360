"""Issue 16's journeys in Chromium, at desktop and 375 px (tests/browser/conftest.py), with axe-core and a
no-sideways-scroll check on every page reached:

- an evaluator scoring a bid with its supporting documents;
- a price explanation asked by the commissioner, answered by the provider in the portal, decided by the panel;
- a provider from signing in to the printable receipt.
"""
from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from evaluation import price_clarifications as pc
from evaluation import services
from evaluation.models import PriceClarification, PriceClarificationStatus
from tenders.models import BidDocument, BidVersionStatus, DocumentEnvelope
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import PASSWORD, ProviderFactory, UserFactory
from tests.tenders.bidding_support import PDF_BYTES, open_tender, submitted_bid


def check(page) -> None:
    """Every page a journey reaches: no serious axe violation, nothing scrolls sideways."""
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert_fits_width(page)


def _document(bid, name: str, envelope: str) -> BidDocument:
    document = BidDocument(version=bid.versions.get(status=BidVersionStatus.SUBMITTED), original_name=name,
                           content_type="application/pdf", size=len(PDF_BYTES), sha256=name.ljust(64, "0")[:64],
                           envelope=envelope)
    document.file.save(name, ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


def test_an_evaluator_scores_a_bid_reading_its_documents(live_server, page, commissioner, evaluator):
    tender = opened_tender()
    bid = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator)
    quality = _document(bid, "staffing-plan.pdf", DocumentEnvelope.QUALITY)
    _document(bid, "price-breakdown.pdf", DocumentEnvelope.PRICE)

    sign_in(page, live_server.url, evaluator.username, PASSWORD, next_url="/evaluation/")
    expect(page.get_by_role("heading", name="Evaluation", exact=True)).to_be_visible()
    check(page)
    page.goto(f"{live_server.url}/evaluation/{tender.reference}/bids/")
    check(page)
    page.goto(f"{live_server.url}/evaluation/{tender.reference}/bids/{bid.reference}/")
    expect(page.get_by_role("heading", name="Supporting documents")).to_be_visible()
    link = page.get_by_role("link", name="staffing-plan.pdf (opens in a new tab)")
    expect(link).to_be_visible()
    expect(page.get_by_text("price-breakdown.pdf")).to_have_count(0)
    expect(page.get_by_text("1 price document stays sealed")).to_be_visible()
    check(page)
    opened = page.request.get(live_server.url + link.get_attribute("href"))
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline") and opened.body() == PDF_BYTES
    assert quality.pk  # the link is the quality document's

    for question in tender.questions.order_by("number"):
        page.locator(f"#id_score_{question.pk}_2").check()
        page.locator(f"#id_comment_{question.pk}").fill(f"Meets the descriptors for question {question.number}.")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_text(f"Your scores for {bid.reference} are saved.")).to_be_visible()
    check(page)


def _flagged_tender(commissioner, evaluator, moderator):
    tender = opened_tender()
    cheap = ProviderFactory(name="Cheap Care Ltd")
    bids = [submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
            submit_bid(tender, cheap, prices={1: "18.00"}, reference="B-CHEAP")]
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid in bids:
        score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for bid in bids:
        moderate(bid, moderator, (3, 3, 6))
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    return tender, UserFactory(username="chris", role=Role.PROVIDER, provider=cheap)


def test_a_price_explanation_is_asked_answered_in_the_portal_and_decided(
    live_server, page, new_page, commissioner, evaluator, moderator, tmp_path
):
    tender, bidder_user = _flagged_tender(commissioner, evaluator, moderator)
    clarification = PriceClarification.objects.get()
    staff_url = f"{live_server.url}/evaluation/{tender.reference}/clarifications/B-CHEAP/1/"

    staff = new_page("desktop")
    sign_in(staff, live_server.url, commissioner.username, PASSWORD, next_url=f"/evaluation/{tender.reference}/summary/")
    check(staff)
    staff.goto(staff_url)
    expect(staff.get_by_role("heading", name="Ask the bidder to explain the price")).to_be_visible()
    check(staff)
    staff.get_by_label("Question for the bidder").fill("How does £18.00 an hour pay the National Living Wage?")
    staff.get_by_role("button", name="Send the question to the bidder").click()
    expect(staff.get_by_text("has been asked to explain its price for lot 1")).to_be_visible()
    check(staff)

    costs = tmp_path / "cost-breakdown.pdf"
    costs.write_bytes(PDF_BYTES)
    sign_in(page, live_server.url, bidder_user.username, PASSWORD, next_url="/portal/")
    check(page)
    page.get_by_role("link", name="Notifications").first.click()
    check(page)
    page.get_by_role("link", name="explain your price for lot 1").first.click()
    expect(page.get_by_role("heading", name="Explain your price for lot 1")).to_be_visible()
    check(page)
    page.get_by_label("Your explanation").fill("Our branch is shared with an existing contract; travel is paid.")
    page.get_by_label("Supporting document (optional)").set_input_files(str(costs))
    page.get_by_role("button", name="Send your explanation").click()
    expect(page.get_by_text("Your explanation has been sent.")).to_be_visible()
    check(page)

    staff.goto(staff_url)
    expect(staff.get_by_text("Our branch is shared with an existing contract")).to_be_visible()
    expect(staff.get_by_role("link", name="cost-breakdown.pdf")).to_be_visible()
    check(staff)
    staff.get_by_label("Accept the price").check()
    staff.get_by_label("Reason for the decision").fill("Pays the legal minimum for contact and travel time.")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.get_by_text("The decision on B-CHEAP's price for lot 1 is recorded.")).to_be_visible()
    check(staff)

    clarification.refresh_from_db()
    assert clarification.status == PriceClarificationStatus.ACCEPTED and clarification.answered_by == bidder_user
    page.reload()
    expect(page.get_by_text("Pays the legal minimum for contact and travel time.")).to_be_visible()
    check(page)


def test_a_provider_goes_from_signing_in_to_the_printable_receipt(live_server, page, bidder):
    tender = open_tender(lots=1, questions=1)
    bid, result = submitted_bid(tender, bidder)
    sign_in(page, live_server.url, bidder.username, PASSWORD, next_url="/")
    expect(page.get_by_role("heading", name="Tenders")).to_be_visible()
    check(page)
    page.goto(f"{live_server.url}/portal/")
    check(page)
    page.get_by_role("link", name="Go to your bid").first.click()
    expect(page.get_by_role("heading", name=f"Your bid {bid.reference}")).to_be_visible()
    expect(page.locator("[data-countdown-text]")).to_contain_text("left, by the server's clock")
    check(page)
    page.get_by_role("link", name="View your receipt").click()
    expect(page.get_by_role("heading", name="Bid submitted")).to_be_visible()
    expect(page.locator("#digest")).to_have_text(result.version.digest)
    check(page)
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="Download a printable receipt (PDF)")
                           .get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator("#digest")).to_be_visible()


def test_pages_the_journeys_reach_pass_axe_and_fit_the_width(live_server, page, commissioner, evaluator, moderator,
                                                              legal, bidder):
    """A walk over every page the journeys above reach, for each role that reaches it, plus 403 and 404."""
    tender, bidder_user = _flagged_tender(commissioner, evaluator, moderator)
    pc.price_clarification_request(clarification=PriceClarification.objects.get(), user=commissioner,
                                   question="Explain the price.", reply_by=timezone.now() + timedelta(days=3))
    services.evaluation_run(tender=tender, user=commissioner)
    ref = tender.reference
    walks = {
        commissioner: ["/", f"/evaluation/{ref}/summary/", f"/evaluation/{ref}/moderation/",
                       f"/evaluation/{ref}/clarifications/B-CHEAP/1/", f"/evaluation/{ref}/panel/", "/pricing/",
                       f"/pricing/tenders/{ref}/costs/", "/reports/", f"/reports/{ref}/", "/cqc/providers/",
                       "/evaluation/no-such-tender/summary/"],
        evaluator: ["/evaluation/", f"/evaluation/{ref}/bids/", f"/evaluation/{ref}/bids/B-ALPHA/",
                    f"/evaluation/{ref}/my-scores/", f"/evaluation/{ref}/conflicts/", "/reports/"],
        legal: ["/evaluation/", f"/evaluation/{ref}/summary/", "/reports/"],
        bidder_user: ["/portal/", "/portal/bids/B-CHEAP/", "/portal/notifications/",
                      f"/portal/bids/B-CHEAP/price-questions/{PriceClarification.objects.get().pk}/", "/evaluation/"],
    }
    for user, paths in walks.items():
        page.context.clear_cookies()
        sign_in(page, live_server.url, user.username, PASSWORD, next_url="/")
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status in (200, 403, 404), (user.username, path, response.status)
            assert page.locator(".govuk-header__navigation").count() == 1, (user.username, path)
            check(page)
