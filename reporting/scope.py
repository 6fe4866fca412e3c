"""Who sees which figures: ``viewer_for(user, organisation)`` builds a ``Viewer`` (None → 404).

Rules (issue 11, "Privacy"):

- An organisation that is not its own legal entity is part of its parent's (police units of
  the national police). Analysts and admins see their organisation and such parts **in detail**.
- An own legal entity (a bank under the banks' association) is another organisation: viewers
  above it (its parent's analysts, the coordinator) see it only when its admin shares its
  figures, and then **aggregate-only** (fixed periods, fixed breakdowns, suppression). A
  non-sharing legal entity, with everything below it, is left out for everyone but its own people.
- A view that includes another legal entity's learners is aggregate-only as a whole.
- Coordinators and staff stand above every organisation: aggregate-only.
- Trainers: detail, limited to the groups of the organisations they train.

For an aggregate-only viewer ``anchor_ids`` is the whole tree the person may look at (their own
organisation's, or the national one): suppression is decided once over that tree, so two of the
person's views (say the association and one bank) never disagree about a hidden cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from organisations.models import Group, Organisation, Role
from organisations.permissions import _roles, roles_of

from .memo import memoised, memoised_values

MEMBER_VIEW_ROLES = (Role.ANALYST, Role.ADMIN)


@dataclass(frozen=True)
class Viewer:
    organisation_ids: frozenset[int]
    detail: bool
    root_id: int | None = None  # the organisation viewed; None: the national overview
    anchor_ids: frozenset[int] | None = None  # aggregate viewers: the tree suppression covers
    group_ids: frozenset[int] | None = None  # trainers: only these groups' learners

    @property
    def suppression_ids(self) -> frozenset[int]:
        return self.anchor_ids if self.anchor_ids is not None else self.organisation_ids


def _shared_tree(root_path: str | None, organisations: list[Organisation]) -> frozenset[int]:
    """Ids at or below ``root_path`` (None: everything) minus each legal entity strictly below
    the root that does not share, with its subtree. A sharing legal entity under a
    non-sharing one is left out too (nothing reaches past the non-sharing one)."""
    inside = [o for o in organisations if root_path is None or o.path.startswith(root_path)]
    closed = [
        o.path
        for o in inside
        if o.is_legal_entity and not o.shares_figures_with_parent and o.path != root_path
    ]
    return frozenset(o.pk for o in inside if not any(o.path.startswith(p) for p in closed))


def _own_unit(organisation: Organisation, by_id: dict[int, Organisation]) -> frozenset[int]:
    """The organisation's subtree within its own legal entity (no legal entity below it)."""
    closed = [
        o.path
        for o in by_id.values()
        if o.path.startswith(organisation.path) and o.is_legal_entity and o.pk != organisation.pk
    ]
    return frozenset(
        o.pk
        for o in by_id.values()
        if o.path.startswith(organisation.path) and not any(o.path.startswith(p) for p in closed)
    )


TREE_FIELDS = ("pk", "name", "slug", "themes", "path", "parent_id", "is_legal_entity",
               "shares_figures_with_parent")  # fmt: skip


def _tree_organisations(path: str | None) -> list[Organisation]:
    """The organisations at or below ``path`` (None: all), once per request: the scope, the
    cube's tree and the filter form all read them."""

    def load():
        qs = Organisation.objects.only(*TREE_FIELDS)
        return list(qs if path is None else qs.filter(path__startswith=path))

    return memoised(("organisations_below", path), load)


def organisations_by_id(ids) -> list[Organisation]:
    """The organisations of ``ids``, from a tree this request has loaded when one covers them."""
    ids = frozenset(ids)
    for key, organisations in memoised_values():
        if isinstance(key, tuple) and key[0] == "organisations_below":
            found = [o for o in organisations if o.pk in ids]
            if len(found) == len(ids):
                return found
    return list(Organisation.objects.filter(pk__in=ids).only(*TREE_FIELDS))


def organisations_under(viewer: Viewer, organisation: Organisation) -> list[Organisation]:
    """The organisations below ``organisation`` that the viewer may choose (tree order)."""
    below = [
        o
        for o in organisations_by_id(viewer.organisation_ids)
        if o.path.startswith(organisation.path) and o.pk != organisation.pk
    ]
    return sorted(below, key=lambda o: o.path)


def _lineage_organisations(organisation: Organisation, lineage: list[int]) -> dict:
    """The organisation and its ancestors by id; parents already loaded cost no query."""
    known, node = {}, organisation
    while node is not None:
        known[node.pk] = node
        node = node.parent if node.parent_id and Organisation.parent.is_cached(node) else None
    missing = [pk for pk in lineage if pk not in known]
    if missing:
        known.update({o.pk: o for o in Organisation.objects.filter(pk__in=missing)})
    return known


def national_viewer() -> Viewer:
    """The coordinator's view of all partners: aggregate-only, without non-sharing legal
    entities (at any depth, a top-level legal entity included when it does not share)."""
    organisations = _tree_organisations(None)
    closed = [
        o.path for o in organisations if o.is_legal_entity and not o.shares_figures_with_parent
    ]
    ids = frozenset(o.pk for o in organisations if not any(o.path.startswith(p) for p in closed))
    return Viewer(organisation_ids=ids, detail=False, root_id=None, anchor_ids=ids)


def organisation_viewer(organisation: Organisation) -> Viewer:
    """The organisation's own people (analysts, admins, its API tokens): detail over its own
    legal entity; aggregate-only when sharing legal entities below it are included."""
    organisations = _tree_organisations(organisation.path)
    by_id = {o.pk: o for o in organisations}
    ids = _shared_tree(organisation.path, organisations)
    own = _own_unit(by_id[organisation.pk], by_id)
    if ids == own:
        return Viewer(organisation_ids=ids, detail=True, root_id=organisation.pk)
    return Viewer(organisation_ids=ids, detail=False, root_id=organisation.pk, anchor_ids=ids)


def viewer_for(user, organisation: Organisation) -> Viewer | None:
    """What ``user`` may see on ``organisation``'s dashboard; None when nothing (→ 404)."""
    roles = roles_of(user)
    if not organisation.path or not (roles.sees_organisations or roles.trainer):
        return None
    memberships = _roles(user)  # {organisation id: (path, role)}
    lineage = organisation.lineage_ids
    held = [(pk, memberships[pk][1]) for pk in lineage if pk in memberships]
    if held:
        lineage_orgs = _lineage_organisations(organisation, lineage)
        viewer = _member_viewer(user, organisation, held, lineage, lineage_orgs)
        if viewer is not None:
            return viewer
    if roles.coordinator or roles.staff:
        national = national_viewer()
        if organisation.pk not in national.organisation_ids:
            return None
        scope = _shared_tree(organisation.path, _tree_organisations(organisation.path))
        return Viewer(
            organisation_ids=scope & national.organisation_ids,
            detail=False,
            root_id=organisation.pk,
            anchor_ids=national.organisation_ids,
        )
    return None


def _member_viewer(user, organisation, held, lineage, lineage_orgs) -> Viewer | None:
    """For a person with a role in the organisation or an ancestor (``held``: lineage order)."""
    # The lowest organisation where the person is analyst/admin decides (closest vantage).
    viewing = [(pk, role) for pk, role in held if role in MEMBER_VIEW_ROLES]
    if viewing:
        anchor_pk = viewing[-1][0]
        below = lineage[lineage.index(anchor_pk) + 1 :]
        boundary = [lineage_orgs[pk] for pk in below if lineage_orgs[pk].is_legal_entity]
        anchor = lineage_orgs[anchor_pk]
        if not boundary:
            viewer = organisation_viewer(organisation)
            if viewer.detail or anchor_pk == organisation.pk:
                return viewer
        elif not all(o.shares_figures_with_parent for o in boundary):
            return None
        anchor_ids = _shared_tree(anchor.path, _tree_organisations(anchor.path))
        scope = _shared_tree(organisation.path, _tree_organisations(organisation.path))
        return Viewer(
            organisation_ids=scope & anchor_ids,
            detail=False,
            root_id=organisation.pk,
            anchor_ids=anchor_ids,
        )
    trainer_at = [pk for pk, role in held if role == Role.TRAINER]
    if not trainer_at:
        return None
    below = lineage[lineage.index(trainer_at[-1]) + 1 :]
    if any(lineage_orgs[pk].is_legal_entity for pk in below):
        return None
    organisations = _tree_organisations(organisation.path)
    by_id = {o.pk: o for o in organisations}
    own = _own_unit(by_id[organisation.pk], by_id)
    groups = frozenset(Group.objects.filter(organisation_id__in=own).values_list("pk", flat=True))
    return Viewer(organisation_ids=own, detail=True, root_id=organisation.pk, group_ids=groups)
