"""Partner API tokens: made by an organisation's administrator, shown once, stored hashed.

A token reads ``acad_`` followed by 43 URL-safe characters (``secrets.token_urlsafe(32)``, 256
bits). Only its SHA-256 hex digest is stored (``ApiToken.token_hash``, unique, so a lookup is
one indexed query), plus its first 8 characters (``prefix``) so that people can tell their
tokens apart. A stolen database therefore yields no usable token; a slow password hash is not
needed because the secret is random and long, not chosen by a person.

``last_used_at`` is written at most once a minute per token: a busy feed does not turn every
read into a write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations.models import Organisation
from reporting.models import ApiToken

TOKEN_PREFIX = "acad_"
SHOWN_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# acad_ + 43 characters; anything much longer or shorter is not one of ours (no query needed).
_RAW_LENGTHS = range(len(TOKEN_PREFIX) + 40, len(TOKEN_PREFIX) + 64)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def tokens_of(organisation: Organisation) -> QuerySet[ApiToken]:
    """The organisation's tokens, active ones first, newest first (with their creators)."""
    return (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )


@transaction.atomic
def token_create(
    *, organisation: Organisation, name: str, actor, request=None
) -> tuple[ApiToken, str]:
    """Make a token for the organisation; returns the row and the token itself, which is
    never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name."), code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}, code="max_length"
        )
    raw = generate_token()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
        created_by=actor,
    )
    audit_record(
        action=AuditEvent.Action.API_TOKEN_CREATED,
        request=request,
        actor=actor,
        organisation=organisation,
        summary=f"{name} ({token.prefix}…)",
        data={"token_id": token.pk, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor, request=None) -> bool:
    """Revoke the token from now on; False when it already was (nothing is recorded twice)."""
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not changed:
        return False
    token.revoked_at = now
    audit_record(
        action=AuditEvent.Action.API_TOKEN_REVOKED,
        request=request,
        actor=actor,
        organisation=token.organisation,
        summary=f"{token.name} ({token.prefix}…)",
        data={"token_id": token.pk, "prefix": token.prefix},
    )
    return True


def token_authenticate(raw: str | None) -> ApiToken | None:
    """The active token for this secret (with its organisation), or None.

    One indexed query by hash; the stored hash is then compared in constant time, so neither
    the database nor the comparison tells how much of a guess was right."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) not in _RAW_LENGTHS:
        return None
    digest = hash_token(raw)
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    _note_use(token)
    return token


def _note_use(token: ApiToken) -> None:
    """Record the use, at most once per ``LAST_USED_RESOLUTION`` (a conditional UPDATE, so
    parallel requests write once)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
