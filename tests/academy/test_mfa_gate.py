"""The two-factor gate: analysts, admins, coordinators and staff need an authenticator app
before the organisation, dashboard, reporting, audit and admin pages; learners and trainers not."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from academy.mfa import user_has_mfa, user_requires_mfa
from academy.middleware import MFA_REQUIRED_MESSAGE
from organisations.permissions import forget_roles
from tests import factories
from tests.accounts.helpers import nl
from tests.mfa import give_totp

PROTECTED = ["/admin/", "/organisations/", "/accounts/audit/", "/trainer/"]


@pytest.fixture
def people(learner, trainer, analyst, org_admin, coordinator, staff_user, content_author):
    return {
        "learner": learner,
        "trainer": trainer,
        "analyst": analyst,
        "org_admin": org_admin,
        "coordinator": coordinator,
        "staff": staff_user,
        "content_author": content_author,
    }


@pytest.mark.django_db
def test_it_knows_whose_role_requires_two_factor_authentication(people):
    required = {name for name, user in people.items() if user_requires_mfa(user)}
    assert required == {"analyst", "org_admin", "coordinator", "staff"}


@pytest.mark.django_db
def test_it_counts_only_an_authenticator_app(analyst):
    assert not user_has_mfa(analyst)
    give_totp(analyst)
    assert user_has_mfa(analyst)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "org_admin", "coordinator", "staff"])
@pytest.mark.parametrize("path", PROTECTED)
def test_it_sends_roles_without_an_authenticator_to_set_one_up(client, people, who, path):
    client.force_login(people[who])
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert nl(MFA_REQUIRED_MESSAGE) in shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("analyst", 404), ("org_admin", 200), ("coordinator", 404), ("staff", 200)]
)
def test_it_lets_them_through_once_they_have_an_authenticator(client, people, who, status):
    """Past the gate the page's own access rule decides (the audit log: admins and staff)."""
    give_totp(people[who])
    client.force_login(people[who])
    assert client.get("/accounts/audit/").status_code == status


@pytest.mark.django_db
def test_it_lets_staff_with_an_authenticator_into_the_admin(client, staff_user):
    give_totp(staff_user)
    client.force_login(staff_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["learner", "trainer", "content_author"])
def test_it_does_not_stop_learners_trainers_or_authors(client, people, who):
    client.force_login(people[who])
    response = client.get("/accounts/audit/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_leaves_other_pages_alone(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
def test_it_answers_htmx_with_a_client_redirect(client, analyst):
    client.force_login(analyst)
    response = client.get("/accounts/audit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
@override_settings(MFA_REQUIRED_PATH_PREFIXES=["/accounts/profile/"])
def test_it_reads_the_protected_prefixes_from_the_settings(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_it_costs_one_query_per_request(django_assert_num_queries, analyst):
    forget_roles(analyst)
    with django_assert_num_queries(1):
        assert user_requires_mfa(analyst)
        assert not user_has_mfa(analyst)
        assert user_requires_mfa(analyst)


@pytest.mark.django_db
def test_it_treats_a_deleted_or_inactive_account_as_having_no_role(analyst):
    analyst.is_active = False
    assert not user_requires_mfa(analyst)
    assert not user_requires_mfa(factories.UserFactory.build())


@pytest.mark.django_db
def test_it_lets_a_pure_trainer_onto_the_trainer_pages_without_an_authenticator(client, trainer):
    client.force_login(trainer)
    assert client.get("/trainer/").status_code == 200


@pytest.mark.django_db
def test_it_stops_a_trainer_who_is_also_an_admin_elsewhere_at_the_trainer_pages(
    client, trainer, other_organisation
):
    factories.MemberFactory(organisation=other_organisation, user=trainer, role="admin")
    client.force_login(trainer)
    response = client.get("/trainer/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    give_totp(trainer)
    assert client.get("/trainer/").status_code == 200
