"""The OpenID Connect provider of the single sign-on tests works end to end: discovery, the
authorisation-code flow with plain ``requests``, signed ID tokens with the claims the Academy
reads (e-mail, groups, amr, ...), and the refusals a real provider makes."""

import base64
import hashlib
import json
import secrets
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from tests.sso.harness import (
    DEFAULT_ACCOUNTS,
    callback_url,
    login_via_provider,
    start_provider_or_skip,
)

CHROMIUM = "/usr/bin/chromium"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sign_in(provider, client_id: str, account_id: str, *, session=None, **params):
    """The callback's query (code, state, iss) and the nonce of a completed sign-in."""
    redirect_uri = callback_url(client_id)
    nonce = params.pop("nonce", secrets.token_urlsafe(16))
    start = provider.authorize_url(client_id, redirect_uri, nonce=nonce, **params)
    response = login_via_provider(session or requests.Session(), start, account_id)
    assert response.is_redirect, response.text
    location = response.headers["Location"]
    assert location.startswith(redirect_uri + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}, nonce


def id_token_of(provider, client_id: str, account_id: str, **params) -> dict:
    query, nonce = sign_in(provider, client_id, account_id, **params)
    tokens = provider.exchange_code(client_id, query["code"], callback_url(client_id))
    claims = provider.verify_id_token(tokens["id_token"], client_id)
    assert claims["nonce"] == nonce
    return claims


def test_discovery_document(oidc_provider):
    response = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=5)

    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == oidc_provider.issuer
    assert oidc_provider.issuer.startswith("http://127.0.0.1:")
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert document[endpoint].startswith(oidc_provider.issuer + "/")
    assert document["response_types_supported"] == ["code"]
    assert set(document["token_endpoint_auth_methods_supported"]) == {
        "client_secret_post",
        "client_secret_basic",
    }
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "profile", "email", "groups"} <= set(document["scopes_supported"])
    assert {"email", "email_verified", "name", "locale", "groups", "amr"} <= set(
        document["claims_supported"]
    )
    assert "S256" in document["code_challenge_methods_supported"]
    keys = requests.get(document["jwks_uri"], timeout=5).json()["keys"]
    assert [(key["kty"], key["alg"]) for key in keys] == [("RSA", "RS256")]
    assert "d" not in keys[0]


def test_code_flow_id_token_carries_the_claims(oidc_provider):
    state = secrets.token_urlsafe(16)
    redirect_uri = callback_url("org-a")
    start = oidc_provider.authorize_url(
        "org-a", redirect_uri, scope="openid email profile", state=state, nonce="nonce-anna"
    )

    response = login_via_provider(requests.Session(), start, "anna")

    assert response.status_code in (302, 303)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == [state]
    assert query["iss"] == [oidc_provider.issuer]
    tokens = oidc_provider.exchange_code("org-a", query["code"][0], redirect_uri)
    assert jwt.get_unverified_header(tokens["id_token"])["alg"] == "RS256"
    signing_key = jwt.PyJWKClient(oidc_provider.configuration["jwks_uri"]).get_signing_key_from_jwt(
        tokens["id_token"]
    )
    claims = jwt.decode(
        tokens["id_token"],
        signing_key.key,
        algorithms=["RS256"],
        audience="org-a",
        issuer=oidc_provider.issuer,
    )
    anna = DEFAULT_ACCOUNTS["anna"]
    assert claims["sub"] == "anna"
    assert claims["nonce"] == "nonce-anna"
    assert claims["email"] == anna["email"]
    assert claims["email_verified"] is True
    assert claims["name"] == "Anna de Vries"
    assert claims["given_name"] == "Anna"
    assert claims["family_name"] == "de Vries"
    assert claims["locale"] == "nl"
    assert claims["groups"] == ["academy-trainers"]
    assert claims["amr"] == ["pwd", "mfa"]


def test_a_tampered_id_token_is_refused(oidc_provider):
    query, _ = sign_in(oidc_provider, "org-a", "anna")
    id_token = oidc_provider.exchange_code("org-a", query["code"], callback_url("org-a"))[
        "id_token"
    ]
    header, payload, signature = id_token.split(".")
    claims = jwt.decode(id_token, options={"verify_signature": False})
    forged = base64.urlsafe_b64encode(
        json.dumps({**claims, "amr": ["pwd", "mfa", "hwk"]}).encode()
    ).rstrip(b"=")

    with pytest.raises(jwt.InvalidSignatureError):
        oidc_provider.verify_id_token(f"{header}.{forged.decode()}.{signature}", "org-a")
    with pytest.raises(jwt.InvalidAudienceError):
        oidc_provider.verify_id_token(id_token, "org-b")


def test_userinfo_carries_the_same_claims(oidc_provider):
    query, _ = sign_in(oidc_provider, "org-a", "anna")
    tokens = oidc_provider.exchange_code("org-a", query["code"], callback_url("org-a"))

    response = requests.get(
        oidc_provider.configuration["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )

    assert response.status_code == 200
    info = response.json()
    assert info["sub"] == "anna"
    assert info["email"] == "anna@org-a.example"
    assert info["email_verified"] is True
    assert info["groups"] == ["academy-trainers"]
    assert info["amr"] == ["pwd", "mfa"]
    assert info["locale"] == "nl"


@pytest.mark.parametrize("amr", [["pwd"], ["pwd", "mfa"]])
def test_added_accounts_carry_their_own_amr(oidc_provider, amr):
    account_id = unique("sekswerker")
    stored = oidc_provider.add_account(
        account_id,
        email=f"{account_id}@org-b.example",
        name="Sam Bakker",
        groups=["peer-educators", "coordinators"],
        amr=amr,
    )
    assert stored["email_verified"] is True

    # org-b authenticates with HTTP Basic at the token endpoint, org-a with a form post.
    claims = id_token_of(oidc_provider, "org-b", account_id)

    assert claims["sub"] == account_id
    assert claims["aud"] == "org-b"
    assert claims["email"] == f"{account_id}@org-b.example"
    assert claims["groups"] == ["peer-educators", "coordinators"]
    assert claims["amr"] == amr


def test_account_replaced_at_runtime_and_claim_left_out(oidc_provider):
    account_id = unique("lid")
    subject = uuid.uuid4().hex
    oidc_provider.add_account(account_id, sub=subject, email_verified=False, groups=None)

    claims = id_token_of(oidc_provider, "org-a", account_id)

    assert claims["sub"] == subject
    assert claims["email_verified"] is False
    assert "groups" not in claims
    oidc_provider.add_account(account_id, email="nieuw@org-a.example", amr=["pwd", "mfa"])
    assert id_token_of(oidc_provider, "org-a", account_id)["email"] == "nieuw@org-a.example"


def test_sign_in_with_the_email_address(oidc_provider):
    claims = id_token_of(oidc_provider, "org-b", "Bram@org-b.example")

    assert claims["sub"] == "bram"
    assert claims["amr"] == ["pwd"]


def test_the_scope_decides_which_claims(oidc_provider):
    only_openid = id_token_of(oidc_provider, "org-a", "anna", scope="openid")
    with_groups = id_token_of(oidc_provider, "org-a", "anna", scope="openid groups")

    assert only_openid["amr"] == ["pwd", "mfa"]
    assert not {"email", "name", "groups"} & set(only_openid)
    assert with_groups["groups"] == ["academy-trainers"]
    assert "email" not in with_groups


def test_pkce_is_checked_when_sent(oidc_provider):
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect_uri = callback_url("org-a")
    first, _ = sign_in(
        oidc_provider, "org-a", "anna", code_challenge=challenge, code_challenge_method="S256"
    )
    second, _ = sign_in(
        oidc_provider, "org-a", "anna", code_challenge=challenge, code_challenge_method="S256"
    )

    with pytest.raises(requests.HTTPError) as refused:
        oidc_provider.exchange_code("org-a", first["code"], redirect_uri, code_verifier="x" * 43)
    assert refused.value.response.json()["error"] == "invalid_grant"
    tokens = oidc_provider.exchange_code(
        "org-a", second["code"], redirect_uri, code_verifier=verifier
    )
    assert oidc_provider.verify_id_token(tokens["id_token"], "org-a")["sub"] == "anna"


def test_a_code_works_once_and_only_for_its_own_client(oidc_provider):
    query, _ = sign_in(oidc_provider, "org-a", "anna")
    org_b_id, org_b_secret = oidc_provider.client("org-b")

    stolen = requests.post(
        oidc_provider.configuration["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": callback_url("org-a"),
        },
        auth=(org_b_id, org_b_secret),
        timeout=5,
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"

    oidc_provider.exchange_code("org-a", query["code"], callback_url("org-a"))
    with pytest.raises(requests.HTTPError) as again:
        oidc_provider.exchange_code("org-a", query["code"], callback_url("org-a"))
    assert again.value.response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(oidc_provider):
    query, _ = sign_in(oidc_provider, "org-a", "anna")

    response = requests.post(
        oidc_provider.configuration["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": callback_url("org-a"),
            "client_id": "org-a",
            "client_secret": "not-the-secret",
        },
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_unregistered_redirect_uri_is_refused(oidc_provider):
    start = oidc_provider.authorize_url("org-a", "http://testserver/elsewhere/")

    response = requests.get(start, allow_redirects=False, timeout=5)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri did not match" in response.text


def test_client_added_at_runtime(oidc_provider):
    client_id = unique("org-live")
    redirect_uri = "http://localhost:45678/accounts/sso/org-live/login/callback/"
    client = oidc_provider.add_client(client_id, redirect_uris=[redirect_uri])
    assert oidc_provider.client(client_id) == client

    start = oidc_provider.authorize_url(client_id, redirect_uri, nonce="n")
    response = login_via_provider(requests.Session(), start, "anna")
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    tokens = oidc_provider.exchange_code(client_id, code, redirect_uri)

    assert oidc_provider.verify_id_token(tokens["id_token"], client_id)["email"] == (
        "anna@org-a.example"
    )


def test_unknown_account_gets_the_form_again(oidc_provider):
    start = oidc_provider.authorize_url("org-a", callback_url("org-a"))

    response = login_via_provider(requests.Session(), start, "nobody@org-a.example")

    assert response.status_code == 200
    assert "Unknown account." in response.text
    assert 'value="nobody@org-a.example"' in response.text


def test_cancel_returns_access_denied(oidc_provider):
    start = oidc_provider.authorize_url("org-a", callback_url("org-a"), state="s-cancel")

    response = login_via_provider(requests.Session(), start, "anna", cancel=True)

    location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(callback_url("org-a") + "?")
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["s-cancel"]
    assert "code" not in query


def test_a_signed_in_session_comes_back_without_the_form(oidc_provider):
    session = requests.Session()
    sign_in(oidc_provider, "org-a", "anna", session=session)

    start = oidc_provider.authorize_url("org-a", callback_url("org-a"))
    response = session.get(start, allow_redirects=False, timeout=5)
    while response.is_redirect and response.headers["Location"].startswith("/"):
        response = session.get(
            oidc_provider.issuer + response.headers["Location"], allow_redirects=False, timeout=5
        )

    assert response.headers["Location"].startswith(callback_url("org-a") + "?code=")
    # prompt=login asks again, whatever the session.
    again = login_via_provider(
        session, oidc_provider.authorize_url("org-a", callback_url("org-a"), prompt="login"), "bram"
    )
    code = parse_qs(urlsplit(again.headers["Location"]).query)["code"][0]
    tokens = oidc_provider.exchange_code("org-a", code, callback_url("org-a"))
    assert oidc_provider.verify_id_token(tokens["id_token"], "org-a")["sub"] == "bram"


def test_the_sign_in_page_has_a_labelled_field_and_buttons(oidc_provider):
    start = oidc_provider.authorize_url("org-a", callback_url("org-a"), login_hint="anna")

    page = requests.get(start, timeout=5)

    assert page.status_code == 200
    assert "Sign in to Organisation A" in page.text
    assert '<label for="login">E-mail / login</label>' in page.text
    assert 'id="login" name="login"' in page.text
    assert 'value="anna"' in page.text
    assert ">Sign in</button>" in page.text
    assert ">Cancel</button>" in page.text


def test_provider_starts_and_stops_on_sigterm():
    started = time.monotonic()
    provider = start_provider_or_skip(clients=[], accounts={})
    start_seconds = time.monotonic() - started
    try:
        document = requests.get(provider.discovery_url, timeout=5).json()
        assert document["issuer"] == provider.issuer
    finally:
        stopping = time.monotonic()
        provider.stop()
    assert provider.process.returncode == 0
    assert time.monotonic() - stopping < 3
    assert start_seconds < 20
    assert "Error" not in provider.log()
