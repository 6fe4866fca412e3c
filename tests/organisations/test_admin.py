"""The admin writes through the services: paths on create and move, audited role changes."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from organisations.models import Group, Invitation, Membership, Organisation
from organisations.services import invitation_create
from tests import factories


@pytest.fixture
def staff_client(client, db):
    from tests.organisations.conftest import with_totp

    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    with_totp(superuser)
    client.force_login(superuser)
    return client


def test_it_lists_organisations_as_a_tree(staff_client, organisation, sub_organisation):
    response = staff_client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 200
    assert "— Eenheid Noord" in response.content.decode()


def test_it_sets_the_path_when_an_organisation_is_added(staff_client, organisation):
    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Team West",
            "slug": "team-west",
            "kind": "police",
            "themes": "[]",
            "parent": organisation.pk,
        },
    )
    assert response.status_code == 302
    team = Organisation.objects.get(slug="team-west")
    assert team.path == f"{organisation.path}{team.pk}/"


def test_it_moves_the_subtree_when_the_parent_changes(
    staff_client, organisation, sub_organisation, other_organisation
):
    team = factories.OrganisationFactory(name="Team", parent=sub_organisation)
    response = staff_client.post(
        reverse("admin:organisations_organisation_change", args=[sub_organisation.pk]),
        {
            "name": "Eenheid Noord",
            "slug": sub_organisation.slug,
            "kind": "police",
            "themes": "[]",
            "parent": other_organisation.pk,
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.path == f"{other_organisation.path}{sub_organisation.pk}/{team.pk}/"


def test_it_refuses_a_parent_below_the_organisation(staff_client, organisation, sub_organisation):
    response = staff_client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "kind": "police",
            "themes": "[]",
            "parent": sub_organisation.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    organisation.refresh_from_db()
    assert organisation.parent is None


def test_it_audits_a_role_change_made_in_the_admin(staff_client, learner, organisation):
    membership = Membership.objects.get(user=learner)
    response = staff_client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]), {"role": "trainer"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "trainer"
    assert AuditEvent.objects.filter(action="role_changed", subject_user=learner).exists()


def test_it_creates_groups_through_the_service(staff_client, organisation):
    response = staff_client.post(
        reverse("admin:organisations_group_add"),
        {
            "organisation": organisation.pk,
            "name": "  Klas  X ",
            "group_members-TOTAL_FORMS": "0",
            "group_members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Group.objects.get().name == "Klas X"


def test_it_revokes_invitations_with_an_admin_action(staff_client, org_admin, organisation):
    invitation = invitation_create(
        organisation=organisation, email="x@example.org", actor=org_admin
    )
    response = staff_client.post(
        reverse("admin:organisations_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().status == "revoked"


def test_it_opens_every_changelist(staff_client, organisation):
    for model in ("organisation", "membership", "group", "invitation", "invitationbatch"):
        assert (
            staff_client.get(reverse(f"admin:organisations_{model}_changelist")).status_code == 200
        )
