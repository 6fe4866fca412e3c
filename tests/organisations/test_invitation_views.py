from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation
from organisations.services import invitation_create


def list_url(organisation):
    return reverse("organisations:invitations", args=[organisation.slug])


def new_url(organisation):
    return reverse("organisations:invitation_new", args=[organisation.slug])


def action_url(invitation, action):
    return reverse(
        f"organisations:invitation_{action}", args=[invitation.organisation.slug, invitation.pk]
    )


@pytest.fixture
def pending(org_admin, organisation):
    return invitation_create(organisation=organisation, email="p@example.org", actor=org_admin)


# --- invite one person -------------------------------------------------------------------------


def test_it_invites_someone(
    login, org_admin, organisation, group, django_capture_on_commit_callbacks
):
    client = login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(organisation),
            {
                "email": "new@example.org",
                "name": "Nina",
                "role": "trainer",
                "group": group.pk,
                "language": "en",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.group, invitation.language) == (
        "new@example.org",
        "trainer",
        group,
        "en",
    )
    assert mail.outbox[0].to == ["new@example.org"]


def test_it_offers_trainers_only_the_learner_role(login, trainer, organisation):
    response = login(trainer).get(new_url(organisation))
    assert response.status_code == 200
    assert [v for v, _ in response.context["form"].fields["role"].choices] == ["learner"]


def test_it_rejects_a_role_the_trainer_may_not_give(login, trainer, organisation):
    response = login(trainer).post(
        new_url(organisation), {"email": "x@example.org", "role": "admin", "language": "nl"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": "not-an-address", "role": "learner", "language": "nl"}, "email"),
        ({"email": "", "role": "learner", "language": "nl"}, "email"),
        ({"email": "x@example.org", "role": "learner", "language": "fr"}, "language"),
        (
            {"email": "x@example.org", "role": "learner", "language": "nl", "group": "999999"},
            "group",
        ),
    ],
)
def test_it_rejects_bad_input_per_field(login, org_admin, organisation, data, field):
    response = login(org_admin).post(new_url(organisation), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Invitation.objects.exists()


def test_it_says_when_someone_is_already_a_member_or_invited(
    login, org_admin, organisation, learner, pending
):
    client = login(org_admin)
    for email in (learner.email, pending.email):
        response = client.post(
            new_url(organisation), {"email": email, "role": "learner", "language": "nl"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == 1


def test_it_does_not_accept_a_group_of_another_organisation(
    login, org_admin, organisation, other_organisation
):
    from tests import factories

    foreign = factories.GroupFactory(organisation=other_organisation)
    response = login(org_admin).post(
        new_url(organisation),
        {"email": "x@example.org", "role": "learner", "language": "nl", "group": foreign.pk},
    )
    assert response.context["form"].errors["group"]


@pytest.mark.parametrize("who", ["analyst", "learner", "outsider"])
def test_it_is_404_for_people_who_may_not_invite(login, organisation, pending, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(list_url(organisation)).status_code == 404
    assert client.get(new_url(organisation)).status_code == 404
    assert (
        client.post(
            new_url(organisation), {"email": "x@example.org", "role": "learner"}
        ).status_code
        == 404
    )
    assert client.post(action_url(pending, "revoke")).status_code == 404
    assert client.post(action_url(pending, "resend")).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending" and Invitation.objects.count() == 1


# --- the list ----------------------------------------------------------------------------------


def test_it_lists_and_filters_invitations(login, org_admin, organisation, pending):
    Invitation.objects.create(
        organisation=organisation,
        email="old@example.org",
        token="t-old",
        expires_at=timezone.now() - timedelta(days=1),
    )
    Invitation.objects.create(
        organisation=organisation,
        email="yes@example.org",
        token="t-yes",
        status="accepted",
        expires_at=timezone.now(),
    )
    client = login(org_admin)
    everything = client.get(list_url(organisation))
    assert everything.context["counts"] == {"pending": 1, "accepted": 1, "revoked": 0, "expired": 1}
    assert len(everything.context["page"].object_list) == 3
    expired = client.get(list_url(organisation), {"status": "expired"})
    assert [i.email for i in expired.context["page"]] == ["old@example.org"]
    partial = client.get(list_url(organisation), {"status": "pending"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="invitation-list"') and "p@example.org" in html


def test_it_shows_trainers_no_actions_on_invitations_they_may_not_change(
    login, trainer, organisation, org_admin
):
    admin_invite = invitation_create(
        organisation=organisation, email="a@example.org", actor=org_admin, role="admin"
    )
    html = login(trainer).get(list_url(organisation)).content.decode()
    assert "a@example.org" in html
    assert action_url(admin_invite, "revoke") not in html


@pytest.mark.parametrize("size", [1, 30])
def test_it_lists_in_a_fixed_number_of_queries(
    login, org_admin, organisation, group, size, django_assert_max_num_queries
):
    for i in range(size):
        Invitation.objects.create(
            organisation=organisation,
            email=f"p{i}@example.org",
            token=f"t{i}",
            group=group,
            invited_by=org_admin,
            expires_at=timezone.now() + timedelta(days=1),
        )
    client = login(org_admin)
    with django_assert_max_num_queries(9):
        client.get(list_url(organisation))


# --- resend and revoke -------------------------------------------------------------------------


def test_it_resends_an_invitation(login, org_admin, pending, django_capture_on_commit_callbacks):
    Invitation.objects.filter(pk=pending.pk).update(
        last_sent_at=timezone.now() - timedelta(hours=1)
    )
    client = login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(pending, "resend"))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["p@example.org"]]


def test_it_explains_why_it_does_not_resend_right_away(login, org_admin, pending):
    Invitation.objects.filter(pk=pending.pk).update(last_sent_at=timezone.now())
    response = login(org_admin).post(action_url(pending, "resend"), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_it_revokes_an_invitation(login, org_admin, pending):
    response = login(org_admin).post(action_url(pending, "revoke"))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "revoked"


def test_it_does_not_revoke_twice(login, org_admin, pending):
    client = login(org_admin)
    client.post(action_url(pending, "revoke"))
    response = client.post(action_url(pending, "revoke"), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_it_is_404_for_a_trainer_revoking_an_admin_invitation(
    login, trainer, organisation, org_admin
):
    admin_invite = invitation_create(
        organisation=organisation, email="a@example.org", actor=org_admin, role="admin"
    )
    assert login(trainer).post(action_url(admin_invite, "revoke")).status_code == 404
    admin_invite.refresh_from_db()
    assert admin_invite.status == "pending"


def test_it_only_accepts_post_for_actions(login, org_admin, pending):
    assert login(org_admin).get(action_url(pending, "revoke")).status_code == 405


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/x"])
def test_it_never_redirects_to_another_site_after_an_action(login, org_admin, pending, next_url):
    response = login(org_admin).post(action_url(pending, "revoke"), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == list_url(pending.organisation)


def test_it_returns_to_the_page_it_came_from_after_an_action(login, org_admin, pending):
    here = list_url(pending.organisation) + "?status=pending"
    response = login(org_admin).post(action_url(pending, "revoke"), {"next": here})
    assert response["Location"] == here
