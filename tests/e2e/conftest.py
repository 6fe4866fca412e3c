"""Shared fixtures of the browser tests (Playwright with Debian's chromium, axe-core).

- Every test in tests/e2e gets the ``e2e`` marker (``pytest -m "not e2e"`` skips them).
- ``browser``: one chromium per test session (/usr/bin/chromium). Without chromium the tests are
  skipped, except with CI=true, where a missing browser fails the run.
- ``page``: a fresh browser context per test (CSP bypassed so axe can be injected; Dutch
  browser locale, like most of our users; ``base_url`` = the live server), so
  ``page.goto("/accounts/login/")`` works.
- ``axe_check(page)``: runs axe-core (WCAG 2.1 A + AA) on the current page and fails with the
  rule ids, the offending elements and their selectors.
- ``log_in(user)``: puts a logged-in session cookie for ``user`` in the page's context (skips
  the login form; people whose role needs two-factor authentication: see tests/mfa.py).

Playwright's sync API runs an event loop in this thread; Django refuses database access from a
thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set, hence the line below.
Other apps may add fixtures at the end of this file.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = E2E_DIR / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        _unavailable("playwright is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - report any launch problem the same way
        playwright.stop()
        _unavailable(f"chromium does not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(bypass_csp=True, locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    target: {target}")
            lines.append(f"    html:   {node.get('html', '')[:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"    why:    {summary[:500]}")
    return "\n".join(lines)


def assert_axe_clean(page) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the page; fail with a readable list of problems."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    violations = result["violations"]
    if violations:
        raise AssertionError(
            f"{len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n{_describe(violations)}"
        )


@pytest.fixture
def axe_check():
    """``axe_check(page)``: zero WCAG 2.1 AA violations on the page as it is now."""
    return assert_axe_clean


@pytest.fixture
def log_in(page, live_server):
    """``log_in(user)``: the page's browser is logged in as ``user`` (no login form)."""
    from django.conf import settings
    from django.test import Client

    def _log_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _log_in
