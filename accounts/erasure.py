"""Finding and scrubbing a person's e-mail addresses and names in free text and JSON.

``accounts.services.account_delete`` builds one :class:`ErasedPerson` with every address and
name the person had (their login address, other addresses, earlier addresses from the audit
log, and what other apps know through ``accounts.hooks.personal_identifiers``) and hands it to
each app's eraser. An eraser selects the rows that mention the person with
:meth:`ErasedPerson.mentioning` (one query, also on JSON columns) and rewrites them with
:meth:`ErasedPerson.scrub`.

Addresses are replaced case-insensitively wherever they occur; names only as whole words, so
that "Jan" does not eat into "Janssen".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import JSONField, Q, QuerySet, TextField
from django.db.models.functions import Cast

DELETED_TEXT = "[deleted]"


def _json_escaped(text: str) -> str:
    """How ``text`` looks inside JSON stored by Django (non-ASCII as \\uXXXX escapes)."""
    return json.dumps(text)[1:-1]


@dataclass(frozen=True)
class ErasedPerson:
    user_id: int
    emails: frozenset[str]
    names: frozenset[str]
    replacement_email: str

    @classmethod
    def build(cls, *, user_id: int, emails, names, replacement_email: str) -> ErasedPerson:
        return cls(
            user_id=user_id,
            emails=frozenset(e.strip().lower() for e in emails if e and e.strip()),
            names=frozenset(" ".join(n.split()) for n in names if n and n.strip()),
            replacement_email=replacement_email,
        )

    @property
    def needles(self) -> frozenset[str]:
        """Every text that identifies the person, as stored in text and in JSON columns."""
        plain = set(self.emails) | set(self.names)
        return frozenset(plain | {_json_escaped(text) for text in plain})

    @cached_property
    def _email_pattern(self) -> re.Pattern | None:
        if not self.emails:
            return None
        alternatives = sorted(self.emails, key=len, reverse=True)
        return re.compile("|".join(re.escape(e) for e in alternatives), re.IGNORECASE)

    @cached_property
    def _name_pattern(self) -> re.Pattern | None:
        if not self.names:
            return None
        alternatives = sorted(self.names, key=len, reverse=True)
        return re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)",
            re.IGNORECASE,
        )

    def scrub(self, value: Any, *, email_replacement: str | None = None) -> Any:
        """``value`` (text, or JSON-ready lists and dicts, keys included) with every address
        replaced by ``email_replacement`` (default: the anonymous address of the account) and
        every name by "[deleted]"."""
        if isinstance(value, str):
            if self._email_pattern is not None:
                replacement = email_replacement or self.replacement_email
                value = self._email_pattern.sub(lambda m: replacement, value)
            if self._name_pattern is not None:
                value = self._name_pattern.sub(DELETED_TEXT, value)
            return value
        if isinstance(value, list | tuple):
            return [self.scrub(item, email_replacement=email_replacement) for item in value]
        if isinstance(value, dict):
            return {
                self.scrub(key, email_replacement=email_replacement): self.scrub(
                    item, email_replacement=email_replacement
                )
                for key, item in value.items()
            }
        return value

    def mentions(self, value: Any) -> bool:
        return self.scrub(value) != value

    def mentioning(self, queryset: QuerySet, *fields: str) -> QuerySet:
        """The rows of ``queryset`` in which one of ``fields`` (text or JSON) contains an
        address or a name of the person (case-insensitive; a pre-selection: confirm with
        :meth:`mentions`, which matches names as whole words only)."""
        model = queryset.model
        annotations, q = {}, Q(pk__in=[])
        for name in fields:
            field = model._meta.get_field(name)
            lookup = name
            if isinstance(field, JSONField):
                lookup = f"_erasure_{name}"
                annotations[lookup] = Cast(name, output_field=TextField())
            for needle in self.needles:
                q |= Q(**{f"{lookup}__icontains": needle})
        return queryset.annotate(**annotations).filter(q) if annotations else queryset.filter(q)
