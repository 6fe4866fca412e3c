import pytest
from django.urls import reverse

from organisations.models import Group, GroupMember
from tests import factories
from tests.organisations.conftest import member


def groups_url(organisation):
    return reverse("organisations:groups", args=[organisation.slug])


def group_url(group, name="group_detail", *extra):
    return reverse(f"organisations:{name}", args=[group.organisation.slug, group.pk, *extra])


# --- list and create ---------------------------------------------------------------------------


def test_it_lists_groups_with_member_counts(login, trainer, learner, group):
    GroupMember.objects.create(group=group, user=learner)
    response = login(trainer).get(groups_url(group.organisation))
    assert response.status_code == 200
    assert [(g.name, g.member_count) for g in response.context["groups"]] == [("Klas 2025-A", 1)]


def test_it_creates_a_group(login, trainer, organisation):
    response = login(trainer).post(groups_url(organisation), {"name": "Klas B"})
    assert response.status_code == 302
    assert Group.objects.filter(organisation=organisation, name="Klas B").exists()


def test_it_creates_a_group_with_htmx(login, trainer, organisation):
    response = login(trainer).post(
        groups_url(organisation), {"name": "Klas C"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="groups-section"')
    assert "Klas C" in html


@pytest.mark.parametrize("name", ["", "   ", "x" * 151, "klas 2025-a"])
def test_it_rejects_a_bad_name(login, trainer, group, name):
    response = login(trainer).post(groups_url(group.organisation), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Group.objects.count() == 1


@pytest.mark.parametrize("who", ["analyst", "learner", "outsider"])
def test_it_is_404_for_people_who_do_not_manage_groups(login, organisation, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(groups_url(organisation)).status_code == 404
    assert client.post(groups_url(organisation), {"name": "X"}).status_code == 404
    assert not Group.objects.exists()


@pytest.mark.parametrize("size", [1, 15])
def test_it_lists_groups_in_a_fixed_number_of_queries(
    login, trainer, organisation, size, django_assert_max_num_queries
):
    for _ in range(size):
        group = factories.GroupFactory(organisation=organisation)
        GroupMember.objects.create(group=group, user=member(organisation))
    client = login(trainer)
    with django_assert_max_num_queries(6):
        client.get(groups_url(organisation))


# --- detail, add and remove members ------------------------------------------------------------


def test_it_shows_the_group_with_its_members(login, trainer, learner, group):
    GroupMember.objects.create(group=group, user=learner)
    response = login(trainer).get(group_url(group))
    assert response.status_code == 200
    assert [m.user for m in response.context["members"]] == [learner]
    assert response.context["members"][0].role == "learner"


def test_it_finds_members_who_are_not_in_the_group(login, trainer, learner, group, organisation):
    member(organisation, name="Bo Bakker")
    response = login(trainer).get(group_url(group), {"q": "bakker"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="candidates"')
    assert "Bo Bakker" in html and "Lotte" not in html


def test_it_adds_a_member(login, trainer, learner, group):
    response = login(trainer).post(group_url(group, "group_member_add"), {"user": learner.pk})
    assert response.status_code == 302
    assert GroupMember.objects.filter(group=group, user=learner).exists()


def test_it_adds_a_member_with_htmx(login, trainer, learner, group):
    response = login(trainer).post(
        group_url(group, "group_member_add"), {"user": learner.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="group-body"')
    assert "Lotte Learner" in html


def test_it_does_not_add_people_from_elsewhere(login, trainer, outsider, group):
    response = login(trainer).post(
        group_url(group, "group_member_add"), {"user": outsider.pk}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not GroupMember.objects.exists()


def test_it_removes_a_member(login, trainer, learner, group):
    GroupMember.objects.create(group=group, user=learner)
    response = login(trainer).post(group_url(group, "group_member_remove", learner.pk))
    assert response.status_code == 302
    assert not GroupMember.objects.exists()


def test_it_is_404_to_remove_someone_not_in_the_group(login, trainer, learner, group):
    response = login(trainer).post(group_url(group, "group_member_remove", learner.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["analyst", "outsider"])
def test_it_is_404_for_the_group_pages(login, learner, group, who, request):
    GroupMember.objects.create(group=group, user=learner)
    client = login(request.getfixturevalue(who))
    assert client.get(group_url(group)).status_code == 404
    assert (
        client.post(group_url(group, "group_member_add"), {"user": learner.pk}).status_code == 404
    )
    assert client.post(group_url(group, "group_member_remove", learner.pk)).status_code == 404
    assert client.post(group_url(group, "group_rename"), {"name": "X"}).status_code == 404
    assert client.post(group_url(group, "group_delete")).status_code == 404
    assert GroupMember.objects.count() == 1
    assert Group.objects.get().name == "Klas 2025-A"


def test_it_is_404_for_a_group_of_another_organisation(
    login, trainer, organisation, other_organisation
):
    foreign = factories.GroupFactory(organisation=other_organisation)
    url = reverse("organisations:group_detail", args=[organisation.slug, foreign.pk])
    assert login(trainer).get(url).status_code == 404


@pytest.mark.parametrize("size", [1, 20])
def test_it_shows_a_group_in_a_fixed_number_of_queries(
    login, trainer, organisation, group, size, django_assert_max_num_queries
):
    for _ in range(size):
        GroupMember.objects.create(group=group, user=member(organisation))
    client = login(trainer)
    with django_assert_max_num_queries(8):
        client.get(group_url(group), {"q": "person"})


# --- rename and delete -------------------------------------------------------------------------


def test_it_renames_a_group(login, trainer, group):
    response = login(trainer).post(group_url(group, "group_rename"), {"name": "Klas Z"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Klas Z"


def test_it_rejects_a_duplicate_name_when_renaming(login, trainer, group, organisation):
    factories.GroupFactory(organisation=organisation, name="Andere klas")
    response = login(trainer).post(group_url(group, "group_rename"), {"name": "andere KLAS"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    group.refresh_from_db()
    assert group.name == "Klas 2025-A"


def test_it_deletes_a_group_after_confirmation(login, trainer, learner, group):
    GroupMember.objects.create(group=group, user=learner)
    client = login(trainer)
    assert client.get(group_url(group, "group_delete")).status_code == 200
    assert Group.objects.exists()
    response = client.post(group_url(group, "group_delete"))
    assert response.status_code == 302
    assert not Group.objects.exists()
    assert learner.memberships.exists()
