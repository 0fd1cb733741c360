"""A provider, in a real browser, from signing in to the receipt (Debian's Chromium through Playwright),
removing a document uploaded by mistake on the way.

Runs at desktop and phone width (tests/browser/conftest.py).
"""
from __future__ import annotations

from playwright.sync_api import expect

from tenders.bidding_rules import DECLARATIONS
from tenders.models import Bid, BidVersion
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.tenders.bidding_support import PDF_BYTES, open_tender


def test_a_provider_signs_in_bids_and_gets_a_receipt(live_server, page, bidder, tmp_path):
    console_errors = page.console_errors
    tender = open_tender(lots=2, questions=2, word_limit=50)
    lot = tender.lots.get(number=1)
    policy = tmp_path / "safeguarding-policy.pdf"
    policy.write_bytes(PDF_BYTES)
    draft_plan = tmp_path / "staffing-plan-draft.pdf"
    draft_plan.write_bytes(PDF_BYTES.replace(b"%PDF-1.4\n", b"%PDF-1.4\n% draft staffing plan\n"))  # not a copy

    sign_in(page, live_server.url, bidder.username, PASSWORD, next_url="/portal/")
    expect(page.get_by_role("heading", name="Your bids")).to_be_visible()

    page.get_by_role("link", name=tender.title, exact=True).click()
    expect(page.get_by_text("50 contact + 10 travel minutes").first).to_be_visible()
    page.get_by_role("button", name="Start your bid").click()
    expect(page.get_by_role("heading", name="Complete your bid")).to_be_visible()

    page.get_by_role("link", name="Lots and prices").click()
    page.get_by_label(f"Lot 1: {lot.zone.name}").check()
    price = page.get_by_label("Hourly price for lot 1")
    price.fill("18.50")
    # The live check answers from /api/pricing/check/ into the aria-live region under the field.
    expect(page.locator(f"#id_hourly_{lot.pk}-check")).to_contain_text("per contact hour")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Your lots and prices have been saved.")).to_be_visible()

    page.get_by_role("link", name="CQC locations").click()
    page.get_by_label("Which CQC locations will deliver this service?").fill("1-123456789")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Quality question 1").click()
    page.locator("#id_answer").fill("We work to goals set by occupational therapists.")
    page.get_by_role("button", name="Save and go to the next question").click()
    page.locator("#id_answer").fill("We recruit locally and offer guaranteed hours.")
    page.get_by_role("button", name="Save and return to your bid").click()

    page.get_by_role("link", name="Supporting documents").click()
    for upload in (draft_plan, policy):
        page.get_by_label("Upload a file").set_input_files(str(upload))
        page.get_by_role("button", name="Upload file").click()
        expect(page.get_by_text(f"{upload.name} has been uploaded.")).to_be_visible()
    # A file uploaded by mistake is removed; its button names it for a screen reader.
    page.get_by_role("button", name="Remove staffing-plan-draft.pdf").click()
    expect(page.get_by_text("The document has been removed.")).to_be_visible()
    expect(page.get_by_role("link", name="staffing-plan-draft.pdf")).to_have_count(0)
    expect(page.get_by_role("link", name="safeguarding-policy.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Return to your bid").click()

    page.get_by_role("link", name="Declarations").click()
    # locator.all() does not wait: count the boxes only once the page has them all.
    boxes = page.locator("input[name=declarations]")
    expect(boxes).to_have_count(len(DECLARATIONS))
    for box in boxes.all():
        box.check()
    page.get_by_role("button", name="Confirm and continue").click()

    page.get_by_role("link", name="Check and submit your bid").click()
    expect(page.get_by_role("heading", name="Check your bid before submitting it")).to_be_visible()
    page.get_by_role("button", name="Submit bid").click()

    expect(page.get_by_role("heading", name="Bid submitted")).to_be_visible()
    assert_accessible(page)
    bid = Bid.objects.get(provider=bidder.provider)
    version = BidVersion.objects.get(bid=bid)
    expect(page.locator("#digest")).to_have_text(version.digest)
    assert version.content["lots"][0]["hourly_price"] == "18.50"
    assert [d.original_name for d in version.documents.all()] == ["safeguarding-policy.pdf"]
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_a_provider_sees_the_cost_of_care_check_on_a_package_price_as_they_type(live_server, page, bidder):
    """Reablement lots priced per package: the package price is checked over its hours, live, like an hourly one,
    and the check page repeats the warning."""
    from tenders import services

    tender = open_tender(lots=1, questions=1, package_lot=True)
    lot = tender.lots.get()
    bid = services.bid_start(tender=tender, user=bidder)

    sign_in(page, live_server.url, bidder.username, PASSWORD, next_url=f"/portal/bids/{bid.reference}/prices/")
    page.get_by_label(f"Lot 1: {lot.zone.name}").check()
    page.get_by_label("Hourly price for lot 1").fill("18.50")
    # £200 for a 30-hour package is £6.67 a billed hour, £8.00 per contact hour: below the statutory floor.
    page.get_by_label("Package price for lot 1").fill("200")
    expect(page.locator(f"#id_package_{lot.pk}-check")).to_contain_text(
        "Warning: this package price (£8.00 per contact hour over its 30 hours) is below"
    )
    expect(page.locator(f"#id_hourly_{lot.pk}-check")).to_contain_text("£22.20 per contact hour")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Your lots and prices have been saved.")).to_be_visible()
    assert BidVersion.objects.get(bid=bid).lot_prices.get().package_price == 200
    # The check page repeats the package warning before the bid can be submitted.
    page.get_by_role("link", name="Check and submit your bid").click()
    expect(page.get_by_role("heading", name="Price warnings")).to_be_visible()
    expect(page.get_by_text("this package price (£8.00 per contact hour over its 30 hours) is below")).to_be_visible()
    assert_accessible(page)


def test_a_price_typed_before_the_page_script_has_loaded_is_still_checked(live_server, page, bidder):
    """On a slow connection a provider can type before the deferred check script runs: that keystroke's input
    event has no listener yet, so the script checks any price that differs from the page's own when it starts.
    (A full run once failed here: Playwright typed before the script had loaded.)"""
    from tenders import services

    tender = open_tender(lots=1, questions=1)
    lot = tender.lots.get()
    bid = services.bid_start(tender=tender, user=bidder)
    held = []

    def hold(route):  # the script's request waits until released below
        held.append(route)

    page.route("**/js/bid_price_check.js*", hold)

    sign_in(page, live_server.url, bidder.username, PASSWORD, next_url=f"/portal/bids/{bid.reference}/prices/")
    page.get_by_label(f"Lot 1: {lot.zone.name}").check()
    page.get_by_label("Hourly price for lot 1").fill("18.50")
    page.wait_for_timeout(600)  # longer than the script's 400 ms debounce: nothing is checking yet
    expect(page.locator(f"#id_hourly_{lot.pk}-check")).to_be_empty()
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(f"#id_hourly_{lot.pk}-check")).to_contain_text("£22.20 per contact hour")
