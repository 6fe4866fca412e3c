"""Partner API tokens: the service (hashing, verification, revocation, last use) and the pages
where an organisation's administrators list, create and revoke them."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from organisations import permissions
from organisations.queries import ancestors_of
from reporting import tokens
from reporting.models import ApiToken
from tests import factories
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def _create(organisation, actor=None, name="HR dashboard"):
    return tokens.token_create(organisation=organisation, name=name, actor=actor)


# --- the service ----------------------------------------------------------------------------


def test_create_stores_only_a_hash_and_a_short_prefix(organisation, org_admin):
    token, raw = _create(organisation, org_admin)

    assert raw.startswith("acad_")
    assert len(raw) == len("acad_") + 43
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert token.created_by == org_admin
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}


def test_each_token_is_new(organisation):
    raws = {_create(organisation)[1] for _ in range(5)}
    assert len(raws) == 5


def test_create_is_audited_for_the_organisation(organisation, org_admin):
    token, _raw = _create(organisation, org_admin, name="Data warehouse")

    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_CREATED)
    assert event.actor == org_admin
    assert event.organisation == organisation
    assert "Data warehouse" in event.summary
    assert event.data == {"token_id": token.pk, "prefix": token.prefix}


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_refuses_a_bad_name_and_saves_nothing(organisation, org_admin, name):
    with pytest.raises(ValidationError):
        _create(organisation, org_admin, name=name)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_authenticate_accepts_the_token_and_loads_its_organisation(organisation):
    token, raw = _create(organisation)

    found = tokens.token_authenticate(raw)

    assert found == token
    with CaptureQueriesContext(connection) as queries:
        assert found.organisation == organisation
    assert len(queries) == 0


@pytest.mark.parametrize(
    "candidate",
    [None, "", "acad_", "Bearer", "acad_" + "A" * 43, "xxxx_" + "A" * 43, "acad_" + "A" * 500],
)
def test_authenticate_refuses_anything_else(organisation, candidate):
    _create(organisation)
    assert tokens.token_authenticate(candidate) is None


def test_authenticate_needs_no_query_for_something_that_is_not_a_token(organisation):
    with CaptureQueriesContext(connection) as queries:
        assert tokens.token_authenticate("not-a-token") is None
        assert tokens.token_authenticate("acad_short") is None
    assert len(queries) == 0


def test_a_token_differing_in_one_character_is_refused(organisation):
    _token, raw = _create(organisation)
    last = "A" if raw[-1] != "A" else "B"
    assert tokens.token_authenticate(raw[:-1] + last) is None


def test_revoke_stops_the_token_and_is_audited_once(organisation, org_admin):
    token, raw = _create(organisation, org_admin)

    assert tokens.token_revoke(token=token, actor=org_admin) is True
    assert tokens.token_revoke(token=token, actor=org_admin) is False

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.token_authenticate(raw) is None
    events = AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_REVOKED)
    assert events.count() == 1
    assert events.get().organisation == organisation


def test_last_use_is_written_at_most_once_a_minute(organisation):
    token, raw = _create(organisation)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        tokens.token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert tokens.token_authenticate(raw) == token
    assert len(queries) == 1  # the lookup, no write
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        tokens.token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == later


# --- who may manage tokens -------------------------------------------------------------------


def _may(user, organisation):
    return permissions.can_manage_api_tokens(user, organisation, ancestors_of(organisation))


def test_admins_and_staff_manage_tokens_others_do_not(
    organisation, org_admin, analyst, trainer, learner, outsider_admin, coordinator, staff_user
):
    assert _may(org_admin, organisation)
    assert _may(staff_user, organisation)
    for person in (analyst, trainer, learner, outsider_admin, coordinator):
        assert not _may(person, organisation)


def test_an_admin_above_manages_units_but_not_an_own_legal_entity(organisation, org_admin):
    unit = factories.OrganisationFactory(name="Eenheid Utrecht", parent=organisation)
    bank = factories.OrganisationFactory(name="Bank", parent=organisation)
    bank.is_legal_entity = True
    bank.shares_figures_with_parent = True
    bank.save(update_fields=["is_legal_entity", "shares_figures_with_parent"])
    bank_admin = factories.MemberFactory(organisation=bank, role="admin").user

    assert _may(org_admin, unit)
    assert not _may(org_admin, bank)
    assert _may(bank_admin, bank)


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, org_admin):
    give_totp(org_admin)
    client.force_login(org_admin)
    return client


def _list_url(organisation):
    return reverse("reporting:api_tokens", args=[organisation.slug])


def test_admin_sees_the_tokens_with_their_prefix_only(admin_client, organisation, org_admin):
    token, raw = _create(organisation, org_admin, name="Data warehouse")

    response = admin_client.get(_list_url(organisation))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Data warehouse" in content
    assert token.prefix in content
    assert raw not in content
    assert "Revoke" in content


def test_creating_shows_the_token_once(admin_client, organisation):
    response = admin_client.post(_list_url(organisation), {"name": "Data warehouse"})

    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["new_token"]
    assert tokens.token_authenticate(raw) == token
    assert f'value="{raw}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_CREATED).count() == 1

    again = admin_client.get(_list_url(organisation))
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_creating_without_a_name_shows_the_error_and_saves_nothing(admin_client, organisation):
    response = admin_client.post(_list_url(organisation), {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "new_token" not in response.context
    assert not ApiToken.objects.exists()


def test_revoking(admin_client, organisation, org_admin):
    token, raw = _create(organisation, org_admin)
    url = reverse("reporting:api_token_revoke", args=[organisation.slug, token.pk])

    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == _list_url(organisation)
    assert tokens.token_authenticate(raw) is None
    page = admin_client.get(_list_url(organisation)).content.decode()
    assert "Revoked on" in page


def test_a_token_of_another_organisation_cannot_be_revoked_here(
    admin_client, organisation, other_organisation
):
    token, raw = _create(other_organisation)
    url = reverse("reporting:api_token_revoke", args=[organisation.slug, token.pk])

    assert admin_client.post(url).status_code == 404
    assert tokens.token_authenticate(raw) == token


@pytest.mark.parametrize("persona", ["analyst", "trainer", "learner", "outsider_admin"])
def test_others_get_404(client, request, organisation, persona):
    person = request.getfixturevalue(persona)
    give_totp(person)
    client.force_login(person)
    token, _raw = _create(organisation)

    assert client.get(_list_url(organisation)).status_code == 404
    assert client.post(_list_url(organisation), {"name": "Mine"}).status_code == 404
    revoke = reverse("reporting:api_token_revoke", args=[organisation.slug, token.pk])
    assert client.post(revoke).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert ApiToken.objects.count() == 1


def test_anonymous_people_are_sent_to_log_in(client, organisation):
    response = client.get(_list_url(organisation))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_unknown_organisation_is_404(admin_client):
    assert admin_client.get(reverse("reporting:api_tokens", args=["nope"])).status_code == 404


def test_the_list_takes_the_same_number_of_queries_for_more_tokens(
    admin_client, organisation, org_admin
):
    _create(organisation, org_admin)
    admin_client.get(_list_url(organisation))  # the session's first request does more
    with CaptureQueriesContext(connection) as few:
        admin_client.get(_list_url(organisation))
    for index in range(6):
        token, _raw = _create(organisation, factories.UserFactory(), name=f"Token {index}")
        if index % 2:
            tokens.token_revoke(token=token, actor=org_admin)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(_list_url(organisation))
    assert len(response.context["tokens"]) == 7
    assert len(many) == len(few)
