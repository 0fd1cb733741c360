"""Amending a tender's deadline, in a real browser: the one GOV.UK date input (common.date_input) with
its errors, then the check page and publishing. Runs at desktop and phone width, axe on every page
(tests/browser/conftest.py).
"""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tenders.models import Amendment
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.factories import PASSWORD
from tests.tenders.bidding_support import open_tender


def test_a_commissioner_moves_the_deadline_through_the_date_input(live_server, page, commissioner):
    tender = open_tender()
    sign_in(page, live_server.url, commissioner.username, PASSWORD, next_url=f"/bidding/tenders/{tender.reference}/amend/")
    expect(page.get_by_role("heading", name="Amend this tender")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)

    deadline = page.get_by_role("group", name="New submission deadline")
    new = timezone.localtime(tender.submission_deadline + timedelta(days=7))  # settings.TIME_ZONE is UK time
    page.get_by_label("What changes and why").fill("Deadline extended by a week.")
    deadline.get_by_label("Day").fill(str(new.day))
    deadline.get_by_label("Year").fill(str(new.year))
    deadline.get_by_label("Hour").fill("12")
    page.get_by_role("button", name="Continue").click()

    # The month and minute are missing: the summary says so and links to the first part in error.
    expect(page.get_by_text("There is a problem")).to_be_visible()
    summary_link = page.get_by_role("link", name="New submission deadline must include a month and minute")
    expect(summary_link).to_have_attribute("href", "#id_submission_deadline_month")
    expect(deadline.get_by_label("Day")).to_have_value(str(new.day))  # what was typed is kept
    assert_accessible(page)
    assert_fits_width(page)
    summary_link.click()
    expect(deadline.get_by_label("Month")).to_be_focused()

    deadline.get_by_label("Month").fill(str(new.month))
    deadline.get_by_label("Minute").fill("00")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the amendment before you publish it")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the amendment").click()
    expect(page.get_by_text("Amendment 1 has been published.")).to_be_visible()
    tender.refresh_from_db()
    assert Amendment.objects.filter(tender=tender).count() == 1
    assert timezone.localtime(tender.submission_deadline) == new.replace(hour=12, minute=0, second=0, microsecond=0)
