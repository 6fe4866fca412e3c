"""A new person signs up, confirms their e-mail address, logs in and switches to English.

Labels and buttons are matched by their Dutch text as the catalogues give it (``nl``: ours or
allauth's, the English msgid while untranslated) or in English, so the journey holds before and
after the translation round.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.helpers import nl

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "noor.de.vries@example.org"
PASSPHRASE = "zomer-fiets-kade-lantaarn"


def _exactly(*texts: str) -> re.Pattern:
    texts = {text for text in texts} | {nl(text) for text in texts}
    options = "|".join(re.escape(text) for text in sorted(texts))
    return re.compile(rf"^\s*({options})\s*$", re.IGNORECASE)


def _nav(page):
    return page.get_by_role("navigation", name=_exactly("Main navigation", "Hoofdnavigatie"))


def test_a_new_person_signs_up_confirms_logs_in_and_switches_to_english(page, axe_check):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    axe_check(page)

    sign_up = _exactly("Sign up", "Registreren", "Account aanmaken")
    _nav(page).get_by_role("link", name=sign_up).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sign_up)
    axe_check(page)

    page.get_by_label(_exactly("Your name")).fill("Noor de Vries")
    page.get_by_label(_exactly("E-mail", "Email", "E-mailadres")).fill(EMAIL)
    page.get_by_label(_exactly("Wachtwoord", "Password")).fill(PASSPHRASE)
    page.get_by_label(_exactly("Wachtwoord (bevestigen)", "Password (again)")).fill(PASSPHRASE)
    page.get_by_label(_exactly("Language", "Taal")).select_option("nl")
    page.get_by_role("button", name=sign_up).click()
    page.wait_for_url("**/accounts/confirm-email/")

    [message] = [m for m in mail.outbox if EMAIL in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/[\w:-]+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name=_exactly("Bevestigen", "Confirm")).click()
    logout = _nav(page).get_by_role("button", name=_exactly("Log out", "Uitloggen", "Afmelden"))
    expect(logout).to_be_visible()
    user = User.objects.get(email=EMAIL)
    assert user.name == "Noor de Vries"

    logout.click()
    log_in = _exactly("Log in", "Inloggen", "Aanmelden")
    _nav(page).get_by_role("link", name=log_in).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(log_in)
    axe_check(page)
    page.get_by_label(_exactly("E-mail address", "E-mailadres")).fill(EMAIL)
    page.get_by_role("button", name=_exactly("Continue", "Doorgaan", "Ga verder")).click()
    page.get_by_label(_exactly("Wachtwoord", "Password")).fill(PASSPHRASE)
    page.get_by_role("button", name=log_in).click()
    expect(logout).to_be_visible()

    page.goto("/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text(nl("Change Password"))

    my_profile = _exactly("My profile", "Mijn profiel")
    _nav(page).get_by_role("link", name=my_profile).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(my_profile)
    axe_check(page)

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Nederlands", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    user.refresh_from_db()
    assert user.preferred_language == "en"

    page.goto("/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    axe_check(page)
