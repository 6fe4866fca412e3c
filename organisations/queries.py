"""Reads for the organisation pages; each runs a fixed number of queries, whatever the size."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import AuditEvent
from organisations import permissions
from organisations.models import (
    Group,
    GroupMember,
    Invitation,
    InvitationBatch,
    Membership,
    Organisation,
    Role,
)

MEMBERS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25
AUDIT_PER_PAGE = 50
RESULTS_PER_PAGE = 100


@dataclass
class OrganisationRow:
    """One organisation's numbers (members per role, groups, invitations)."""

    organisation: Organisation
    level: int = 0  # depth below the card's organisation
    roles: dict[str, int] = field(default_factory=dict)
    groups: int = 0
    pending_invitations: int = 0
    accepted_invitations: int = 0

    @property
    def members(self) -> int:
        return sum(self.roles.values())

    @property
    def role_counts(self) -> list[int]:
        return [self.roles.get(role, 0) for role in Role.values]

    @property
    def indent(self) -> int:
        """Indentation step for the table (capped; the level is also told in words)."""
        return min(self.level, 5)


@dataclass
class OrganisationCard:
    organisation: Organisation
    rows: list[OrganisationRow]
    total: OrganisationRow
    groups: list[Group]
    can_view_members: bool = False
    can_invite: bool = False
    can_manage_groups: bool = False
    can_read_audit: bool = False

    role_choices = Role.choices

    @property
    def own(self) -> OrganisationRow:
        return self.rows[0]

    @property
    def sub_rows(self) -> list[OrganisationRow]:
        return self.rows[1:]


def overview_roots(user) -> list[Organisation]:
    """The top-most organisations the person may view (coordinators, staff: all top levels)."""
    if permissions.is_staff(user) or permissions.is_coordinator(user):
        return list(Organisation.objects.filter(parent__isnull=True))
    viewable = permissions.visible_organisations(user)
    held = {org.pk: org for org in viewable}
    roots = [org for org in held.values() if not set(org.ancestor_ids) & held.keys()]
    return sorted(roots, key=lambda org: org.name.lower())


def _tree_order(root: Organisation, by_parent: dict[int, list[Organisation]]):
    stack = [(root, 0)]
    while stack:
        org, level = stack.pop()
        yield org, level
        children = sorted(by_parent.get(org.pk, []), key=lambda o: o.name.lower(), reverse=True)
        stack.extend((child, level + 1) for child in children)


def organisation_cards(user, roots: list[Organisation]) -> list[OrganisationCard]:
    """Numbers for each root and every organisation below it, in a fixed number of queries."""
    if not roots:
        return []
    in_subtrees = permissions.subtree_q([root.path for root in roots])
    organisations = list(Organisation.objects.filter(in_subtrees))
    by_parent: dict[int, list[Organisation]] = {}
    for org in organisations:
        by_parent.setdefault(org.parent_id, []).append(org)
    rows = {org.pk: OrganisationRow(organisation=org) for org in organisations}

    org_filter = permissions.subtree_q([root.path for root in roots], field="organisation__path")
    for org_id, role, n in (
        Membership.objects.filter(org_filter)
        .values_list("organisation_id", "role")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[org_id].roles[role] = n
    for org_id, n in (
        Group.objects.filter(org_filter)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[org_id].groups = n
    now = timezone.now()
    for org_id, pending, accepted in (
        Invitation.objects.filter(org_filter)
        .values_list("organisation_id")
        .annotate(
            pending=Count("pk", filter=Q(status=Invitation.Status.PENDING, expires_at__gt=now)),
            accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)),
        )
        .order_by()
    ):
        rows[org_id].pending_invitations = pending
        rows[org_id].accepted_invitations = accepted
    root_groups: dict[int, list[Group]] = {}
    for group in (
        Group.objects.filter(organisation__in=roots)
        .annotate(member_count=Count("group_members"))
        .order_by("name")
    ):
        root_groups.setdefault(group.organisation_id, []).append(group)

    cards = []
    for root in roots:
        card_rows = []
        for org, level in _tree_order(rows[root.pk].organisation, by_parent):
            row = rows[org.pk]
            row.level = level
            card_rows.append(row)
        total = OrganisationRow(organisation=root)
        for row in card_rows:
            for role, n in row.roles.items():
                total.roles[role] = total.roles.get(role, 0) + n
            total.groups += row.groups
            total.pending_invitations += row.pending_invitations
            total.accepted_invitations += row.accepted_invitations
        cards.append(
            OrganisationCard(
                organisation=root,
                rows=card_rows,
                total=total,
                groups=root_groups.get(root.pk, []),
                can_view_members=permissions.can_view_members(user, root),
                can_invite=permissions.can_invite(user, root),
                can_manage_groups=permissions.can_manage_groups(user, root),
                can_read_audit=permissions.can_read_audit(user, root),
            )
        )
    return cards


def ancestors_of(organisation: Organisation) -> list[Organisation]:
    by_id = Organisation.objects.in_bulk(organisation.ancestor_ids)
    return [by_id[pk] for pk in organisation.ancestor_ids if pk in by_id]


def _page(queryset, number, per_page: int) -> Page:
    return Paginator(queryset, per_page).get_page(number)


def members_page(organisation: Organisation, *, query: str = "", role: str = "", page=1) -> Page:
    """Members of the organisation itself with their groups there; search on name and e-mail."""
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    if query:
        memberships = memberships.filter(
            Q(user__name__icontains=query) | Q(user__email__icontains=query)
        )
    if role:
        memberships = memberships.filter(role=role)
    in_this_organisation = GroupMember.objects.filter(
        group__organisation=organisation
    ).select_related("group")
    memberships = memberships.prefetch_related(
        Prefetch("user__group_memberships", queryset=in_this_organisation, to_attr="groups_here")
    )
    return _page(memberships, page, MEMBERS_PER_PAGE)


def groups_of(organisation: Organisation) -> QuerySet[Group]:
    return (
        Group.objects.filter(organisation=organisation)
        .annotate(member_count=Count("group_members"))
        .order_by("name")
    )


def group_members(group: Group) -> list[GroupMember]:
    """The group's members, each with ``role_label``: their role in the group's organisation."""
    members = list(
        GroupMember.objects.filter(group=group)
        .select_related("user")
        .order_by("user__name", "user__email")
        .annotate(
            role=Subquery(
                Membership.objects.filter(
                    user=OuterRef("user_id"), organisation_id=group.organisation_id
                ).values("role")[:1]
            )
        )
    )
    labels = dict(Role.choices)
    for member in members:
        member.role_label = labels.get(member.role, "")
    return members


def group_candidates(group: Group, query: str, limit: int = 20) -> list[Membership]:
    """Members of the organisation, not yet in the group, matching the search."""
    memberships = (
        Membership.objects.filter(organisation_id=group.organisation_id)
        .exclude(user__group_memberships__group=group)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    if query:
        memberships = memberships.filter(
            Q(user__name__icontains=query) | Q(user__email__icontains=query)
        )
    return list(memberships[:limit])


INVITATION_FILTERS = ("pending", "accepted", "revoked", "expired")


def invitations_page(organisation: Organisation, *, status: str = "", page=1) -> Page:
    now = timezone.now()
    invitations = Invitation.objects.filter(organisation=organisation).select_related(
        "group", "invited_by"
    )
    if status == "pending":
        invitations = invitations.filter(status=Invitation.Status.PENDING, expires_at__gt=now)
    elif status == "expired":
        invitations = invitations.filter(
            Q(status=Invitation.Status.EXPIRED)
            | Q(status=Invitation.Status.PENDING, expires_at__lte=now)
        )
    elif status in ("accepted", "revoked"):
        invitations = invitations.filter(status=status)
    return _page(invitations.order_by("-created_at", "-pk"), page, INVITATIONS_PER_PAGE)


def invitation_counts(organisation: Organisation) -> dict[str, int]:
    now = timezone.now()
    pending = Q(status=Invitation.Status.PENDING)
    return Invitation.objects.filter(organisation=organisation).aggregate(
        pending=Count("pk", filter=pending & Q(expires_at__gt=now)),
        accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)),
        revoked=Count("pk", filter=Q(status=Invitation.Status.REVOKED)),
        expired=Count(
            "pk", filter=Q(status=Invitation.Status.EXPIRED) | (pending & Q(expires_at__lte=now))
        ),
    )


def recent_batches(organisation: Organisation, limit: int = 5) -> list[InvitationBatch]:
    return list(
        InvitationBatch.objects.filter(organisation=organisation)
        .select_related("uploaded_by")
        .defer("csv_text", "results")
        .order_by("-created_at")[:limit]
    )


def batch_results(batch: InvitationBatch, *, outcome: str = "", page=1) -> Page:
    results = batch.results or []
    if outcome:
        results = [r for r in results if r.get("outcome") == outcome]
    return _page(results, page, RESULTS_PER_PAGE)


def batch_outcome_counts(batch: InvitationBatch) -> dict[str, int]:
    counts = {"invited": 0, "already_member": 0, "already_invited": 0, "rejected": 0}
    for result in batch.results or []:
        outcome = result.get("outcome") if result.get("outcome") in counts else "rejected"
        counts[outcome] += 1
    return counts


def audit_page(organisation: Organisation, *, page=1) -> Page:
    events = (
        AuditEvent.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("actor", "subject_user", "organisation")
        .order_by("-created_at", "-pk")
    )
    return _page(events, page, AUDIT_PER_PAGE)
