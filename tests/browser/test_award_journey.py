"""The award, in a real browser: a commissioner awards behind the confirmation page, issues the
assessment summaries and records the contract award notice; the bidder then sees its outcome and
its summary in the portal. Runs at desktop and phone width, axe on every page (tests/browser/conftest.py).
"""
from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from tenders.models import Bid
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.reports.helpers import CHARLIE, evaluated_tender


def test_a_commissioner_awards_and_the_bidder_sees_its_outcome(
    live_server, page, commissioner, evaluator, moderator
):
    tender = evaluated_tender(commissioner, evaluator, moderator)
    charlie_bid = Bid.objects.get(tender=tender, provider__name=CHARLIE)
    charlie = UserFactory(username=f"charlie-{page.viewport_name}", role=Role.PROVIDER, provider=charlie_bid.provider)

    sign_in(page, live_server.url, commissioner.username, PASSWORD, next_url=f"/reports/{tender.reference}/award/")
    expect(page.get_by_role("heading", name=f"Award: {tender.title}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Award the tender").click()  # a link styled as a GOV.UK button
    expect(page.get_by_role("heading", name="Award the tender")).to_be_visible()
    expect(page.get_by_text("The award decision cannot be undone.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Award the tender").click()
    expect(page.get_by_text("Confirm that you want to award the tender.").first).to_be_visible()
    page.get_by_label("I confirm the award decision").check()
    page.get_by_role("button", name="Award the tender").click()
    expect(page.get_by_text("The tender is awarded. Next: issue the assessment summaries.")).to_be_visible()

    page.get_by_role("button", name="Issue the assessment summaries").click()
    expect(page.get_by_text("The assessment summaries have been issued")).to_be_visible()
    assert_accessible(page)

    now = timezone.localtime()  # settings.TIME_ZONE is UK time
    page.get_by_label("Day").fill(str(now.day))
    page.get_by_label("Month").fill(str(now.month))
    page.get_by_label("Year").fill(str(now.year))
    page.get_by_label("Hour").fill(now.strftime("%H"))
    page.get_by_label("Minute").fill(now.strftime("%M"))
    page.get_by_label("Find a Tender notice identifier").fill("012345-2026")
    page.get_by_role("button", name="Record the contract award notice").click()
    expect(page.get_by_text("The notice's publication is recorded.")).to_be_visible()
    expect(page.get_by_text("Ends at midnight at the end of")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, charlie.username, PASSWORD, next_url=f"/portal/bids/{charlie_bid.reference}/")
    expect(page.get_by_text("Your tender was unsuccessful.")).to_be_visible()
    expect(page.get_by_text("Unsuccessful", exact=True).first).to_be_visible()
    summary = page.get_by_role("link", name="Assessment summary (PDF)")
    expect(summary).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        summary.click()
    assert download.value.suggested_filename.endswith(".pdf")
