"""Helpers of the single sign-on tests: organisations with a provider, and a whole login with
the Django test client on the platform's side and ``requests`` on the provider's side."""

from urllib.parse import urlsplit

import requests

from organisations.models import IdentityProvider, IdentityProviderDomain
from organisations.sso import secrets
from tests.factories import OrganisationFactory
from tests.sso.harness import login_via_provider


def organisation_with_provider(oidc_provider, client_id: str, domain: str, **fields):
    organisation = fields.pop("organisation", None) or OrganisationFactory(
        name=f"Organisatie {client_id}", kind="police"
    )
    client = oidc_provider.client(client_id)
    provider = IdentityProvider.objects.create(
        organisation=organisation,
        slug=client_id,
        name=f"{organisation.name}-account",
        issuer=oidc_provider.issuer,
        client_id=client.client_id,
        client_secret_encrypted=secrets.encrypt(client.client_secret),
        **fields,
    )
    IdentityProviderDomain.objects.create(provider=provider, domain=domain)
    return provider


def sso_login(client, email: str, account_id: str, *, follow_callback=True):
    """Type ``email`` on the login page, sign in as ``account_id`` at the provider and come
    back. Returns (the platform's response to the callback, the callback path)."""
    start = client.post("/accounts/login/", {"login": email})
    assert start.status_code == 302, start.content[:500]
    back = login_via_provider(requests.Session(), start["Location"], account_id)
    location = back.headers.get("Location", "")
    assert "/accounts/sso/" in location, (back.status_code, back.text[:300])
    parts = urlsplit(location)
    path = f"{parts.path}?{parts.query}"
    if not follow_callback:
        return None, path
    return client.get(path), path
