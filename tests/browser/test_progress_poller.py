"""The one progress poller (static/js/progress.js): a long task's page shows its progress as the worker
reports it, then reloads into the result, with no inline script (the CSP forbids it)."""
from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from cqc.models import CQCImport, ImportPhase, ImportStatus
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.factories import PASSWORD


def test_the_cqc_import_page_follows_the_progress_and_reloads_when_done(live_server, page, commissioner):
    cqc_import = CQCImport.objects.create(filename="ratings.ods", sha256="0" * 64, created_at=timezone.now(),
                                          uploaded_by=commissioner)
    sign_in(page, live_server.url, commissioner.username, PASSWORD, next_url=f"/cqc/imports/{cqc_import.pk}/")
    expect(page.get_by_text("Reading the file").first).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)

    # The worker (here: the test) reports progress; the page shows it without being reloaded.
    CQCImport.objects.filter(pk=cqc_import.pk).update(status=ImportStatus.RUNNING, phase=ImportPhase.WRITING,
                                                      progress_done=1200, progress_total=48000)
    expect(page.locator("[data-progress-text]")).to_have_text("1,200 of 48,000 locations")
    expect(page.locator("[data-progress-status]")).to_have_text("Comparing and writing the locations")
    assert page.locator("progress").evaluate("p => [p.value, p.max]") == [1200, 48000]

    CQCImport.objects.filter(pk=cqc_import.pk).update(status=ImportStatus.DONE, phase=ImportPhase.FINISHED,
                                                      progress_done=48000, finished_at=timezone.now())
    expect(page.locator("[data-progress-url]")).to_have_count(0)  # reloaded into the result
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
