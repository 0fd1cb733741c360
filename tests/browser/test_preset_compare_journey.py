"""Comparing cost-of-care presets in Chromium (desktop and 375 px, axe): too few chosen is refused in the one
error summary, whose link takes the user to the checkboxes; two chosen are shown side by side."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.factories import PASSWORD


def check(page) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert_fits_width(page)


def test_a_commissioner_compares_two_presets(live_server, page, commissioner):
    sign_in(page, live_server.url, commissioner.username, PASSWORD, next_url="/pricing/presets/compare/")
    expect(page.get_by_role("heading", name="Compare presets")).to_be_visible()
    check(page)

    page.get_by_label(re.compile(r"2016/17")).check()
    page.get_by_role("button", name="Compare").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Choose at least two presets to compare.")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    check(page)
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("#compare-presets$"))

    page.get_by_label(re.compile(r"2019/20")).check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("caption", has_text="Side by side")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    check(page)
