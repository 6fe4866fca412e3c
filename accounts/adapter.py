"""How allauth behaves here: e-mails in the person's language, name and language at signup,
an address verified only by the mail sent to it, and audit records for failed logins and
ended sessions."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from accounts.audit import audit_record
from accounts.models import AuditEvent


def _language_for_email(email: str | list[str]) -> str | None:
    """The preferred language of the account behind ``email`` (None if there is no account)."""
    address = email[0] if isinstance(email, list | tuple) else email
    if not address:
        return None
    return (
        get_user_model()
        .objects.filter(email__iexact=address)
        .values_list("preferred_language", flat=True)
        .first()
    )


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render every account e-mail in the recipient's own language; for addresses without
        an account (unknown-account notices) in the language of the current page."""
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or _language_for_email(email)
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        """Take the name and the preferred language from our signup form."""
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.name = data.get("name", "").strip()
        language = data.get("preferred_language") or translation.get_language() or "nl"
        user.preferred_language = language[:2]
        if commit:
            user.save()
        return user

    # An address counts as verified only after the verification mail sent to it was opened.
    # allauth's "stashed verified e-mail" (an address proven by some other route, such as
    # opening an invitation link) is switched off: a forwarded invitation link proves nothing
    # about who opened it, and allauth would even replace the address someone signs up with
    # by the stashed one, verified, and log them in.

    def stash_verified_email(self, request, email: str) -> None:
        return None

    def unstash_verified_email(self, request) -> None:
        request.session.pop("account_verified_email", None)
        return None

    def is_email_verified(self, request, email: str) -> bool:
        return False

    def post_login(self, request, user, **kwargs):
        """Switch to the profile's language at once (the "signed in" message too) and keep it
        after logging out by setting the language cookie."""
        if getattr(user, "preferred_language", ""):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = super().post_login(request, user, **kwargs)
        if response is not None and getattr(user, "preferred_language", ""):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def authentication_failed(self, request, **credentials) -> None:
        """A wrong e-mail address or password. The attempted address is kept (never the
        password); when it belongs to an account, that account is the subject of the event."""
        super().authentication_failed(request, **credentials)
        email = (credentials.get("email") or credentials.get("username") or "").strip()
        subject = None
        if email:
            subject = get_user_model().objects.filter(email__iexact=email).first()
        audit_record(
            action=AuditEvent.Action.LOGIN_FAILED,
            request=request,
            actor=None,
            subject_user=subject,
            data={"email": email[:254], "method": "password"},
        )


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions) -> None:
        """End the sessions and record it ("log out everywhere else" and the like)."""
        sessions = list(sessions)
        super().end_sessions(sessions)
        if not sessions:
            return
        request = allauth_context.request
        user = sessions[0].user
        audit_record(
            action=AuditEvent.Action.SESSIONS_ENDED,
            request=request,
            subject_user=user,
            data={"count": len(sessions)},
        )
