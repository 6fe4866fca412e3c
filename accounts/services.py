"""Writes on accounts: the profile, the personal data export, deleting an account (AVG) and
purging what is past its retention period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.audit import audit_record
from accounts.erasure import ErasedPerson
from accounts.hooks import (
    account_erasers,
    personal_data_sections,
    personal_identifiers,
    registration_changed,
)
from accounts.models import AuditEvent, User
from accounts.personal_data import erase_logs, identifiers, iso

EXPORT_FORMAT_VERSION = 2  # 2: sections by the owning apps; quiz, questionnaire, study time


@transaction.atomic
def profile_update(*, user: User, changes: dict[str, Any], request=None) -> User:
    """Store profile fields (already validated by ``ProfileForm``); changed registration numbers
    are written to the audit log (names of the fields, not the numbers)."""
    registration_fields = {
        "big_number",
        "vvn_number",
        "skj_number",
        "registerplein_number",
        "other_register_name",
        "other_register_number",
        "date_of_birth",
    }
    allowed = {"name", "preferred_language", "profession"} | registration_fields
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not a profile field: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.save(update_fields=changed)
    changed_registration = sorted(set(changed) & registration_fields)
    if changed_registration:
        audit_record(
            action=AuditEvent.Action.REGISTRATION_CHANGED,
            request=request,
            actor=user,
            subject_user=user,
            data={"fields": changed_registration},
        )
        for listener in registration_changed:
            listener(user=user, fields=changed_registration)
    return user


@transaction.atomic
def personal_data_export(*, user: User, request=None) -> dict:
    """Everything the platform keeps about the person, as JSON-ready data (AVG art. 15 and 20).

    Each app adds its own sections through ``accounts.hooks.personal_data_sections`` (accounts'
    own — profile, addresses, two-factor, sessions, audit log — come first); the tests check that
    every model holding personal data is exported or deliberately left out with a reason.
    Records the download in the audit log.
    """
    export: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": iso(timezone.now()),
    }
    for section in personal_data_sections:
        export.update(section(user=user))
    audit_record(
        action=AuditEvent.Action.DATA_DOWNLOADED, request=request, actor=user, subject_user=user
    )
    return export


def deleted_email_for(user: User) -> str:
    return f"deleted-{user.pk}@invalid.example"


def _person_to_erase(user: User) -> ErasedPerson:
    emails, names = identifiers(user)
    for provider in personal_identifiers:
        more_emails, more_names = provider(user=user)
        emails |= set(more_emails)
        names |= set(more_names)
    return ErasedPerson.build(
        user_id=user.pk, emails=emails, names=names, replacement_email=deleted_email_for(user)
    )


@transaction.atomic
def account_delete(*, user: User, request=None) -> User:
    """Erase the person's personal data and close the account (AVG art. 17).

    The user row itself stays, anonymised, so that memberships, group memberships, enrolments,
    lesson progress and quiz attempts keep counting in every statistic (completions per
    organisation, enrolments per course). Erased here: e-mail (replaced by
    ``deleted-<id>@invalid.example``), name, registration numbers, password (unusable), platform
    roles, e-mail addresses, authenticators, sessions, and every address and name of the person
    in the audit log (summaries and data, also of events recorded by others such as failed
    logins with their address) and in the admin's change log. Then every app's registered
    eraser (``accounts.hooks.account_erasers``) erases its own data: invitations and invitation
    uploads (organisations), assignment messages (courses)...
    Profession and language stay: they identify nobody on an anonymous row and keep the
    statistics per profession right. The audit events themselves stay (security interest),
    pointing to the anonymous row.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    person = _person_to_erase(user)

    for session in UserSession.objects.filter(user=user):
        session.end()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # the provider's id no longer leads here
    user.groups.clear()
    user.user_permissions.clear()

    user.email = person.replacement_email
    user.name = ""
    user.big_number = ""
    user.vvn_number = ""
    user.skj_number = ""
    user.registerplein_number = ""
    user.date_of_birth = None
    user.other_register_name = ""
    user.other_register_number = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "name",
            "big_number",
            "vvn_number",
            "skj_number",
            "registerplein_number",
            "date_of_birth",
            "other_register_name",
            "other_register_number",
            "is_active",
            "is_staff",
            "is_superuser",
            "anonymised_at",
            "password",
        ]
    )
    erase_logs(user=user, person=person)
    for eraser in account_erasers:
        eraser(user=user, person=person)
    audit_record(
        action=AuditEvent.Action.ACCOUNT_DELETED,
        request=request,
        actor=user,
        subject_user=user,
        summary=f"Account {user.pk} deleted and anonymised",
    )
    return user


@transaction.atomic
def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete the accounts app's data that is past its retention period (settings
    ``RETENTION_*_DAYS``); run daily by ``academy.tasks.purge_past_retention``. Idempotent.

    - Failed-login audit events older than ``RETENTION_FAILED_LOGIN_DAYS``: they hold a typed
      address and an IP address and serve only to spot attacks while they happen.
    - Sign-ups never verified and never used, older than ``RETENTION_UNVERIFIED_SIGNUP_DAYS``:
      an account whose addresses are all unconfirmed and that never logged in (so it has no
      memberships, enrolments or anything else). Staff accounts are never purged; accounts made
      in the admin without any e-mail address row are not sign-ups and are left alone.
    """
    now = now or timezone.now()
    failed_logins, _ = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED,
        created_at__lt=now - timedelta(days=settings.RETENTION_FAILED_LOGIN_DAYS),
    ).delete()
    unverified = User.objects.filter(
        Exists(EmailAddress.objects.filter(user=OuterRef("pk"))),
        ~Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
        date_joined__lt=now - timedelta(days=settings.RETENTION_UNVERIFIED_SIGNUP_DAYS),
        last_login__isnull=True,
        anonymised_at__isnull=True,
        is_staff=False,
        is_superuser=False,
    )
    signups = 0
    for user in unverified.only("pk"):
        for session in UserSession.objects.filter(user=user):
            session.end()
        user.delete()
        signups += 1
    return {"failed_logins": failed_logins, "unverified_signups": signups}
