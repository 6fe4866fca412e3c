"""The permission matrix: each role held in one organisation ("own"), checked against that
organisation, one below it ("sub"), the one above it ("parent") and an unrelated one; plus
coordinators and staff. A role holds in its organisation and everything below it, never above."""

import pytest

from organisations import permissions
from organisations.models import Membership, Role
from tests import factories

ROLES = ["learner", "trainer", "analyst", "admin"]
POSITIONS = ["own", "sub", "parent", "unrelated"]

# rule → the roles that hold it in their own organisation and below.
EXPECTED = {
    "view_organisation": {"trainer", "analyst", "admin"},
    "view_members": {"trainer", "admin"},
    "manage_members": {"admin"},
    "invite_learner": {"trainer", "admin"},
    "invite_trainer": {"admin"},
    "invite_analyst": {"admin"},
    "invite_admin": {"admin"},
    "manage_groups": {"trainer", "admin"},
    "manage_group": {"trainer", "admin"},
    "view_dashboard": {"analyst", "admin"},
    "read_audit": {"admin"},
    "view_learner_progress": {"trainer", "admin"},
    "in_visible_organisations": {"trainer", "analyst", "admin"},
    "in_learners_visible_to": {"trainer", "admin"},
}
COORDINATOR_RULES = {"view_organisation", "view_dashboard", "in_visible_organisations"}


@pytest.fixture
def tree(db):
    parent = factories.OrganisationFactory(name="Politie")
    own = factories.OrganisationFactory(name="Eenheid Noord", parent=parent)
    sub = factories.OrganisationFactory(name="Team Groningen", parent=own)
    unrelated = factories.OrganisationFactory(name="Gemeente Utrecht")
    return {"own": own, "sub": sub, "parent": parent, "unrelated": unrelated}


def check(rule: str, user, organisation) -> bool:
    if rule == "view_organisation":
        return permissions.can_view_organisation(user, organisation)
    if rule == "view_members":
        return permissions.can_view_members(user, organisation)
    if rule == "manage_members":
        return permissions.can_manage_members(user, organisation)
    if rule.startswith("invite_"):
        return permissions.can_invite(user, organisation, rule.removeprefix("invite_"))
    if rule == "manage_groups":
        return permissions.can_manage_groups(user, organisation)
    if rule == "manage_group":
        group = factories.GroupFactory(organisation=organisation)
        return permissions.can_manage_group(user, group)
    if rule == "view_dashboard":
        return permissions.can_view_dashboard(user, organisation)
    if rule == "read_audit":
        return permissions.can_read_audit(user, organisation)
    if rule == "view_learner_progress":
        learner = factories.MemberFactory(organisation=organisation, role="learner").user
        return permissions.can_view_learner_progress(user, learner)
    if rule == "in_visible_organisations":
        return permissions.visible_organisations(user).filter(pk=organisation.pk).exists()
    if rule == "in_learners_visible_to":
        learner = factories.MemberFactory(organisation=organisation, role="learner").user
        return permissions.learners_visible_to(user).filter(pk=learner.pk).exists()
    raise AssertionError(rule)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_it_applies_the_rule_per_role_and_place_in_the_tree(tree, rule, role, position):
    user = factories.MemberFactory(organisation=tree["own"], role=role).user
    expected = role in EXPECTED[rule] and position in ("own", "sub")
    assert check(rule, user, tree[position]) is expected


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_it_lets_coordinators_see_numbers_everywhere_but_no_names(
    tree, coordinator, rule, position
):
    assert check(rule, coordinator, tree[position]) is (rule in COORDINATOR_RULES)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_it_lets_staff_do_everything(tree, staff_user, rule, position):
    assert check(rule, staff_user, tree[position]) is True


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_it_gives_people_without_a_role_nothing(tree, rule):
    nobody = factories.UserFactory()
    assert check(rule, nobody, tree["own"]) is False


def test_it_gives_anonymous_visitors_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not permissions.can_view_organisation(anonymous, tree["own"])
    assert not permissions.can_invite(anonymous, tree["own"])
    assert not permissions.can_view_overview(anonymous)
    assert not permissions.visible_organisations(anonymous).exists()
    assert not permissions.learners_visible_to(anonymous).exists()


def test_it_uses_the_highest_role_from_the_organisation_or_its_ancestors(tree):
    user = factories.MemberFactory(organisation=tree["own"], role="learner").user
    Membership.objects.create(user=user, organisation=tree["parent"], role="admin")
    assert permissions.effective_role(user, tree["own"]) == Role.ADMIN
    assert permissions.can_manage_members(user, tree["sub"])


def test_it_lets_nobody_grant_a_role_above_their_own(tree):
    trainer = factories.MemberFactory(organisation=tree["own"], role="trainer").user
    admin = factories.MemberFactory(organisation=tree["own"], role="admin").user
    assert permissions.grantable_roles(trainer, tree["own"]) == ["learner"]
    assert permissions.grantable_roles(admin, tree["sub"]) == Role.values
    assert permissions.grantable_roles(admin, tree["parent"]) == []


def test_it_lets_learners_see_their_own_progress(tree):
    learner = factories.MemberFactory(organisation=tree["own"], role="learner").user
    assert permissions.can_view_learner_progress(learner, learner)


def test_it_hides_learners_of_a_parent_organisation_from_a_unit_trainer(tree):
    trainer = factories.MemberFactory(organisation=tree["sub"], role="trainer").user
    above = factories.MemberFactory(organisation=tree["own"], role="learner").user
    assert not permissions.can_view_learner_progress(trainer, above)


def test_it_lists_the_subtree_ids(tree):
    ids = permissions.subtree_ids([tree["own"]])
    assert ids == {tree["own"].pk, tree["sub"].pk}


def test_it_lists_the_organisations_for_a_role(tree):
    user = factories.MemberFactory(organisation=tree["own"], role="trainer").user
    assert set(permissions.organisations_for(user, ["trainer"])) == {tree["own"], tree["sub"]}
    assert not permissions.organisations_for(user, ["admin"]).exists()


def test_it_checks_many_organisations_with_one_query(tree, django_assert_num_queries):
    user = factories.MemberFactory(organisation=tree["own"], role="admin").user
    with django_assert_num_queries(1):
        for org in tree.values():
            permissions.can_manage_members(user, org)
            permissions.can_invite(user, org, "learner")
            permissions.can_read_audit(user, org)
