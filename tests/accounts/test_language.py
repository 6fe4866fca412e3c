"""The preferred language: profile beats cookie and browser; the switch updates the profile."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.django_db
def test_it_shows_pages_in_the_profile_language_whatever_the_browser_says(client, learner):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    client.force_login(learner)
    response = client.get(reverse("account_change_password"), HTTP_ACCEPT_LANGUAGE="nl")
    assert _lang(response) == "en"
    assert "Change Password" in response.content.decode()


@pytest.mark.django_db
def test_it_applies_a_language_chosen_on_the_profile_at_once(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("accounts:profile"),
        {"name": learner.name, "preferred_language": "en", "profession": ""},
        follow=True,
    )
    assert _lang(response) == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("account_change_password"))
    assert "Change Password" in response.content.decode()
    response = client.post(
        reverse("accounts:profile"),
        {"name": learner.name, "preferred_language": "nl", "profession": ""},
        follow=True,
    )
    assert _lang(response) == "nl"
    assert "Wachtwoord wijzigen" in client.get(reverse("account_change_password")).content.decode()


@pytest.mark.django_db
def test_it_stores_the_language_switch_on_the_profile(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/accounts/profile/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    learner.refresh_from_db()
    assert learner.preferred_language == "en"
    assert _lang(client.get(reverse("accounts:profile"))) == "en"


@pytest.mark.django_db
def test_it_uses_the_cookie_for_visitors(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _lang(client.get(reverse("account_login"))) == "en"
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert _lang(client.get(reverse("account_login"))) == "nl"


@pytest.mark.django_db
def test_it_switches_to_the_profile_language_when_logging_in(client, learner):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    client.post(reverse("account_logout"))
    assert _lang(client.get(reverse("account_login"))) == "en"
