"""What single sign-on writes: the membership of a person who logs in through their
organisation's provider, the groups from the ``groups`` claim, and blocking a person."""

from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations import permissions
from organisations.models import Group, IdentityProvider, Membership, Organisation, Role
from organisations.services.groups import group_join

# A claim may make someone a learner or a trainer; analyst and admin are never granted by a
# claim (they see other people's data: an organisation admin grants them on the platform).
CLAIM_ROLES = (Role.LEARNER, Role.TRAINER)


def mapped_groups(provider: IdentityProvider, claim_groups) -> tuple[list[str], str]:
    """(group names, highest role) that the ``groups`` claim maps to."""
    if not isinstance(claim_groups, list):
        claim_groups = [claim_groups] if isinstance(claim_groups, str) else []
    names, role = [], Role.LEARNER
    for value in claim_groups:
        rule = (provider.group_mapping or {}).get(str(value))
        if not isinstance(rule, dict):
            continue
        if rule.get("group"):
            names.append(str(rule["group"])[:150])
        if rule.get("role") == Role.TRAINER:
            role = Role.TRAINER
    return names, role


@transaction.atomic
def sso_membership_sync(*, provider: IdentityProvider, user, claims: dict) -> Membership:
    """Make the person a member of the provider's organisation (a learner, or a trainer when
    the mapping says so) and add them to the mapped groups. Additive: a role is never lowered
    and no group is left here (that is the organisation's admins' work)."""
    organisation = provider.organisation
    names, role = mapped_groups(provider, claims.get("groups"))
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and role == Role.TRAINER and membership.role == Role.LEARNER:
        membership.role = Role.TRAINER
        membership.save(update_fields=["role"])
        created = True  # audited below as a role change
    if created:
        audit_record(
            action=AuditEvent.Action.ROLE_CHANGED,
            actor=None,
            subject_user=user,
            organisation=organisation,
            summary=f"{membership.role} through single sign-on ({provider.slug})",
            data={"to": membership.role, "provider": provider.slug},
        )
    for name in names:
        group, _ = Group.objects.get_or_create(organisation=organisation, name=name)
        group_join(group=group, user=user)
    permissions.forget_roles(user)
    return membership


@transaction.atomic
def member_block(*, organisation: Organisation, user, actor, request=None) -> None:
    """Block a person: the account is switched off and every session ends at once. Only for
    people who belong to the actor's organisation alone (an admin cannot switch off someone of
    another organisation). Learning records stay, pointing to the blocked account."""
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    managed = permissions.subtree_ids([organisation])
    if Membership.objects.filter(user=user).exclude(organisation_id__in=managed).exists():
        raise ValidationError(
            _("This person is also a member of another organisation; remove them instead."),
            code="other_organisation",
        )
    if not Membership.objects.filter(user=user, organisation_id__in=managed).exists():
        raise PermissionDenied
    for session in UserSession.objects.filter(user=user):
        session.end()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    permissions.forget_roles(user)
    audit_record(
        action=AuditEvent.Action.MEMBER_BLOCKED,
        request=request,
        actor=actor,
        subject_user=user,
        organisation=organisation,
        summary="blocked: account switched off, sessions ended",
    )
