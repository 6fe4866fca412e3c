"""Identity providers in the admin: platform staff (superusers) only, the secret write-only and
encrypted, claims never grant analyst or admin, every change audited."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from organisations.models import IdentityProvider
from organisations.sso import secrets
from tests.factories import OrganisationFactory, UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

ADD = reverse("admin:organisations_identityprovider_add")


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    give_totp(user)
    client.force_login(user)
    return client


def _data(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "slug": "politie",
        "name": "Politie-account",
        "issuer": "https://login.politie.example/",
        "client_id": "academy",
        "client_secret": "s3cret-value",
        "group_mapping": '{"basisteam": {"group": "Basisteam", "role": "trainer"}}',
        "is_active": "on",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "@Politie.Example",
    }
    return data | overrides


def test_staff_add_a_provider_the_secret_is_encrypted_and_audited(superuser_client):
    organisation = OrganisationFactory()
    response = superuser_client.post(ADD, _data(organisation))
    assert response.status_code == 302, response.content.decode()[:2000]

    provider = IdentityProvider.objects.get()
    assert provider.issuer == "https://login.politie.example"
    assert list(provider.domains.values_list("domain", flat=True)) == ["politie.example"]
    assert "s3cret-value" not in provider.client_secret_encrypted
    assert secrets.client_secret(provider) == "s3cret-value"
    change = superuser_client.get(
        reverse("admin:organisations_identityprovider_change", args=[provider.pk])
    )
    assert "s3cret-value" not in change.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SSO_PROVIDER_CHANGED)
    assert event.organisation == organisation
    assert "s3cret-value" not in str(event.data) + event.summary


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_a_mapping_to_analyst_or_admin_is_refused(superuser_client, role):
    data = _data(OrganisationFactory(), group_mapping=f'{{"x": {{"role": "{role}"}}}}')
    response = superuser_client.post(ADD, data)
    assert response.status_code == 200
    assert "never" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_a_plain_http_issuer_is_refused(superuser_client):
    response = superuser_client.post(ADD, _data(OrganisationFactory(), issuer="http://idp.example"))
    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()


def test_only_superusers_see_identity_providers(client, staff_user):
    give_totp(staff_user)
    client.force_login(staff_user)
    assert client.get(ADD).status_code == 403
