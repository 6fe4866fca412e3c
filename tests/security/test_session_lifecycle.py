"""A session lives from a login to the logout: a new session key at login (no fixation), the old
cookie worthless after logging out, and every other session of the person ended when the
password or the second factor changes, while the session that made the change goes on."""

import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from tests.accounts.helpers import reauthenticate
from tests.factories import PASSWORD
from tests.mfa import give_totp, totp_code

LOGIN = reverse("account_login")
PROFILE = reverse("accounts:profile")
NEW_PASSWORD = "an entirely new passphrase 77"


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_logged_in(client) -> bool:
    """Whether the client's cookie opens a page only logged-in people see."""
    return client.get(PROFILE).status_code == 200


def password_login(user, **headers) -> Client:
    browser = Client(**headers)
    response = browser.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert is_logged_in(browser)
    return browser


@pytest.fixture
def devices(learner):
    """Lotte, logged in with her password on a laptop and on a phone."""
    return (
        password_login(learner, HTTP_USER_AGENT="Laptop browser"),
        password_login(learner, HTTP_USER_AGENT="Phone app"),
    )


def test_session_settings_are_the_safe_ones():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.SESSION_COOKIE_AGE <= 14 * 24 * 3600


@pytest.mark.django_db
def test_logging_in_gives_a_new_session_key(client, learner):
    session = client.session  # an anonymous session planted before the login
    session["planted"] = "by someone else"
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert session_key(client) == planted

    response = client.post(LOGIN, {"login": learner.email, "password": PASSWORD})

    assert response.status_code == 302
    assert session_key(client) != planted
    assert not SessionStore().exists(planted)
    assert is_logged_in(client)
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert not is_logged_in(attacker)


@pytest.mark.django_db
def test_logging_in_with_two_factors_gives_a_new_key_after_the_code(client, learner):
    give_totp(learner)
    assert client.post(LOGIN, {"login": learner.email, "password": PASSWORD}).status_code == 302
    halfway = session_key(client)  # password given, code not yet: not logged in
    assert not is_logged_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(learner)}).status_code == 302
    assert session_key(client) != halfway
    assert not SessionStore().exists(halfway)
    assert is_logged_in(client)


@pytest.mark.django_db
def test_the_old_cookie_is_worthless_after_logging_out(learner):
    browser = password_login(learner)
    old = session_key(browser)
    assert browser.post(reverse("account_logout")).status_code == 302
    assert not is_logged_in(browser)
    assert not SessionStore().exists(old)
    assert old not in {
        session.session_key for session in UserSession.objects.purge_and_list(learner)
    }
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert not is_logged_in(replay)


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(devices, learner):
    laptop, phone = devices
    assert settings.ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is False  # this session goes on
    phone_key = session_key(phone)
    reauthenticate(laptop)
    response = laptop.post(
        reverse("account_change_password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)

    assert is_logged_in(laptop)
    # Django's session hash (derived from the password hash) no longer matches the phone's
    assert not is_logged_in(phone)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = phone_key
    assert not is_logged_in(replay)


@pytest.mark.django_db
def test_a_password_reset_ends_every_session(devices, learner, client):
    laptop, phone = devices
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = next(
        word for word in mail.outbox[-1].body.split() if "/accounts/password/reset/key/" in word
    )
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)


def activate_totp(browser) -> None:
    """Set up an authenticator app on the page, as the person would."""
    reauthenticate(browser)
    assert browser.get(reverse("mfa_activate_totp")).status_code == 200
    secret = browser.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    response = browser.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:800]


@pytest.mark.django_db(transaction=True)  # allauth reports the change on commit
def test_setting_up_an_authenticator_app_ends_the_other_sessions(devices, learner):
    laptop, phone = devices
    activate_totp(laptop)
    assert Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert list(UserSession.objects.filter(user=learner).values_list("session_key", flat=True)) == [
        session_key(laptop)
    ]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SESSIONS_ENDED, subject_user=learner
    ).exists()


@pytest.fixture
def devices_with_totp(learner):
    """Lotte with an authenticator app, logged in with her password and a second factor on a
    laptop (the app's code) and on a phone (a recovery code: a code is accepted only once)."""
    give_totp(learner)
    recovery_codes = Authenticator.objects.get(
        user=learner, type=Authenticator.Type.RECOVERY_CODES
    ).wrap()
    browsers = []
    for agent, code in (
        ("Laptop browser", lambda: totp_code(learner)),  # the code of this moment
        ("Phone app", lambda: recovery_codes.get_unused_codes()[0]),
    ):
        browser = Client(HTTP_USER_AGENT=agent)
        browser.post(LOGIN, {"login": learner.email, "password": PASSWORD})
        response = browser.post(reverse("mfa_authenticate"), {"code": code()})
        assert response.status_code == 302, response.content.decode()[:500]
        assert is_logged_in(browser)
        browsers.append(browser)
    return browsers


@pytest.mark.django_db
def test_removing_the_authenticator_app_ends_the_other_sessions(devices_with_totp, learner):
    laptop, phone = devices_with_totp
    reauthenticate(laptop)
    response = laptop.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302, response.content.decode()[:500]
    assert not Authenticator.objects.filter(user=learner).exists()
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


@pytest.mark.django_db(transaction=True)  # allauth reports the change on commit
def test_new_recovery_codes_end_the_other_sessions(devices_with_totp, learner):
    laptop, phone = devices_with_totp
    old_codes = Authenticator.objects.get(user=learner, type=Authenticator.Type.RECOVERY_CODES)
    reauthenticate(laptop)
    response = laptop.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302, response.content.decode()[:500]
    assert not Authenticator.objects.filter(pk=old_codes.pk).exists()
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


@pytest.mark.django_db(transaction=True)  # allauth reports the change on commit
def test_another_persons_sessions_are_left_alone(devices, learner, outsider):
    laptop, _ = devices
    other = password_login(outsider)
    activate_totp(laptop)
    assert is_logged_in(other)
