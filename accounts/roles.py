"""What a person is on the platform, read in one query and kept on the user object.

Roles come from three places: ``organisations.Membership.role`` (learner, trainer, analyst,
admin — in any organisation), the Django groups "coordinator" and "content author" (platform
roles outside organisations) and ``User.is_staff``. Whether the person has a TOTP authenticator
is read in the same query, because the MFA gate, the navigation and the start page all need it.

``roles_of(user)`` caches the answer on the user instance. ``request.user`` is loaded afresh for
every request, so the cache lives exactly one request; code that changes roles or authenticators
of a user object it keeps using should call ``forget_roles(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from organisations.models import Membership, Role

COORDINATOR_GROUP = "coordinator"
CONTENT_AUTHOR_GROUP = "content author"

_CACHE_ATTRIBUTE = "_academy_roles"


@dataclass(frozen=True)
class Roles:
    learner: bool = False
    trainer: bool = False
    analyst: bool = False
    admin: bool = False
    coordinator: bool = False
    content_author: bool = False
    staff: bool = False
    has_totp: bool = False

    @property
    def sees_organisations(self) -> bool:
        """Analysts, administrators, coordinators and staff work with organisation overviews."""
        return self.analyst or self.admin or self.coordinator or self.staff

    @property
    def requires_mfa(self) -> bool:
        """Roles that see other people's data or manage the platform need two-factor login."""
        return self.analyst or self.admin or self.coordinator or self.staff

    @property
    def reads_audit_log(self) -> bool:
        return self.admin or self.staff


NOBODY = Roles()


def _role_exists(role: str) -> Exists:
    return Exists(Membership.objects.filter(user_id=OuterRef("pk"), role=role))


def _group_exists(name: str) -> Exists:
    through = get_user_model().groups.through
    return Exists(through.objects.filter(user_id=OuterRef("pk"), group__name=name))


def roles_of(user) -> Roles:
    """The person's roles (one query per user object; anonymous and inactive people: none)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            r_learner=_role_exists(Role.LEARNER),
            r_trainer=_role_exists(Role.TRAINER),
            r_analyst=_role_exists(Role.ANALYST),
            r_admin=_role_exists(Role.ADMIN),
            r_coordinator=_group_exists(COORDINATOR_GROUP),
            r_content_author=_group_exists(CONTENT_AUTHOR_GROUP),
            r_totp=Exists(
                Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .values(
            "r_learner",
            "r_trainer",
            "r_analyst",
            "r_admin",
            "r_coordinator",
            "r_content_author",
            "r_totp",
        )
        .first()
    )
    if row is None:
        return NOBODY
    roles = Roles(
        learner=row["r_learner"],
        trainer=row["r_trainer"],
        analyst=row["r_analyst"],
        admin=row["r_admin"],
        coordinator=row["r_coordinator"],
        content_author=row["r_content_author"],
        staff=bool(user.is_staff or user.is_superuser),
        has_totp=row["r_totp"],
    )
    setattr(user, _CACHE_ATTRIBUTE, roles)
    # organisations.permissions.is_coordinator keeps the same fact under this name; filling it
    # here saves that module a query on the same request.
    user._academy_is_coordinator = roles.coordinator
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles (after giving or removing a role or an authenticator)."""
    for attribute in (_CACHE_ATTRIBUTE, "_academy_is_coordinator"):
        if hasattr(user, attribute):
            delattr(user, attribute)
