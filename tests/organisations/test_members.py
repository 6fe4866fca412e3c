import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from organisations.models import GroupMember, Membership
from organisations.services import membership_remove, membership_set_role
from tests import factories


def _membership(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def test_it_changes_a_role_and_audits_it(org_admin, learner, organisation):
    membership = _membership(learner, organisation)
    membership_set_role(membership=membership, role="trainer", actor=org_admin)

    assert _membership(learner, organisation).role == "trainer"
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED)
    assert event.actor == org_admin
    assert event.subject_user == learner
    assert event.organisation == organisation
    assert event.data == {"from": "learner", "to": "trainer"}


def test_it_lets_an_admin_of_a_parent_organisation_change_roles_below(org_admin, sub_organisation):
    person = factories.MemberFactory(organisation=sub_organisation, role="learner").user
    membership_set_role(
        membership=_membership(person, sub_organisation), role="analyst", actor=org_admin
    )
    assert _membership(person, sub_organisation).role == "analyst"


def test_it_does_not_let_trainers_change_roles(trainer, learner, organisation):
    with pytest.raises(PermissionDenied):
        membership_set_role(
            membership=_membership(learner, organisation), role="trainer", actor=trainer
        )
    assert _membership(learner, organisation).role == "learner"
    assert not AuditEvent.objects.exists()


def test_it_does_not_let_admins_change_their_own_role(org_admin, organisation):
    with pytest.raises(ValidationError):
        membership_set_role(
            membership=_membership(org_admin, organisation), role="learner", actor=org_admin
        )
    assert _membership(org_admin, organisation).role == "admin"


def test_it_rejects_an_unknown_role(org_admin, learner, organisation):
    with pytest.raises(ValidationError):
        membership_set_role(
            membership=_membership(learner, organisation), role="boss", actor=org_admin
        )


def test_it_does_not_let_outsiders_change_roles(outsider, learner, organisation):
    with pytest.raises(PermissionDenied):
        membership_set_role(
            membership=_membership(learner, organisation), role="admin", actor=outsider
        )


def test_it_removes_a_member_from_the_organisation_and_its_groups(
    org_admin, learner, organisation, other_organisation
):
    here = factories.GroupFactory(organisation=organisation)
    elsewhere = factories.GroupFactory(organisation=other_organisation)
    GroupMember.objects.create(group=here, user=learner)
    GroupMember.objects.create(group=elsewhere, user=learner)

    membership_remove(membership=_membership(learner, organisation), actor=org_admin)

    assert not Membership.objects.filter(user=learner, organisation=organisation).exists()
    assert list(GroupMember.objects.filter(user=learner).values_list("group", flat=True)) == [
        elsewhere.pk
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED)
    assert event.subject_user == learner and event.data == {"role": "learner"}


def test_it_does_not_let_admins_remove_themselves(org_admin, organisation):
    with pytest.raises(ValidationError):
        membership_remove(membership=_membership(org_admin, organisation), actor=org_admin)
    assert Membership.objects.filter(user=org_admin).exists()


def test_it_does_not_let_trainers_remove_members(trainer, learner, organisation):
    with pytest.raises(PermissionDenied):
        membership_remove(membership=_membership(learner, organisation), actor=trainer)
