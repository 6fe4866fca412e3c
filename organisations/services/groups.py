"""Writes on groups (cohorts of learners inside one organisation).

Other apps react when someone joins a group (the courses app enrols later joiners in the
group's assignments). They register a handler once at start-up::

    from organisations.services import register_group_join_handler
    register_group_join_handler(assignments_on_group_join)   # called as fn(group, user)

Handlers run after the transaction commits (``robust``: a failing handler is logged and does not
undo the join).
"""

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organisations import permissions
from organisations.models import Group, GroupMember, Membership, Organisation

logger = logging.getLogger(__name__)

GroupJoinHandler = Callable[[Group, object], None]
_group_join_handlers: list[GroupJoinHandler] = []


def register_group_join_handler(fn: GroupJoinHandler) -> GroupJoinHandler:
    """Register ``fn(group, user)``, called on commit whenever someone joins a group."""
    if fn not in _group_join_handlers:
        _group_join_handlers.append(fn)
    return fn


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the group a name."), code="required")
    if len(name) > Group._meta.get_field("name").max_length:
        raise ValidationError(_("Use at most 150 characters."), code="max_length")
    return name


def _check_unique(organisation: Organisation, name: str, exclude_pk: int | None = None) -> None:
    others = Group.objects.filter(organisation=organisation, name__iexact=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _("This organisation already has a group called “%(name)s”.") % {"name": name},
            code="duplicate",
        )


@transaction.atomic
def group_create(*, organisation: Organisation, name: str, actor) -> Group:
    if not permissions.can_manage_groups(actor, organisation):
        raise PermissionDenied
    name = _clean_name(name)
    _check_unique(organisation, name)
    return Group.objects.create(organisation=organisation, name=name)


@transaction.atomic
def group_rename(*, group: Group, name: str, actor) -> Group:
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    name = _clean_name(name)
    _check_unique(group.organisation, name, exclude_pk=group.pk)
    group.name = name
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def group_delete(*, group: Group, actor) -> None:
    """Delete the group. Its members stay members of the organisation."""
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    group.delete()


def _run_join_handlers(group: Group, user) -> None:
    for handler in list(_group_join_handlers):

        def call(handler=handler):
            handler(group, user)

        call.__qualname__ = getattr(handler, "__qualname__", repr(handler))
        transaction.on_commit(call, robust=True)


def group_join(*, group: Group, user) -> bool:
    """Put a member of the group's organisation in the group (no access check: callers check).

    Returns False when the person already was in the group. Runs the join handlers on commit.
    """
    with transaction.atomic():
        _, created = GroupMember.objects.get_or_create(group=group, user=user)
        if created:
            _run_join_handlers(group, user)
    return created


@transaction.atomic
def group_add_member(*, group: Group, user, actor) -> bool:
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    if not Membership.objects.filter(user=user, organisation_id=group.organisation_id).exists():
        raise ValidationError(
            _("Only members of this organisation can join its groups."), code="not_member"
        )
    return group_join(group=group, user=user)


@transaction.atomic
def group_remove_member(*, group: Group, user, actor) -> bool:
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    deleted, _details = GroupMember.objects.filter(group=group, user=user).delete()
    return bool(deleted)
