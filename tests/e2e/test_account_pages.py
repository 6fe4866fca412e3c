"""The account pages under the real Content Security Policy, and axe-clean.

allauth's own pages load static scripts with JSON data blocks; this proves that none of them
(nor ours) trips the CSP, and that the manage pages pass WCAG 2.1 AA.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.mfa import give_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

# htmx adds its ".htmx-indicator" rules as an inline <style> unless base.html sets
# <meta name="htmx-config" content='{"includeIndicatorStyles": false}'> (academy.css already has
# those rules). That one known complaint, recognisable by the hash of the style, is not ours.
HTMX_INDICATOR_STYLE = "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk="

PAGES = [
    "/accounts/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/sessions/",
    "/accounts/profile/data/",
    "/accounts/profile/delete/",
]


@pytest.fixture
def strict_page(browser, live_server):
    """A page with the CSP enforced, collecting every CSP complaint of the browser."""
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            page.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            and HTMX_INDICATOR_STYLE not in message.text
            else None
        ),
    )
    yield page
    context.close()


def test_the_account_pages_keep_to_the_csp_and_pass_axe(
    strict_page, live_server, axe_check, analyst
):
    page = strict_page
    page.goto("/accounts/login/")
    page.get_by_label(
        re.compile(r"^(E-mail|E-mailadres|Email|Email address|E-mail address)$")
    ).fill(analyst.email)
    page.get_by_role("button", name=re.compile(r"^(Doorgaan|Ga verder|Verder|Continue)$")).click()
    page.get_by_label(re.compile(r"^(Wachtwoord|Password)$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Inloggen|Aanmelden|Log in)$")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto("/accounts/reauthenticate/?next=/accounts/profile/")
    page.get_by_label(re.compile(r"^(Wachtwoord|Password)$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Bevestigen|Confirm)$")).click()
    page.wait_for_url("**/accounts/profile/")

    for path in PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert page.csp_errors == [], f"{path}: {page.csp_errors}"
    # axe needs its script injected, which the enforced CSP rightly refuses: check the same
    # pages once more in a context that bypasses the CSP.
    context = page.context.browser.new_context(
        bypass_csp=True, locale="nl-NL", base_url=live_server.url
    )
    context.add_cookies(page.context.cookies())
    checker = context.new_page()
    for path in PAGES:
        checker.goto(path)
        axe_check(checker)
    context.close()


def test_the_recovery_codes_page_keeps_to_the_csp(strict_page, analyst):
    give_totp(analyst)
    page = strict_page
    page.goto("/accounts/login/")
    page.get_by_label(
        re.compile(r"^(E-mail|E-mailadres|Email|Email address|E-mail address)$")
    ).fill(analyst.email)
    page.get_by_role("button", name=re.compile(r"^(Doorgaan|Ga verder|Verder|Continue)$")).click()
    page.get_by_label(re.compile(r"^(Wachtwoord|Password)$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Inloggen|Aanmelden|Log in)$")).click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label(re.compile(r"code", re.IGNORECASE)).fill(totp_code(analyst))
    page.get_by_role("button", name=re.compile(r"^(Inloggen|Aanmelden|Log in)$")).click()
    page.goto("/accounts/2fa/recovery-codes/")
    page.get_by_label(re.compile(r"^(Wachtwoord|Password)$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Bevestigen|Confirm)$")).click()
    expect(page.get_by_label(re.compile(r"^(Ongebruikte codes|Unused codes)$"))).to_be_visible()
    assert page.csp_errors == []
