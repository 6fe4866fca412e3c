"""What the accounts app keeps about a person, for "download my data" and "delete my account".

The accounts app covers its own tables and those of the libraries below every app: the user row
(profile, platform roles), allauth's e-mail addresses, authenticators and sessions, Django's
sessions and admin log, and the audit log. Other apps register their own sections, identifiers
and erasers (see ``accounts.hooks``); ``AccountsConfig.ready`` registers these sections first.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.erasure import ErasedPerson
from accounts.hooks import exports
from accounts.models import AuditEvent, User


def iso(value) -> str | None:
    """A date or datetime as ISO 8601 text (None stays None): the export's one date format."""
    return value.isoformat() if value is not None else None


@exports("accounts.User", "accounts.User_groups", "accounts.User_user_permissions")
def profile_section(*, user: User) -> dict:
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "preferred_language": user.preferred_language,
            "profession": user.profession,
            "big_number": user.big_number,
            "vvn_number": user.vvn_number,
            "skj_number": user.skj_number,
            "registerplein_number": user.registerplein_number,
            "date_of_birth": iso(user.date_of_birth),
            "other_register_name": user.other_register_name,
            "other_register_number": user.other_register_number,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "is_staff": user.is_staff,
            "platform_roles": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(
                f"{app_label}.{codename}"
                for app_label, codename in user.user_permissions.values_list(
                    "content_type__app_label", "codename"
                )
            ),
        }
    }


@exports(
    "account.EmailAddress",
    "mfa.Authenticator",
    "usersessions.UserSession",
    "socialaccount.SocialAccount",
    "accounts.AuditEvent",
)
def security_section(*, user: User) -> dict:
    return {
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authentication": [
            {
                "type": authenticator.type,
                "created_at": iso(authenticator.created_at),
                "last_used_at": iso(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip_address": session.ip,
                "browser": session.user_agent,
                "started_at": iso(session.created_at),
                "last_seen_at": iso(session.last_seen_at),
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "single_sign_on": [
            {
                "provider": account.provider,
                "subject": account.uid,
                "linked_at": iso(account.date_joined),
                "last_login": iso(account.last_login),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "audit_log": [_audit_entry(event, user) for event in _audit_events(user)],
    }


def _audit_events(user: User):
    return (
        AuditEvent.objects.filter(Q(actor=user) | Q(subject_user=user))
        .select_related("organisation")
        .order_by("created_at", "pk")
    )


def _audit_entry(event: AuditEvent, user: User) -> dict:
    """One event of the person's audit log. What they did to other people's records in an
    organisation (an invitation sent, someone's role changed) shows without its summary and
    details: those name the other person."""
    about_the_person = event.subject_user_id == user.pk or event.organisation_id is None
    return {
        "at": iso(event.created_at),
        "action": event.action,
        "organisation": event.organisation.name if event.organisation else None,
        "ip_address": event.ip_address,
        "browser": event.user_agent,
        "summary": event.summary if about_the_person else "",
        "details": event.data if about_the_person else {},
    }


def identifiers(user: User) -> tuple[set[str], set[str]]:
    """Every address and name the accounts app knows for the person: the login address and
    name, other e-mail addresses, and earlier or mistyped addresses in their audit events."""
    emails = {user.email}
    emails |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(subject_user=user),
        action__in=[AuditEvent.Action.EMAIL_CHANGED, AuditEvent.Action.LOGIN_FAILED],
    )
    for data in events.values_list("data", flat=True):
        for key in ("from", "to", "email"):
            value = (data or {}).get(key)
            if isinstance(value, str) and "@" in value:
                emails.add(value)
    return emails, {user.name}


def erase_logs(*, user: User, person: ErasedPerson) -> None:
    """Scrub the person's addresses and names from the audit log (summaries and data of every
    event, also events recorded by others, such as invitations sent to them or failed logins
    with their address) and from the admin's change log. The events themselves stay: they are
    the platform's security record and now point to the anonymous account."""
    mentioning = person.mentioning(AuditEvent.objects.all(), "summary", "data").values("pk")
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(subject_user=user) | Q(pk__in=mentioning)
    ).only("pk", "summary", "data")
    for event in events:
        summary, data = person.scrub(event.summary), person.scrub(event.data)
        if (summary, data) != (event.summary, event.data):
            AuditEvent.objects.filter(pk=event.pk).update(summary=summary[:255], data=data)

    user_type = ContentType.objects.get_for_model(User)
    mentioning = person.mentioning(LogEntry.objects.all(), "object_repr", "change_message").values(
        "pk"
    )
    entries = LogEntry.objects.filter(
        Q(content_type=user_type, object_id=str(user.pk)) | Q(pk__in=mentioning)
    ).only("pk", "object_repr", "change_message", "content_type", "object_id")
    for entry in entries:
        object_repr = person.scrub(entry.object_repr)
        if entry.content_type_id == user_type.pk and entry.object_id == str(user.pk):
            object_repr = person.replacement_email
        change_message = person.scrub(entry.change_message)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=object_repr[:200], change_message=change_message
            )
