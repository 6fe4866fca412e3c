"""Signing up: name and language on the form, the confirmation e-mail in that language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

PASSPHRASE = "a-long-and-unusual-passphrase"


def _signup(client, **fields):
    data = {
        "name": "Nina Nieuw",
        "email": "nina@example.org",
        "password1": PASSPHRASE,
        "password2": PASSPHRASE,
        "preferred_language": "nl",
        **fields,
    }
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_it_stores_the_name_and_language(client):
    response = _signup(client, name="  Nina   Nieuw ", preferred_language="en")
    assert response.status_code == 302
    user = User.objects.get(email="nina@example.org")
    assert user.name == "Nina Nieuw"
    assert user.preferred_language == "en"


@pytest.mark.django_db
def test_it_offers_the_current_language_first(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    form = client.get(reverse("account_signup")).context["form"]
    assert form.fields["preferred_language"].initial == "en"


@pytest.mark.django_db
def test_it_requires_a_name(client):
    response = _signup(client, name="   ")
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert not User.objects.filter(email="nina@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"),
    [("nl", "Bevestig je e-mailadres"), ("en", "Please Confirm Your Email Address")],
)
def test_it_writes_the_confirmation_in_the_chosen_language(client, language, subject):
    _signup(client, preferred_language=language)
    [message] = mail.outbox
    assert subject in message.subject
    assert re.search(r"/accounts/confirm-email/[\w:-]+/", message.body)


@pytest.mark.django_db
def test_it_writes_to_an_existing_account_in_its_own_language(client, learner):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    response = _signup(client, email=learner.email, preferred_language="nl")
    assert response.status_code == 302  # no hint that the address is taken
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert "Account Already Exists" in message.subject


@pytest.mark.django_db
def test_it_logs_in_after_the_confirmation_and_opens_the_start_page(client):
    _signup(client)
    link = re.search(r"http://testserver(/accounts/confirm-email/[\w:-]+/)", mail.outbox[0].body)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
