import pytest
from django.urls import reverse

from organisations.models import GroupMember
from tests import factories
from tests.organisations.conftest import member


def url(organisation, **params):
    base = reverse("organisations:detail", args=[organisation.slug])
    if params:
        from urllib.parse import urlencode

        base += "?" + urlencode(params)
    return base


def test_it_lists_the_members_with_their_groups_for_trainers(
    login, trainer, learner, organisation, group
):
    GroupMember.objects.create(group=group, user=learner)
    response = login(trainer).get(url(organisation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lotte Learner" in html and learner.email in html
    assert "Klas 2025-A" in html
    assert "/role/" not in html  # trainers do not change roles
    assert reverse("organisations:invitation_new", args=[organisation.slug]) in html


def test_it_offers_admins_role_changes_for_others_only(login, org_admin, learner, organisation):
    response = login(org_admin).get(url(organisation))
    html = response.content.decode()
    assert (
        reverse("organisations:member_role", args=[organisation.slug, learner.memberships.get().pk])
        in html
    )
    own = org_admin.memberships.get()
    assert reverse("organisations:member_role", args=[organisation.slug, own.pk]) not in html


def test_it_searches_by_name_and_email_and_filters_by_role(login, org_admin, organisation):
    member(organisation, "learner", name="Bram Bakker", email="bram@example.org")
    member(organisation, "trainer", name="Cees Claassen", email="cees@politie.example")
    client = login(org_admin)

    by_name = client.get(url(organisation, q="bakker")).context["page"]
    assert [m.user.name for m in by_name] == ["Bram Bakker"]
    by_email = client.get(url(organisation, q="politie.example")).context["page"]
    assert [m.user.name for m in by_email] == ["Cees Claassen"]
    trainers = client.get(url(organisation, role="trainer")).context["page"]
    assert [m.user.name for m in trainers] == ["Cees Claassen"]


def test_it_answers_htmx_with_the_members_partial(login, trainer, organisation):
    response = login(trainer).get(url(organisation, q="Tim"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="members"')
    assert "<h1" not in html


def test_it_ignores_an_unknown_role_filter(login, trainer, learner, organisation):
    response = login(trainer).get(url(organisation, role="boss"))
    assert response.status_code == 200
    assert "role" in response.context["filter_form"].errors


def test_it_shows_analysts_numbers_but_no_names(login, analyst, learner, organisation):
    response = login(analyst).get(url(organisation))
    assert response.status_code == 200
    assert "page" not in response.context
    assert learner.email not in response.content.decode()
    assert response.context["card"].own.roles["learner"] == 1


def test_it_lets_an_admin_of_the_parent_see_a_sub_organisation(login, org_admin, sub_organisation):
    factories.MemberFactory(
        organisation=sub_organisation, role="learner", user__name="Unit Learner"
    )
    response = login(org_admin).get(url(sub_organisation))
    assert response.status_code == 200
    assert "Unit Learner" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "learner"])
def test_it_is_404_for_outsiders_and_learners(login, organisation, who, request):
    person = request.getfixturevalue(who)
    assert login(person).get(url(organisation)).status_code == 404


def test_it_is_404_for_a_unit_trainer_on_the_parent(login, organisation, sub_organisation):
    unit_trainer = member(sub_organisation, "trainer")
    assert login(unit_trainer).get(url(organisation)).status_code == 404


def test_it_is_404_for_an_unknown_organisation(login, org_admin):
    assert login(org_admin).get("/organisations/does-not-exist/").status_code == 404


@pytest.mark.parametrize("size", [2, 25])
def test_it_uses_a_fixed_number_of_queries(
    login, org_admin, organisation, size, django_assert_max_num_queries
):
    groups = [factories.GroupFactory(organisation=organisation) for _ in range(3)]
    for i in range(size):
        person = member(organisation, "learner")
        GroupMember.objects.create(group=groups[i % 3], user=person)
    client = login(org_admin)
    with django_assert_max_num_queries(13):
        response = client.get(url(organisation))
    assert len(response.context["page"].object_list) == min(size + 1, 25)
