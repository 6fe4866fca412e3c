"""allauth's pages render in our layout: 200 for the right person, every field labelled,
no inline scripts or styles (CSP), one h1, Utrecht buttons."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tests import factories
from tests.accounts.helpers import check_markup, nl, reauthenticate
from tests.mfa import give_totp


def _assert_page(response, *, contains: str | None = None):
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert 'class="academy-header"' in html, "not in our base layout"
    if contains:
        assert contains in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_signup", "account_login", "account_reset_password", "account_reset_password_done"],
)
def test_it_renders_the_entrance_pages_for_visitors(client, url_name):
    html = _assert_page(client.get(reverse(url_name)))
    assert "utrecht-heading-1" in html


@pytest.mark.django_db
def test_it_labels_every_field_of_the_signup_form(client):
    html = _assert_page(client.get(reverse("account_signup")))
    for field_id in (
        "id_name",
        "id_email",
        "id_password1",
        "id_password2",
        "id_preferred_language",
    ):
        assert re.search(rf'<label[^>]*for="{field_id}"', html), field_id
    assert "utrecht-button--primary-action" in html


@pytest.mark.django_db
def test_it_shows_login_errors_next_to_the_form(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": "wrong"})
    html = _assert_page(response)
    assert "utrecht-alert--error" in html


@pytest.mark.django_db
def test_it_shows_field_errors_next_to_the_field(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-address"})
    html = _assert_page(response)
    assert re.search(r'<ul class="errorlist" id="id_email_error">', html)
    assert re.search(r'aria-describedby="[^"]*id_email_error', html)
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "account_logout",
        "account_change_password",
        "account_email",
        "mfa_index",
        "usersessions_list",
    ],
)
def test_it_renders_the_manage_pages_for_the_person(client, learner, url_name):
    client.force_login(learner)
    html = _assert_page(client.get(reverse(url_name)))
    assert reverse("accounts:profile") in html


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_change_password", "account_email", "mfa_index"])
def test_it_sends_visitors_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_it_renders_the_reauthentication_page(client, learner):
    client.force_login(learner)
    _assert_page(client.get(reverse("account_reauthenticate")))


@pytest.mark.django_db
def test_it_renders_totp_activation_with_the_qr_code_as_an_image(client, analyst):
    client.force_login(analyst)
    reauthenticate(client)
    html = _assert_page(client.get(reverse("mfa_activate_totp")))
    assert re.search(r'<img class="accounts-qr" src="data:image/svg\+xml;base64,', html)
    assert re.search(r'<label[^>]*for="authenticator_secret"', html)
    assert re.search(r'<label[^>]*for="id_code"', html)


@pytest.mark.django_db
def test_it_renders_the_pages_of_an_active_authenticator(client, analyst):
    give_totp(analyst)
    client.force_login(analyst)
    reauthenticate(client)
    _assert_page(client.get(reverse("mfa_deactivate_totp")))
    _assert_page(client.get(reverse("mfa_view_recovery_codes")))
    _assert_page(client.get(reverse("mfa_generate_recovery_codes")))
    _assert_page(client.get(reverse("mfa_reauthenticate")))


@pytest.mark.django_db
def test_it_renders_the_two_factor_step_of_the_login(client, analyst, password):
    give_totp(analyst)
    response = client.post(reverse("account_login"), {"login": analyst.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    _assert_page(client.get(reverse("mfa_authenticate")))


@pytest.mark.django_db
def test_it_renders_the_email_confirmation_pages(client):
    user = factories.UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    _assert_page(client.get(reverse("account_confirm_email", args=[key])))
    _assert_page(client.get(reverse("account_confirm_email", args=["not-a-key"])))


@pytest.mark.django_db
def test_it_renders_the_password_reset_from_key_page(client, learner):
    key = default_token_generator.make_token(learner)
    uidb36 = user_pk_to_url_str(learner)
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key}),
        follow=True,
    )
    html = _assert_page(response)
    assert re.search(r'<label[^>]*for="id_password1"', html)
    assert "utrecht-heading-1" in html


@pytest.mark.django_db
def test_it_renders_the_verification_sent_page_after_signup(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Nina Nieuw",
            "email": "nina@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "preferred_language": "nl",
        },
        follow=True,
    )
    _assert_page(response)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_it_gives_each_page_a_clean_title(client):
    html = client.get(reverse("account_login")).content.decode()
    assert f"<title>{nl('Log in')} · {nl('Academy')}</title>" in html
