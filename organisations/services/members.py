"""Writes on memberships: add, change role, remove. Role changes and removals are audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations import permissions
from organisations.models import GroupMember, Membership, Organisation, Role


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user,
    role: str,
    actor,
    request: HttpRequest | None = None,
) -> Membership:
    """Make an existing account a member (used by staff in the admin; others invite)."""
    _check_role(role)
    if role not in permissions.grantable_roles(actor, organisation):
        raise PermissionDenied
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created:
        raise ValidationError(
            _("%(person)s is already a member of this organisation.") % {"person": user},
            code="already_member",
        )
    permissions.forget_roles(user)
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        request=request,
        actor=actor,
        subject_user=user,
        organisation=organisation,
        summary=f"added as {role}",
        data={"from": None, "to": role},
    )
    return membership


@transaction.atomic
def membership_set_role(
    *, membership: Membership, role: str, actor, request: HttpRequest | None = None
) -> Membership:
    """Change a member's role. Only admins (and staff) may; nobody grants above their own role;
    nobody changes their own role (another admin has to)."""
    _check_role(role)
    organisation = membership.organisation
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied
    if membership.user_id == actor.pk:
        raise ValidationError(
            _("You cannot change your own role. Ask another administrator."), code="self"
        )
    if role not in permissions.grantable_roles(actor, organisation):
        raise ValidationError(
            _("You may not give the role %(role)s.") % {"role": Role(role).label},
            code="role_not_allowed",
        )
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    previous = locked.role
    if previous == role:
        membership.role = role
        return membership
    locked.role = role
    locked.save(update_fields=["role"])
    membership.role = role
    permissions.forget_roles(membership.user)
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        request=request,
        actor=actor,
        subject_user=membership.user,
        organisation=organisation,
        summary=f"{previous} → {role}",
        data={"from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor, request: HttpRequest | None = None) -> None:
    """Remove a member from the organisation and from its groups. Their learning record stays."""
    organisation = membership.organisation
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied
    if membership.user_id == actor.pk:
        raise ValidationError(
            _("You cannot remove yourself. Ask another administrator."), code="self"
        )
    user = membership.user
    GroupMember.objects.filter(user=user, group__organisation=organisation).delete()
    role = membership.role
    Membership.objects.filter(pk=membership.pk).delete()
    permissions.forget_roles(user)
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        request=request,
        actor=actor,
        subject_user=user,
        organisation=organisation,
        summary=f"removed ({role})",
        data={"role": role},
    )
