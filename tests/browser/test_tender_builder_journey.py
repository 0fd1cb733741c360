"""A commissioner builds a two-lot crisis tender from nothing in a real browser, trips on a rule, fixes it and
publishes it (confirming the password first); a provider then finds it in the portal. Runs at desktop and phone width, axe on every builder page.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tenders.models import Tender
from tests.browser.conftest import assert_accessible, assert_fits_width, follow, sign_in
from tests.factories import PASSWORD, ZoneFactory


def _check(page) -> None:
    assert_accessible(page)
    assert_fits_width(page)


def _fill_date(page, legend: str, value) -> None:
    """Type a date (and, for a deadline, its UK time) into the GOV.UK date input named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
    if isinstance(value, datetime):
        group.get_by_label("Hour").fill(f"{value.hour:02d}")
        group.get_by_label("Minute").fill(f"{value.minute:02d}")


def test_a_commissioner_builds_and_publishes_a_crisis_tender_and_a_provider_finds_it(
    live_server, page, new_page, commissioner, bidder, settings
):
    ZoneFactory(code="crisis-north", name="North")
    ZoneFactory(code="crisis-east", name="East")
    title = f"Crisis support at home ({page.viewport_name})"

    sign_in(page, live_server.url, commissioner.username, PASSWORD)
    page.get_by_role("link", name="Create a tender").click()
    expect(page.get_by_role("heading", name="Create a tender")).to_be_visible()
    _check(page)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Crisis care (up to 72 hours)").check()
    page.get_by_label("Description").fill("Immediate care at home for up to 72 hours.")
    page.get_by_role("button", name="Create the tender").click()
    expect(page.get_by_text("created as a draft")).to_be_visible()
    _check(page)  # the task list

    # Lots: the first try guarantees more hours than the lot buys.
    follow(page, page.get_by_role("link", name="Lots"))
    _check(page)
    page.get_by_role("link", name="Add a lot").click()
    page.get_by_label("Zone").select_option(label="North")
    page.get_by_label("Hours a week", exact=True).fill("360")
    page.get_by_label("Guaranteed minimum hours a week (optional)").fill("458")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("cannot be more than the lot's 360 hours a week")
    _check(page)  # the page with its error summary
    page.get_by_label("Guaranteed minimum hours a week (optional)").fill("300")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Lot 1 saved.")).to_be_visible()
    page.get_by_role("link", name="Add a lot").click()
    page.get_by_label("Zone").select_option(label="East")
    page.get_by_label("Hours a week", exact=True).fill("575")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Lot 2 saved.")).to_be_visible()
    page.get_by_role("link", name="Back to the task list").last.click()

    # Quality questions whose weights add up to 100.
    page.get_by_role("link", name="Quality questions").click()
    for text, weight in (("How will you start care within hours of a referral?", "60"),
                         ("How will you staff a crisis service without zero-hours contracts?", "40")):
        page.get_by_role("link", name="Add a question").click()
        page.get_by_label("Question", exact=True).fill(text)
        page.get_by_label("Weight", exact=True).fill(weight)
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The weights add up to 100")).to_be_visible()
    _check(page)
    page.get_by_role("link", name="Back to the task list").last.click()

    # Dates: GOV.UK date inputs (Day, Month, Year; and Hour, Minute in UK time for the deadlines).
    deadline = timezone.localtime(timezone.now() + timedelta(days=30)).replace(hour=12, minute=0)
    follow(page, page.get_by_role("link", name="Dates"))
    _check(page)
    _fill_date(page, "Clarification deadline", deadline - timedelta(days=10))
    _fill_date(page, "Submission deadline", deadline)
    page.get_by_role("group", name="Submission deadline").get_by_label("Month").fill("")  # forgotten
    _fill_date(page, "Contract start date", (deadline + timedelta(days=60)).date())
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Submission deadline must include a month")
    expect(page.locator(".govuk-input--error")).to_have_count(1)
    _check(page)  # the dates page with its error
    summary.get_by_role("link", name="Submission deadline must include a month").click()
    expect(page.get_by_role("group", name="Submission deadline").get_by_label("Month")).to_be_focused()
    page.get_by_role("group", name="Submission deadline").get_by_label("Month").fill(str(deadline.month))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Dates saved.")).to_be_visible()

    for section in ("Evaluation rules", "Cost-of-care model", "Specification documents"):
        follow(page, page.get_by_role("link", name=section, exact=True))
        _check(page)
        page.go_back()

    # Check and publish: the preview, then the confirmation page.
    page.get_by_role("link", name="Check and publish").click()
    expect(page.get_by_role("heading", name="Preview: the tender as providers will see it")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    _check(page)
    page.get_by_role("link", name="Continue to publish").click()
    expect(page.get_by_text("What happens next")).to_be_visible()
    _check(page)
    # Publishing cannot be undone: a sign-in older than REAUTH_MAX_AGE (0 here: any) is asked for the password,
    # then comes back to this page and presses the button again.
    settings.REAUTH_MAX_AGE = 0
    page.get_by_role("button", name="Publish this tender").click()
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    _check(page)
    assert Tender.objects.get(title=title).status == "draft"
    settings.REAUTH_MAX_AGE = 300  # the confirmation counts for five minutes
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Publish this tender")).to_be_visible()
    page.get_by_role("button", name="Publish this tender").click()
    expect(page.get_by_text("is published")).to_be_visible()
    tender = Tender.objects.get(title=title)
    assert tender.status == "published" and tender.lots.count() == 2

    provider = new_page(page.viewport_name)
    sign_in(provider, live_server.url, bidder.username, PASSWORD, next_url="/portal/")
    expect(provider.get_by_role("link", name=title, exact=True)).to_be_visible()
