"""Shared browser fixtures: Debian's Chromium through Playwright, at desktop and phone width, and axe-core.

A journey is done when it walks in Chromium at both widths and axe finds nothing serious. Use:

    def test_it_walks(live_server, page, ...):          # runs twice: desktop and phone
        page.goto(live_server.url + "/...")
        assert_accessible(page)                          # fails on serious or critical axe violations

Skipped with a reason when /usr/bin/chromium or the playwright package is missing. Never runs
`playwright install`: it drives the system browser.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed alongside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
SERIOUS = frozenset({"serious", "critical"})
# How long a page load, click or expect() may take before it fails. An upper bound, never a wait:
# a passing step returns as soon as it can. Generous because the suite runs in parallel on 2 shared
# cores (make test, .ci/run), where a live-server page under load took more than 15 s.
TIMEOUT_MS = 60_000

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]
else:
    expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            if sync_playwright is None:
                item.add_marker(pytest.mark.skip(reason="the playwright package is not installed"))
            elif not shutil.which(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)"))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _new_page(chromium: Any, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    return context, page, errors


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request: Any, chromium: Any) -> Iterator[Any]:
    """A fresh page, once at desktop width and once at phone width (375 px)."""
    context, new_page, _ = _new_page(chromium, VIEWPORTS[request.param])
    new_page.viewport_name = request.param  # type: ignore[attr-defined]
    yield new_page
    context.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """A factory for extra pages (another user in the same test), each in its own context (own cookies)."""
    contexts: list[Any] = []

    def make(viewport: str = "desktop") -> Any:
        context, made, _ = _new_page(chromium, VIEWPORTS[viewport])
        contexts.append(context)
        return made

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, base_url: str, username: str, password: str, next_url: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def follow(page: Any, link: Any) -> None:
    """Click a link and wait until its page has loaded.

    A click returns once it is done, not once the next page is there: axe run straight after it could
    start on the old document and fail when the new one replaces it (seen once in a full run).
    """
    before = page.url
    link.click()
    page.wait_for_url(lambda url: url != before)


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it stands; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    detail = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe found serious violations on {page.url}:\n{detail}"


def assert_fits_width(page: Any) -> None:
    """Nothing makes the page scroll sideways (tables scroll inside their own container)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
