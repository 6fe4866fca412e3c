"""allauth's events end up in the audit log."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from tests.accounts.helpers import reauthenticate
from tests.factories import PASSWORD
from tests.mfa import give_totp, totp_code

Action = AuditEvent.Action


def _actions(user=None) -> list[str]:
    events = AuditEvent.objects.order_by("pk")
    if user is not None:
        events = events.filter(subject_user=user)
    return list(events.values_list("action", flat=True))


@pytest.mark.django_db
def test_it_records_a_login_and_a_logout(client, learner):
    client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    client.post(reverse("account_logout"))
    assert _actions(learner) == [Action.LOGIN, Action.LOGOUT]
    login = AuditEvent.objects.get(action=Action.LOGIN)
    assert login.actor == learner
    assert login.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_it_records_a_failed_login_without_the_password(client, learner):
    client.post(reverse("account_login"), {"login": learner.email, "password": "guess-1234"})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.subject_user == learner
    assert event.actor is None
    assert event.data == {"email": learner.email, "method": "password"}
    assert "guess-1234" not in str(event.data)


@pytest.mark.django_db
def test_it_records_a_failed_login_for_an_unknown_address(client):
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x" * 10})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.subject_user is None
    assert event.data["email"] == "nobody@example.org"


@pytest.mark.django_db
def test_it_records_a_wrong_authenticator_code(client, analyst):
    give_totp(analyst)
    client.post(reverse("account_login"), {"login": analyst.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.subject_user == analyst
    assert event.data["method"] == "mfa"
    client.post(reverse("mfa_authenticate"), {"code": totp_code(analyst)})
    assert AuditEvent.objects.filter(action=Action.LOGIN, subject_user=analyst).exists()


@pytest.mark.django_db
def test_it_records_the_signup(client):
    client.post(
        reverse("account_signup"),
        {
            "name": "Sam Signup",
            "email": "sam@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "preferred_language": "en",
        },
    )
    assert AuditEvent.objects.filter(action=Action.SIGNED_UP).count() == 1


@pytest.mark.django_db
def test_it_records_a_password_change(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-unusual-passphrase",
            "password2": "a-new-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert Action.PASSWORD_CHANGED in _actions(learner)


@pytest.mark.django_db
def test_it_records_a_password_reset(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    response = client.get(link.group(1), follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-new-unusual-passphrase", "password2": "a-new-unusual-passphrase"},
    )
    assert Action.PASSWORD_RESET in _actions(learner)


@pytest.mark.django_db(transaction=True)
def test_it_records_two_factor_changes(client, analyst):
    """allauth reports these after the commit, so this test runs with real transactions."""
    client.force_login(analyst)
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    secret = response.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    client.post(reverse("mfa_generate_recovery_codes"))
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=analyst).exists()
    actions = _actions(analyst)
    assert actions.count(Action.MFA_ACTIVATED) == 1
    assert actions.count(Action.MFA_RECOVERY_CODES) == 2  # created with the app, then again
    assert actions.count(Action.MFA_DEACTIVATED) == 2  # the app and its recovery codes


@pytest.mark.django_db
def test_it_records_e_mail_changes(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "lotte@example.net"})
    EmailAddress.objects.filter(email="lotte@example.net").update(verified=True)
    client.post(reverse("account_email"), {"action_primary": "", "email": "lotte@example.net"})
    changes = AuditEvent.objects.filter(action=Action.EMAIL_CHANGED).order_by("pk")
    assert [event.data["change"] for event in changes] == ["added", "primary"]
    learner.refresh_from_db()
    assert learner.email == "lotte@example.net"


@pytest.mark.django_db
def test_it_asks_for_the_password_before_e_mail_changes(client, learner):
    client.force_login(learner)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "x@example.net"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="x@example.net").exists()
