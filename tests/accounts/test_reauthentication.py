"""One password confirmation covers every sensitive page for 10 minutes; name and language
never need one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import AuditEvent
from tests.accounts.helpers import reauthenticate
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
NEW_PASSWORD = "a-new-unusual-passphrase"


def _opens(response) -> bool:
    """The page was shown (or the action done) instead of a detour to "Confirm access"."""
    location = response.get("Location", "")
    return not location.startswith(reverse("account_reauthenticate"))


def _sensitive_pages(client) -> dict[str, bool]:
    """Each sensitive page: does it open without asking for the password again?"""
    password_page = client.get(reverse("account_change_password"))
    opens = {
        "password": "oldpassword" not in password_page.context["form"].fields,
        "two-factor": _opens(client.get(reverse("mfa_activate_totp"))),
        "recovery codes": _opens(client.get(reverse("mfa_generate_recovery_codes"))),
        "download my data": _opens(client.get(reverse("accounts:personal_data"))),
        "delete my account": _opens(client.get(reverse("accounts:delete"))),
        "e-mail": _opens(
            client.post(reverse("account_email"), {"action_add": "", "email": "2nd@example.org"})
        ),
    }
    # An unconfirmed extra address would block the two-factor pages in the next round.
    EmailAddress.objects.filter(email="2nd@example.org").delete()
    return opens


def test_one_confirmation_opens_every_sensitive_page_for_ten_minutes(client, learner, settings):
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 600
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(learner)
        assert not any(_sensitive_pages(client).values())

        reauthenticate(client)
        traveller.shift(timedelta(minutes=9, seconds=50))
        assert all(_sensitive_pages(client).values()), _sensitive_pages(client)

        traveller.shift(timedelta(seconds=20))  # 10 minutes and 10 seconds after confirming
        assert not any(_sensitive_pages(client).values())


def test_within_the_window_a_new_password_needs_no_current_password(client, learner):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(learner)
        reauthenticate(client)
        traveller.shift(timedelta(minutes=5))
        response = client.post(
            reverse("account_change_password"),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_CHANGED, subject_user=learner
    ).exists()


def test_after_the_window_the_password_page_wants_the_current_password(client, learner):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(learner)
        reauthenticate(client)
        traveller.shift(timedelta(minutes=11))
        response = client.post(
            reverse("account_change_password"),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_the_current_password_typed_on_the_password_page_counts_as_the_confirmation(
    client, learner
):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(learner)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        traveller.shift(timedelta(minutes=3))
        assert client.get(reverse("accounts:personal_data")).status_code == 200


def test_an_e_mail_address_added_within_the_window_is_added_at_once(client, learner):
    with time_machine.travel(START, tick=False):
        client.force_login(learner)
        reauthenticate(client)
        client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})
    assert EmailAddress.objects.filter(user=learner, email="second@example.org").exists()


def test_name_and_language_never_need_a_confirmation(client, learner):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(learner)
        response = client.post(
            reverse("accounts:profile"),
            {"name": "Lotte Nieuw", "preferred_language": "en", "profession": ""},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:profile")
        reauthenticate(client)
        traveller.shift(timedelta(hours=2))  # long after the confirmation expired
        response = client.post(
            reverse("accounts:profile"),
            {"name": "Lotte Later", "preferred_language": "nl", "profession": ""},
        )
        assert response["Location"] == reverse("accounts:profile")
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.name, learner.preferred_language) == ("Lotte Later", "en")
