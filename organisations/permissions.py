"""Every "may X see / do Y" rule of the platform, as plain functions.

The organisation tree is a materialised path (``Organisation.path``, "/1/5/"). A role held in an
organisation also holds in everything below it: an administrator of the police holds that role in
every police unit. So "the role of a person in an organisation" is the highest role they hold in
that organisation or one of its ancestors (``effective_role``).

Who may do what (org = the organisation or one of its ancestors):

========================  =====================================================================
rule                      who
========================  =====================================================================
view organisation         trainers, analysts and admins of org; coordinators; staff
view members (names)      trainers and admins of org; staff (analysts and coordinators see
                          numbers only, never names)
manage members            admins of org; staff
invite                    trainers (learners only); admins (any role); staff — nobody grants a
                          role above the one they hold
manage groups             trainers and admins of org; staff
view dashboard            analysts and admins of org; coordinators (everything); staff
read audit log            admins of org; staff
view learner progress     the learner; trainers and admins of an organisation the learner is a
                          member of; staff
grant an extra attempt    trainers and admins of an organisation the learner is a member of;
                          staff — never the learner themself
========================  =====================================================================

Learners see none of the management pages. "Coordinator" is the Django group ``coordinator``
(the ministry, the alliance's coordinator): they see every organisation's numbers and dashboards
but no personal data of members. Staff (``is_staff``) may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from organisations.models import ROLE_RANK, Group, Membership, Organisation, Role

COORDINATOR_GROUP = "coordinator"
CONTENT_AUTHOR_GROUP = "content author"
ACCREDITATION_ADMIN_GROUP = "accreditation administrator"

MANAGERS = (Role.TRAINER, Role.ADMIN)
VIEWERS = (Role.TRAINER, Role.ANALYST, Role.ADMIN)
DASHBOARD_VIEWERS = (Role.ANALYST, Role.ADMIN)


# --- what a person is on the platform -------------------------------------------------------

_ROLES_ATTRIBUTE = "_academy_roles"


@dataclass(frozen=True)
class Roles:
    """What a person is, read in one query and kept on the user object: organisation roles
    (``Membership.role`` in any organisation), the platform roles (Django groups "coordinator"
    and "content author"), staff status, and whether they have a TOTP authenticator (the MFA
    gate, the navigation and the start page all need it)."""

    learner: bool = False
    trainer: bool = False
    analyst: bool = False
    admin: bool = False
    coordinator: bool = False
    content_author: bool = False
    accreditation_admin: bool = False
    staff: bool = False
    has_totp: bool = False

    @property
    def sees_organisations(self) -> bool:
        """Analysts, administrators, coordinators and staff work with organisation overviews."""
        return self.analyst or self.admin or self.coordinator or self.staff

    @property
    def requires_mfa(self) -> bool:
        """Roles that see other people's data or manage the platform need two-factor login."""
        return (
            self.analyst or self.admin or self.coordinator or self.accreditation_admin or self.staff
        )

    @property
    def reads_audit_log(self) -> bool:
        return self.admin or self.staff


NOBODY = Roles()


def _roles_sql() -> str:
    """One statement for everything ``roles_of`` needs (hand-written: built with the ORM, its
    seven EXISTS subqueries cost more to compile than to run, on every page). Only table names
    are put into the text; the values are parameters."""
    user_model = get_user_model()
    groups = user_model.groups.through._meta
    group_table = groups.get_field("group").related_model._meta.db_table
    return (
        f"SELECT 'role', role FROM {Membership._meta.db_table} WHERE user_id = %s "  # nosec B608
        f"UNION ALL SELECT 'group', g.name FROM {groups.db_table} ug "
        f"JOIN {group_table} g ON g.id = ug.group_id WHERE ug.user_id = %s "
        f"UNION ALL SELECT 'totp', '' FROM {Authenticator._meta.db_table} "
        "WHERE user_id = %s AND type = %s"
    )


def roles_of(user) -> Roles:
    """The person's roles: one query per user object (``request.user`` is loaded afresh for
    every request, so a changed role counts from the next request); anonymous and inactive
    people have none. Code that changes roles of a user object it keeps using calls
    ``forget_roles``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, _ROLES_ATTRIBUTE, None)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user.pk, user.pk, user.pk, Authenticator.Type.TOTP])
        facts = set(cursor.fetchall())
    roles = Roles(
        learner=("role", Role.LEARNER) in facts,
        trainer=("role", Role.TRAINER) in facts,
        analyst=("role", Role.ANALYST) in facts,
        admin=("role", Role.ADMIN) in facts,
        coordinator=("group", COORDINATOR_GROUP) in facts,
        content_author=("group", CONTENT_AUTHOR_GROUP) in facts,
        accreditation_admin=("group", ACCREDITATION_ADMIN_GROUP) in facts,
        staff=bool(user.is_staff or user.is_superuser),
        has_totp=("totp", "") in facts,
    )
    setattr(user, _ROLES_ATTRIBUTE, roles)
    return roles


# --- building blocks -------------------------------------------------------------------------


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_staff(user) -> bool:
    return _authenticated(user) and (user.is_staff or user.is_superuser)


def is_coordinator(user) -> bool:
    return roles_of(user).coordinator


def is_content_author(user) -> bool:
    return roles_of(user).content_author


def is_accreditation_admin(user) -> bool:
    """Accreditation administrators (platform role) and staff manage accreditations, read the
    attendance lists and the course evaluations."""
    roles = roles_of(user)
    return roles.accreditation_admin or roles.staff


def can_read_course_evaluations(user) -> bool:
    """Course evaluations (aggregates only) are for accreditation administrators, content
    authors and staff."""
    roles = roles_of(user)
    return roles.accreditation_admin or roles.content_author or roles.staff


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    """A filter for the organisations at or below the given paths (empty paths are ignored)."""
    q = Q(pk__in=[])
    for path in {p for p in paths if p}:
        q |= Q(**{f"{field}__startswith": path})
    return q


def subtree_ids(organisations: Iterable[Organisation]) -> set[int]:
    """Ids of the given organisations and of everything below them."""
    paths = [org.path for org in organisations]
    return set(Organisation.objects.filter(subtree_q(paths)).values_list("pk", flat=True))


def _roles(user) -> dict[int, tuple[str, str]]:
    """The person's own memberships as {organisation id: (path, role)}, loaded once per user
    object (like Django's permission cache); services that change the person's memberships call
    ``forget_roles``."""
    cached = getattr(user, "_academy_memberships", None)
    if cached is None:
        cached = {
            org_id: (path, role)
            for org_id, path, role in Membership.objects.filter(user=user).values_list(
                "organisation_id", "organisation__path", "role"
            )
        }
        user._academy_memberships = cached
    return cached


def forget_roles(user) -> None:
    """Drop the role facts cached on this user object (memberships and the ``Roles`` summary),
    after giving or removing a role, a membership or an authenticator."""
    for attr in ("_academy_memberships", _ROLES_ATTRIBUTE):
        if hasattr(user, attr):
            delattr(user, attr)


def effective_role(user, organisation: Organisation) -> str | None:
    """The highest role the person holds in the organisation or one of its ancestors."""
    if not _authenticated(user) or not organisation.path:
        return None
    roles = _roles(user)
    held = [roles[pk][1] for pk in organisation.lineage_ids if pk in roles]
    return max(held, key=lambda role: ROLE_RANK[role], default=None)


def _holds(user, organisation: Organisation, roles: Iterable[str]) -> bool:
    role = effective_role(user, organisation)
    return role is not None and role in roles


def _manager_paths(user, roles: Iterable[str]) -> list[str]:
    """Paths of the organisations where the person directly holds one of the roles."""
    if not _authenticated(user):
        return []
    wanted = set(roles)
    return [path for path, role in _roles(user).values() if role in wanted and path]


def organisations_for(user, roles: Iterable[str]) -> QuerySet[Organisation]:
    """Organisations in which the person holds one of ``roles`` (directly or from an ancestor)."""
    return Organisation.objects.filter(subtree_q(_manager_paths(user, roles)))


# --- the rules -------------------------------------------------------------------------------


def can_view_overview(user) -> bool:
    """May open ``organisations:overview`` (anyone who may view at least one organisation)."""
    return is_staff(user) or bool(_manager_paths(user, VIEWERS)) or is_coordinator(user)


def can_view_organisation(user, organisation: Organisation) -> bool:
    """May open the organisation's page and see its numbers."""
    return is_staff(user) or _holds(user, organisation, VIEWERS) or is_coordinator(user)


def can_view_members(user, organisation: Organisation) -> bool:
    """May see the names and e-mail addresses of the organisation's members."""
    return is_staff(user) or _holds(user, organisation, MANAGERS)


def can_manage_members(user, organisation: Organisation) -> bool:
    """May change roles and remove members."""
    return is_staff(user) or _holds(user, organisation, (Role.ADMIN,))


def can_manage_api_tokens(user, organisation: Organisation, ancestors: list[Organisation]) -> bool:
    """May create and revoke the organisation's partner API tokens: its administrators (or
    those of an organisation above it) and staff, with one limit: above an organisation that
    is its own legal entity (a bank under the banks' association) the role does not reach,
    because a token reads that organisation's figures in detail, which its parent may not.
    ``ancestors`` runs from the root down."""
    if is_staff(user):
        return True
    if not can_manage_members(user, organisation):
        return False
    lineage = [*ancestors, organisation]
    boundary = max((index for index, org in enumerate(lineage) if org.is_legal_entity), default=0)
    roles = _roles(user)
    return any(org.pk in roles and roles[org.pk][1] == Role.ADMIN for org in lineage[boundary:])


def grantable_roles(user, organisation: Organisation) -> list[str]:
    """The roles this person may hand out in the organisation (invitations, role changes)."""
    if is_staff(user):
        return list(Role.values)
    role = effective_role(user, organisation)
    if role == Role.ADMIN:
        return [r for r in Role.values if ROLE_RANK[r] <= ROLE_RANK[Role.ADMIN]]
    if role == Role.TRAINER:
        return [Role.LEARNER]
    return []


def can_invite(user, organisation: Organisation, role: str | None = None) -> bool:
    """May invite people into the organisation (in ``role``, when given)."""
    roles = grantable_roles(user, organisation)
    return bool(roles) and (role is None or role in roles)


def can_manage_groups(user, organisation: Organisation) -> bool:
    """May create groups in the organisation."""
    return is_staff(user) or _holds(user, organisation, MANAGERS)


def can_manage_group(user, group: Group) -> bool:
    """May rename or delete the group and add or remove its members."""
    return can_manage_groups(user, group.organisation)


def can_view_dashboard(user, organisation: Organisation) -> bool:
    return is_staff(user) or _holds(user, organisation, DASHBOARD_VIEWERS) or is_coordinator(user)


def can_read_audit(user, organisation: Organisation) -> bool:
    return is_staff(user) or _holds(user, organisation, (Role.ADMIN,))


def can_view_learner_progress(user, learner) -> bool:
    """The learner themself; trainers and admins of any organisation the learner belongs to."""
    if not _authenticated(user):
        return False
    if user.pk == learner.pk or is_staff(user):
        return True
    paths = _manager_paths(user, MANAGERS)
    if not paths:
        return False
    return Membership.objects.filter(
        subtree_q(paths, field="organisation__path"), user=learner
    ).exists()


def can_grant_extra_attempt(user, learner) -> bool:
    """One more final-quiz attempt for a learner who used them all: their trainer or admin."""
    if not _authenticated(user) or user.pk == learner.pk:
        return False
    return can_view_learner_progress(user, learner)


def organisation_acting_for(user, learner, preferred: Organisation | None = None):
    """The organisation in whose name ``user`` (a trainer or admin) acts on ``learner``: the
    ``preferred`` one (say the enrolment's) when the person manages the learner there, else the
    first of the learner's organisations that the person trains or administers; None when
    there is none (staff acting outside any organisation). Audit events carry it, so that the
    event shows in that organisation's log and nowhere else."""
    paths = _manager_paths(user, MANAGERS)
    if not paths:
        return None
    if preferred is not None and _holds(user, preferred, MANAGERS):
        if Membership.objects.filter(user=learner, organisation=preferred).exists():
            return preferred
    membership = (
        Membership.objects.filter(subtree_q(paths, field="organisation__path"), user=learner)
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.organisation if membership else None


# --- query helpers ---------------------------------------------------------------------------


def visible_organisations(user) -> QuerySet[Organisation]:
    """Every organisation whose page the person may open."""
    if is_staff(user) or is_coordinator(user):
        return Organisation.objects.all()
    return organisations_for(user, VIEWERS)


def member_visible_organisations(user) -> QuerySet[Organisation]:
    """Every organisation whose members (names) the person may see."""
    if is_staff(user):
        return Organisation.objects.all()
    return organisations_for(user, MANAGERS)


def learners_visible_to(user):
    """People whose progress the person may follow: everyone with a membership in an
    organisation they train or administer (trainers and colleagues learn too). Staff: everyone.
    """
    users = get_user_model().objects.all()
    if is_staff(user):
        return users
    paths = _manager_paths(user, MANAGERS)
    if not paths:
        return users.none()
    in_subtree = Membership.objects.filter(
        subtree_q(paths, field="organisation__path"), user=OuterRef("pk")
    )
    return users.filter(Exists(in_subtree))


# --- the audit log (rule written by the accounts app, used by accounts.views.audit_log) -------


def can_read_audit_log(user) -> bool:
    """May open the audit log at all: staff, and administrators of at least one organisation."""
    if is_staff(user):
        return True
    return _authenticated(user) and Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def audit_events_visible_to(user):
    """The audit events the person may read.

    Staff: every event. Administrators: only the events that belong to an organisation at or
    below one they administer (``AuditEvent.organisation``): invitations, role changes,
    removals, exports, extra attempts... A person who is a member of two organisations shows up
    in each organisation's log only with that organisation's events; what they do elsewhere is
    none of this administrator's business.

    Events without an organisation are personal security events (logins, failed logins, logouts,
    two-factor and password changes, e-mail changes, "download my data"). They are NOT shown to
    organisation administrators at all, also not for their own members: an employer has no need
    to follow when and from where a person logs in, and the same person may learn for another
    organisation or on their own. The person sees them in "Download my data"; staff see
    everything (security investigations). Everyone else: none.

    So every ``audit_record`` about an organisation's data must pass ``organisation=``.
    """
    from accounts.models import AuditEvent

    if is_staff(user):
        return AuditEvent.objects.all()
    paths = _manager_paths(user, (Role.ADMIN,))
    if not paths:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(subtree_q(paths, field="organisation__path"))
