import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from organisations.models import GroupMember, Membership


def url(organisation, membership):
    return reverse("organisations:member_remove", args=[organisation.slug, membership.pk])


@pytest.fixture
def lotte(learner, organisation):
    return Membership.objects.get(user=learner, organisation=organisation)


def test_it_asks_for_confirmation(login, org_admin, organisation, lotte):
    response = login(org_admin).get(url(organisation, lotte))
    assert response.status_code == 200
    assert Membership.objects.filter(pk=lotte.pk).exists()


def test_it_removes_the_member_and_their_groups(login, org_admin, organisation, lotte, group):
    GroupMember.objects.create(group=group, user=lotte.user)
    response = login(org_admin).post(url(organisation, lotte))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=lotte.pk).exists()
    assert not GroupMember.objects.exists()
    assert AuditEvent.objects.filter(action="member_removed").count() == 1


def test_it_does_not_let_admins_remove_themselves(login, org_admin, organisation):
    own = Membership.objects.get(user=org_admin)
    response = login(org_admin).post(url(organisation, own), follow=True)
    assert response.status_code == 200
    assert Membership.objects.filter(pk=own.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("who", ["trainer", "analyst", "outsider"])
def test_it_is_404_for_everyone_but_admins(login, organisation, lotte, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(url(organisation, lotte)).status_code == 404
    assert client.post(url(organisation, lotte)).status_code == 404
    assert Membership.objects.filter(pk=lotte.pk).exists()
