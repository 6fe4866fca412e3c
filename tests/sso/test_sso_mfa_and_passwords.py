"""Two-factor login with single sign-on, and the "single sign-on only" rule for passwords."""

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import Role
from tests.factories import MemberFactory, UserFactory
from tests.mfa import give_totp
from tests.sso.helpers import organisation_with_provider, sso_login

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sso")]


@pytest.fixture
def analyst_at_the_provider(oidc_provider):
    """An analyst of organisation A (a role that needs two-factor login), known at A's provider."""

    def make(*, trusted: bool, amr: list[str]):
        provider = organisation_with_provider(
            oidc_provider, "org-a", "org-a.example", trusted_for_mfa=trusted
        )
        user = UserFactory(email="ilse@org-a.example")
        MemberFactory(user=user, organisation=provider.organisation, role=Role.ANALYST)
        oidc_provider.add_account("ilse", email="ilse@org-a.example", amr=amr)
        return user

    return make


def _organisation_page(client):
    return client.get(reverse("organisations:overview"))


def test_a_trusted_provider_reporting_mfa_lifts_the_totp_gate(client, analyst_at_the_provider):
    analyst_at_the_provider(trusted=True, amr=["pwd", "mfa"])
    sso_login(client, "ilse@org-a.example", "ilse")
    assert _organisation_page(client).status_code == 200


def test_an_untrusted_provider_reporting_mfa_does_not(client, analyst_at_the_provider):
    analyst_at_the_provider(trusted=False, amr=["pwd", "mfa"])
    sso_login(client, "ilse@org-a.example", "ilse")
    response = _organisation_page(client)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("amr", [["pwd", "otp"], ["hwk"], ["pwd"]])
def test_one_factor_is_not_two_even_from_a_trusted_provider(client, analyst_at_the_provider, amr):
    analyst_at_the_provider(trusted=True, amr=amr)
    sso_login(client, "ilse@org-a.example", "ilse")
    response = _organisation_page(client)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_an_authenticator_is_still_asked_after_an_untrusted_login(client, analyst_at_the_provider):
    user = analyst_at_the_provider(trusted=False, amr=["pwd", "mfa"])
    give_totp(user)
    response, _ = sso_login(client, "ilse@org-a.example", "ilse")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_trusted_two_factor_login_skips_the_authenticator_code(client, analyst_at_the_provider):
    user = analyst_at_the_provider(trusted=True, amr=["pwd", "mfa"])
    give_totp(user)
    response, _ = sso_login(client, "ilse@org-a.example", "ilse")
    assert response["Location"] != reverse("mfa_authenticate")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.fixture
def sso_only(oidc_provider):
    provider = organisation_with_provider(oidc_provider, "org-a", "org-a.example", sso_only=True)
    user = UserFactory(email="piet@org-a.example")
    MemberFactory(user=user, organisation=provider.organisation)
    return user


def test_sso_only_addresses_get_no_password_login(client, sso_only, password):
    response = client.post(
        "/accounts/login/", {"login": "piet@org-a.example", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("http://127.0.0.1")  # to the provider
    assert "_auth_user_id" not in client.session


def test_sso_only_addresses_get_no_password_reset(client, sso_only):
    response = client.post(reverse("account_reset_password"), {"email": "piet@org-a.example"})
    assert response.status_code == 200
    assert "Your organisation manages this login" in response.content.decode()
    assert mail.outbox == []


def test_other_addresses_keep_the_password_login(client, oidc_provider, password):
    organisation_with_provider(oidc_provider, "org-a", "org-a.example", sso_only=True)
    user = UserFactory(email="jan@example.org")
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
