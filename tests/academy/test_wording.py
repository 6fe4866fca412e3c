"""One word per action, in the header and on every page: "Log in", "Log out" and "Sign up" (never
"Sign in", "Sign out", "Register" or "Create an account"), on our pages and allauth's."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.mfa import give_totp

OTHER_WORDS = re.compile(
    r"sign[ -]?in\b|sign[ -]?out|signed (in|out)|\bsignup\b|\bregister\b|create an account",
    re.IGNORECASE,
)


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    html = re.sub(r"<[^>]+>", " ", html)  # tags and their attributes (urls, class names)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_pages_before_logging_in_say_log_in_and_sign_up(english):
    course = factories.CourseFactory()
    for path in (
        "/",
        reverse("account_login"),
        reverse("account_signup"),
        reverse("courses:course", args=[course.slug]),
    ):
        text = visible_text(english.get(path))
        assert OTHER_WORDS.findall(text) == [], path
        assert "Log in" in text and "Sign up" in text, path


@pytest.mark.django_db
def test_logging_in_and_out_say_log_in_and_log_out(english, password):
    user = factories.UserFactory(email="lea@example.org", preferred_language="en")

    response = english.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert "You are logged in as" in visible_text(response)

    text = visible_text(english.get(reverse("account_logout")))
    assert OTHER_WORDS.findall(text) == [] and "Log out" in text

    response = english.post(reverse("account_logout"), follow=True)
    text = visible_text(response)
    assert OTHER_WORDS.findall(text) == [] and "You have logged out." in text


@pytest.mark.django_db
def test_the_two_factor_step_says_log_in(english, password):
    user = factories.UserFactory(email="sam@example.org", preferred_language="en")
    give_totp(user)

    response = english.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    text = visible_text(response)
    assert OTHER_WORDS.findall(text) == []
    assert re.search(r"<title>\s*Log in · Academy</title>", response.content.decode())
