"""The id token check, on tokens the real provider issued: signature always, issuer, audience,
expiry, an asymmetric algorithm, the nonce of this login."""

import base64
import datetime as dt
import json

import pytest
import time_machine
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

from organisations.sso.tokens import check_nonce, decode_id_token
from tests.sso.harness import callback_url, login_via_provider

pytestmark = [pytest.mark.xdist_group("sso")]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unb64(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture
def issued(oidc_provider):
    """A fresh id token for client org-a, with the nonce we sent."""
    from urllib.parse import parse_qs, urlsplit

    import requests

    redirect_uri = callback_url("org-a")
    start = oidc_provider.authorize_url("org-a", redirect_uri, nonce="n-0S6_WzA2Mj")
    back = login_via_provider(requests.Session(), start, "anna")
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    tokens = oidc_provider.exchange_code("org-a", code, redirect_uri)
    return tokens["id_token"]


def _decode(oidc_provider, token, audience="org-a"):
    return decode_id_token(
        token,
        keys_url=oidc_provider.configuration["jwks_uri"],
        issuer=oidc_provider.issuer,
        audience=audience,
    )


def test_a_genuine_token_passes_and_carries_the_nonce(oidc_provider, issued):
    claims = _decode(oidc_provider, issued)
    assert claims["email"] == "anna@org-a.example"
    check_nonce(claims, "n-0S6_WzA2Mj")
    with pytest.raises(OAuth2Error):
        check_nonce(claims, "another-login")
    with pytest.raises(OAuth2Error):
        check_nonce(claims, None)


def test_a_tampered_payload_is_refused(oidc_provider, issued):
    header, payload, signature = issued.split(".")
    claims = _unb64(payload)
    claims["email"] = "ceo@org-b.example"
    with pytest.raises(OAuth2Error):
        _decode(oidc_provider, f"{header}.{_b64(claims)}.{signature}")


def test_an_unsigned_token_is_refused(oidc_provider, issued):
    header, payload, _ = issued.split(".")
    unsigned = f"{_b64({**_unb64(header), 'alg': 'none'})}.{payload}."
    with pytest.raises(OAuth2Error):
        _decode(oidc_provider, unsigned)


def test_a_token_for_another_client_is_refused(oidc_provider, issued):
    with pytest.raises(OAuth2Error):
        _decode(oidc_provider, issued, audience="org-b")


def test_another_issuer_is_refused(oidc_provider, issued):
    with pytest.raises(OAuth2Error):
        decode_id_token(
            issued,
            keys_url=oidc_provider.configuration["jwks_uri"],
            issuer="https://login.example.org",
            audience="org-a",
        )


def test_an_expired_token_is_refused(oidc_provider, issued):
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)):
        with pytest.raises(OAuth2Error):
            _decode(oidc_provider, issued)
