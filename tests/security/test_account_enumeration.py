"""No page tells whether an address has an account: signup, login, password reset and the
"address first" step of the login page answer a known and an unknown address alike (status,
page text apart from the address itself, redirect target), and e-mail goes only to the address
typed, which only its owner reads. Whether a domain has single sign-on is public and may show.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.sso.harness import oidc_provider  # noqa: F401
from tests.sso.helpers import organisation_with_provider

KNOWN = "known@example.org"
UNKNOWN = "unknown@example.org"
LOGIN = reverse("account_login")


@pytest.fixture
def known(db):
    return UserFactory(email=KNOWN)


def page(response, email: str) -> str:
    """The page text with the address typed and the per-request tokens left out."""
    html = response.content.decode()
    html = html.replace(email, "<address>")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "csrf", html)


def answer(response, email: str) -> tuple:
    return response.status_code, response.get("Location"), page(response, email)


def post_both(url: str, data: dict, field: str = "email", *, follow: bool = False):
    """The answers to the same form with the known and the unknown address, from fresh
    browsers."""
    answers = []
    for email in (KNOWN, UNKNOWN):
        response = Client().post(url, {**data, field: email}, follow=follow)
        answers.append(answer(response, email))
    return answers


@pytest.mark.django_db
def test_signup_answers_alike_and_mails_only_the_owner(known):
    data = {
        "name": "Iemand",
        "preferred_language": "nl",
        "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42",
    }
    taken, new = post_both(reverse("account_signup"), data, follow=True)
    assert taken == new
    assert taken[0] == 200
    assert User.objects.filter(email__iexact=KNOWN).count() == 1  # no second account
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == [KNOWN, UNKNOWN]
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )
    # The owner of the taken address is told someone tried; only the new address gets a link
    # that would confirm an account.
    assert "/accounts/confirm-email/" not in by_recipient[KNOWN].body
    assert "/accounts/confirm-email/" in by_recipient[UNKNOWN].body


@pytest.mark.django_db
def test_a_wrong_password_answers_alike_for_known_and_unknown_addresses(known):
    known_answer, unknown_answer = post_both(LOGIN, {"password": "wrong-password"}, "login")
    assert known_answer == unknown_answer
    assert known_answer[0] == 200
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_answers_alike_and_mails_only_the_owner(known):
    known_answer, unknown_answer = post_both(reverse("account_reset_password"), {}, follow=True)
    assert known_answer == unknown_answer
    assert known_answer[0] == 200
    assert [message.to for message in mail.outbox] == [[KNOWN], [UNKNOWN]]
    reset_link = re.compile(r"/accounts/password/reset/key/\S+")
    assert reset_link.search(mail.outbox[0].body)
    assert not reset_link.search(mail.outbox[1].body)


@pytest.mark.django_db
def test_the_address_step_answers_alike_without_single_sign_on(known):
    """Step 1 of the login page continues to the password step for any address of a domain
    without single sign-on, account or not."""
    known_answer, unknown_answer = post_both(LOGIN, {}, "login")
    assert known_answer == unknown_answer
    status, location, html = known_answer
    assert (status, location) == (200, None)
    assert 'name="password"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("sso_only", [False, True])
def test_the_address_step_tells_only_that_a_domain_has_single_sign_on(
    oidc_provider,  # noqa: F811
    sso_only,
):
    organisation_with_provider(oidc_provider, "org-a", "org-a.example", sso_only=sso_only)
    UserFactory(email="known@org-a.example")
    attempts = {
        "address step": {},
        "password step": {"password": PASSWORD},
    }
    for name, data in attempts.items():
        if name == "password step" and not sso_only:
            continue  # a password login of such a domain is allowed: the password decides
        redirects = []
        for email in ("known@org-a.example", "unknown@org-a.example"):
            response = Client().post(LOGIN, {"login": email, **data})
            assert response.status_code == 302, name
            target = urlsplit(response["Location"])
            query = parse_qs(target.query)
            assert query.pop("login_hint") == [email]
            query.pop("state", None), query.pop("nonce", None)  # random per request
            query.pop("code_challenge", None)
            redirects.append((target.scheme, target.netloc, target.path, query))
        assert redirects[0] == redirects[1], name
        assert redirects[0][1] == urlsplit(oidc_provider.issuer).netloc


@pytest.mark.django_db
def test_password_reset_of_a_single_sign_on_only_domain_answers_alike(
    oidc_provider,  # noqa: F811
):
    organisation_with_provider(oidc_provider, "org-a", "org-a.example", sso_only=True)
    UserFactory(email="known@org-a.example")
    answers = []
    for email in ("known@org-a.example", "unknown@org-a.example"):
        response = Client().post(reverse("account_reset_password"), {"email": email})
        answers.append(answer(response, email))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200  # the form again, with the "your organisation manages" message
    assert mail.outbox == []
