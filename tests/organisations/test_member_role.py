import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from organisations.models import Membership


def url(organisation, membership):
    return reverse("organisations:member_role", args=[organisation.slug, membership.pk])


@pytest.fixture
def lotte(learner, organisation):
    return Membership.objects.get(user=learner, organisation=organisation)


def test_it_changes_the_role_and_returns_to_the_members(login, org_admin, organisation, lotte):
    response = login(org_admin).post(url(organisation, lotte), {"role": "trainer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.slug])
    lotte.refresh_from_db()
    assert lotte.role == "trainer"
    assert AuditEvent.objects.filter(action="role_changed", subject_user=lotte.user).exists()


def test_it_answers_htmx_with_the_updated_row(login, org_admin, organisation, lotte):
    response = login(org_admin).post(
        url(organisation, lotte), {"role": "analyst"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="member-{lotte.pk}"')
    assert '<option value="analyst" selected>' in html
    assert "academy-badge--ok" in html


def test_it_shows_a_form_without_javascript(login, org_admin, organisation, lotte):
    response = login(org_admin).get(url(organisation, lotte))
    assert response.status_code == 200
    assert [value for value, _ in response.context["form"].fields["role"].choices] == [
        "learner",
        "trainer",
        "analyst",
        "admin",
    ]


def test_it_rejects_an_unknown_role(login, org_admin, organisation, lotte):
    response = login(org_admin).post(url(organisation, lotte), {"role": "boss"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    lotte.refresh_from_db()
    assert lotte.role == "learner"
    assert not AuditEvent.objects.exists()


def test_it_does_not_let_admins_change_their_own_role(login, org_admin, organisation):
    own = Membership.objects.get(user=org_admin)
    response = login(org_admin).post(url(organisation, own), {"role": "learner"})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    own.refresh_from_db()
    assert own.role == "admin"


@pytest.mark.parametrize("who", ["trainer", "analyst", "outsider", "learner"])
def test_it_is_404_for_everyone_but_admins(login, organisation, lotte, who, request):
    person = request.getfixturevalue(who)
    client = login(person)
    assert client.get(url(organisation, lotte)).status_code == 404
    assert client.post(url(organisation, lotte), {"role": "admin"}).status_code == 404
    lotte.refresh_from_db()
    assert lotte.role == "learner"


def test_it_is_404_for_a_membership_of_another_organisation(
    login, org_admin, organisation, other_organisation, outsider
):
    foreign = Membership.objects.get(user=outsider)
    assert login(org_admin).get(url(organisation, foreign)).status_code == 404
