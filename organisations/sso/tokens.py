"""The id token check. allauth skips the signature when the token came straight from the
token endpoint and takes the algorithm from the token's own header; here every token is
checked the same strict way: an asymmetric algorithm from a fixed list, the provider's key
(JWKS, by ``kid``), issuer, audience, expiry and issue time required, the nonce this login sent,
and a token seen before (same issuer and ``jti``) refused."""

import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 30


def decode_id_token(credential: str, *, keys_url: str, issuer: str, audience: str) -> dict:
    try:
        header = jwt.get_unverified_header(credential)
    except jwt.PyJWTError as error:
        raise OAuth2Error("Invalid id_token") from error
    if header.get("alg") not in ALGORITHMS:
        raise OAuth2Error(f"id_token algorithm {header.get('alg')!r} is not accepted")
    alg, key = jwtkit.fetch_key(credential, keys_url, jwtkit.lookup_kid_jwk)
    try:
        data = jwt.decode(
            credential,
            key=key,
            algorithms=[alg],
            issuer=issuer,
            audience=audience,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as error:
        raise OAuth2Error("Invalid id_token") from error
    jwtkit.verify_jti(data)
    return data


def check_nonce(claims: dict, expected: str | None) -> None:
    """The id token must carry the nonce this login sent (and stored in its one-time state)."""
    if not expected or claims.get("nonce") != expected:
        raise OAuth2Error("id_token nonce does not match this login")
