import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organisations.models import GroupMember, Invitation, Membership
from organisations.services import invitation_create, invitation_revoke
from tests import factories


@pytest.fixture
def invitation(org_admin, organisation, group):
    return invitation_create(
        organisation=organisation, email="nina@example.org", actor=org_admin, group=group
    )


def url(invitation):
    return reverse("organisations:invitation_accept", args=[invitation.token])


def test_it_shows_the_invitation_with_login_and_signup_links(client, invitation, organisation):
    response = client.get(url(invitation))
    assert response.status_code == 200
    html = response.content.decode()
    assert organisation.name in html and "nina@example.org" in html
    assert (
        response.context["login_url"]
        == f"/accounts/login/?next=%2Forganisations%2Finvitations%2F{invitation.token}%2F"
    )
    assert "email=nina%40example.org" in response.context["signup_url"]
    # Opening the link proves nothing about who opened it (it may have been forwarded).
    assert not client.session.get("account_verified_email")


def test_it_lets_a_new_person_sign_up_confirm_and_accept(
    client, invitation, organisation, group, password
):
    client.get(url(invitation))
    mail.outbox.clear()
    response = client.post(
        signup_url(invitation),
        {
            "name": "Nina Nieuw",
            "email": "nina@example.org",
            "password1": password,
            "password2": password,
            "preferred_language": "nl",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    # The address is proven by the mail sent to it; confirming logs in and returns here.
    response = client.post(confirmation_path(mail.outbox[-1]))
    assert response.status_code == 302
    assert response["Location"] == url(invitation)
    response = client.post(url(invitation))
    assert response.status_code == 302
    person = Membership.objects.get(organisation=organisation, user__email="nina@example.org").user
    assert person.name == "Nina Nieuw"
    assert GroupMember.objects.filter(group=group, user=person).exists()


def confirmation_path(message) -> str:
    """The path of the "confirm your e-mail address" link in an e-mail allauth sent."""
    link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


def signup_url(invitation):
    from urllib.parse import urlencode

    return reverse("account_signup") + "?" + urlencode({"next": url(invitation)})


def test_it_accepts_for_a_logged_in_person_with_the_invited_address(
    client, invitation, organisation
):
    person = factories.UserFactory(email="nina@example.org")
    client.force_login(person)
    page = client.get(url(invitation))
    assert page.context["email_matches"] is True
    response = client.post(url(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert Membership.objects.get(user=person, organisation=organisation).role == "learner"


def test_it_explains_when_the_person_is_logged_in_with_another_address(client, invitation):
    other = factories.UserFactory(email="someone-else@example.org")
    client.force_login(other)
    page = client.get(url(invitation))
    assert page.status_code == 200
    assert page.context["email_matches"] is False
    assert reverse("account_email") in page.content.decode()
    response = client.post(url(invitation))
    assert response.status_code == 400
    assert response.context["error"]
    assert not Membership.objects.filter(user=other).exists()


def test_it_sends_anonymous_posts_to_the_login_page(client, invitation):
    response = client.post(url(invitation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Invitation.objects.get().status == "pending"


def test_it_says_when_the_invitation_expired(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    person = factories.UserFactory(email="nina@example.org")
    client.force_login(person)
    assert client.get(url(invitation)).context["problem"] == "expired"
    response = client.post(url(invitation))
    assert response.status_code == 400
    assert not Membership.objects.filter(user=person).exists()


def test_it_says_when_the_invitation_was_revoked(client, invitation, org_admin):
    invitation_revoke(invitation=invitation, actor=org_admin)
    response = client.get(url(invitation))
    assert response.context["problem"] == "revoked"
    assert "login_url" in response.context
    assert "account_verified_email" not in client.session


def test_it_says_when_the_invitation_was_already_used(client, invitation):
    person = factories.UserFactory(email="nina@example.org")
    client.force_login(person)
    client.post(url(invitation))
    assert client.get(url(invitation)).context["problem"] == "accepted"
    assert client.post(url(invitation)).status_code == 400


def test_it_is_404_for_an_unknown_token(client, db):
    assert client.get("/organisations/invitations/" + "x" * 43 + "/").status_code == 404
