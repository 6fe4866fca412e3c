"""A forwarded invitation cannot be taken: only a verification mail to the invited address
proves it, and only an account with that confirmed address can accept."""

from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from organisations.models import Invitation, Membership
from organisations.services import invitation_accept, invitation_create
from tests import factories
from tests.organisations.test_accept import confirmation_path

INVITED = "nina@example.org"
FORWARDED_TO = "mallory@example.org"


@pytest.fixture
def invitation(org_admin, organisation):
    return invitation_create(organisation=organisation, email=INVITED, actor=org_admin)


def url(invitation):
    return reverse("organisations:invitation_accept", args=[invitation.token])


def _sign_up(client, invitation, email, password):
    page = client.get(url(invitation))
    signup = reverse("account_signup") + "?" + urlencode({"next": url(invitation)})
    assert page.context["signup_url"].startswith(reverse("account_signup"))
    mail.outbox.clear()
    return client.post(
        signup,
        {
            "name": "Mallory",
            "email": email,
            "password1": password,
            "password2": password,
            "preferred_language": "en",
        },
    )


def test_a_forwarded_link_gives_no_login_and_no_invited_address(client, invitation, password):
    response = _sign_up(client, invitation, FORWARDED_TO, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session  # not logged in before verifying
    mallory = User.objects.get(email=FORWARDED_TO)
    assert list(EmailAddress.objects.filter(user=mallory).values_list("email", "verified")) == [
        (FORWARDED_TO, False)
    ]
    assert not EmailAddress.objects.filter(email__iexact=INVITED).exists()
    # The only mail goes to the address that was typed, not to the invited one.
    assert [message.to for message in mail.outbox] == [[FORWARDED_TO]]


def test_a_forwarded_link_cannot_be_accepted_after_verifying_another_address(
    client, invitation, organisation, password
):
    _sign_up(client, invitation, FORWARDED_TO, password)
    response = client.post(confirmation_path(mail.outbox[-1]))
    assert response["Location"] == url(invitation)  # logged in with the own, verified address

    page = client.get(url(invitation))
    assert page.context["email_matches"] is False
    response = client.post(url(invitation))

    assert response.status_code == 400
    assert "not a confirmed address of your account" in response.context["error"]
    assert INVITED in response.context["error"]
    assert not Membership.objects.filter(organisation=organisation, user__email=FORWARDED_TO)
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


def test_an_unverified_invited_address_on_the_account_does_not_count(invitation, organisation):
    person = factories.UserFactory(email=FORWARDED_TO)
    EmailAddress.objects.create(user=person, email=INVITED.upper(), verified=False)
    with pytest.raises(Exception, match="not a confirmed address"):
        invitation_accept(invitation=invitation, user=person)
    assert not Membership.objects.filter(user=person).exists()


def test_the_invited_address_confirmed_on_another_account_may_accept_in_any_case(
    invitation, organisation
):
    person = factories.UserFactory(email="nina.private@example.org")
    EmailAddress.objects.create(user=person, email=INVITED.upper(), verified=True)
    membership = invitation_accept(invitation=invitation, user=person)
    assert membership.organisation == organisation


def test_the_rightful_invitee_signs_up_confirms_once_and_accepts(
    client, invitation, organisation, password
):
    _sign_up(client, invitation, INVITED, password)
    assert [message.to for message in mail.outbox] == [[INVITED]]
    response = client.post(confirmation_path(mail.outbox[-1]))
    assert response.status_code == 302
    assert response["Location"] == url(invitation)

    page = client.get(url(invitation))
    assert page.context["email_matches"] is True
    response = client.post(url(invitation))
    assert response.status_code == 302
    assert Membership.objects.get(organisation=organisation, user__email=INVITED).role == "learner"


def test_a_stashed_address_from_an_old_session_is_ignored(client, invitation, password):
    """Sessions from before this change may still carry allauth's "verified" stash."""
    session = client.session
    session["account_verified_email"] = INVITED
    session.save()
    _sign_up(client, invitation, FORWARDED_TO, password)
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.filter(email__iexact=INVITED).exists()
    assert User.objects.get(email=FORWARDED_TO)
