from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import GroupMember, Invitation
from tests import factories
from tests.organisations.conftest import member

URL = reverse("organisations:overview")


def _invitation(organisation, email, **fields):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=3))
    return Invitation.objects.create(organisation=organisation, email=email, token=email, **fields)


def test_it_shows_real_numbers_per_organisation(login, analyst, organisation, sub_organisation):
    for _ in range(3):
        member(organisation, "learner")
    member(organisation, "trainer")
    member(sub_organisation, "learner")
    group = factories.GroupFactory(organisation=organisation, name="Klas 2025-A")
    GroupMember.objects.create(group=group, user=member(organisation, "learner"))
    _invitation(organisation, "p@example.org")
    _invitation(organisation, "a@example.org", status="accepted")
    _invitation(organisation, "old@example.org", expires_at=timezone.now() - timedelta(days=1))

    response = login(analyst).get(URL)

    assert response.status_code == 200
    card = response.context["cards"][0]
    assert card.organisation == organisation
    assert card.own.roles == {"learner": 4, "trainer": 1, "analyst": 1}
    assert card.own.groups == 1 and card.groups[0].member_count == 1
    assert card.own.pending_invitations == 1 and card.own.accepted_invitations == 1
    assert [row.organisation for row in card.sub_rows] == [sub_organisation]
    assert card.total.members == 7
    html = response.content.decode()
    assert "Klas 2025-A" in html and "Eenheid Noord" in html
    assert reverse("organisations:audit", args=[organisation.slug]) not in html


def test_it_links_admins_to_the_audit_log(login, org_admin, organisation):
    response = login(org_admin).get(URL)
    assert reverse("organisations:audit", args=[organisation.slug]) in response.content.decode()


def test_it_shows_each_organisation_once_under_its_top(login, organisation, sub_organisation):
    person = member(organisation, "admin")
    factories.MemberFactory(user=person, organisation=sub_organisation, role="analyst")
    response = login(person).get(URL)
    assert [card.organisation for card in response.context["cards"]] == [organisation]


def test_it_shows_coordinators_every_top_level_organisation(
    login, coordinator, organisation, other_organisation, sub_organisation
):
    response = login(coordinator).get(URL)
    assert response.status_code == 200
    assert {card.organisation for card in response.context["cards"]} == {
        organisation,
        other_organisation,
    }
    assert not any(card.can_view_members for card in response.context["cards"])


def test_it_shows_staff_every_top_level_organisation(
    login, staff_user, organisation, other_organisation
):
    response = login(staff_user).get(URL)
    assert len(response.context["cards"]) == 2


def test_it_shows_outsiders_only_their_own_organisation(
    login, outsider, organisation, other_organisation
):
    response = login(outsider).get(URL)
    assert [card.organisation for card in response.context["cards"]] == [other_organisation]
    assert organisation.name not in response.content.decode()


def test_it_is_not_there_for_learners(login, learner):
    assert login(learner).get(URL).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("size", [1, 6])
def test_it_uses_a_fixed_number_of_queries(login, coordinator, size, django_assert_max_num_queries):
    for i in range(size):
        top = factories.OrganisationFactory(name=f"Top {i}")
        unit = factories.OrganisationFactory(name=f"Unit {i}", parent=top)
        for org in (top, unit):
            for role in ("learner", "trainer", "admin"):
                member(org, role)
            group = factories.GroupFactory(organisation=org)
            GroupMember.objects.create(group=group, user=member(org))
            _invitation(org, f"i{i}-{org.pk}@example.org")
    client = login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert len(response.context["cards"]) == size
