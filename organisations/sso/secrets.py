"""Client secrets of identity providers: encrypted at rest with a key derived from
``settings.SECRET_KEY`` (Fernet: AES-128-CBC + HMAC-SHA256), never shown again after saving.
A secret in the environment, ``SSO_SECRET_<SLUG>`` (slug upper-cased, ``-`` → ``_``), takes
precedence, for organisations that keep secrets out of the database altogether."""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"academy-sso-secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed: the secret must be entered again
        return ""


def environment_name(slug: str) -> str:
    return "SSO_SECRET_" + slug.upper().replace("-", "_")


def client_secret(provider) -> str:
    return os.environ.get(environment_name(provider.slug)) or decrypt(
        provider.client_secret_encrypted
    )
