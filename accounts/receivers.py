"""Audit records for allauth's events, hooked into allauth's own signals, and the end of a
person's other sessions when their second factor changes.

Our own cross-app reactions never use signals; allauth offers its events only this way (plus
the adapter methods in ``accounts.adapter``). ``connect()`` runs from ``AccountsConfig.ready``.
Failed password logins come from ``AccountAdapter.authentication_failed`` and ended sessions
from ``UserSessionsAdapter.end_sessions``.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession

from accounts.audit import audit_record
from accounts.hooks import email_verified
from accounts.models import AuditEvent

Action = AuditEvent.Action


def _user_event(action: str, request, user, **data) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    audit_record(action=action, request=request, actor=user, subject_user=user, data=data)


def on_user_signed_up(sender, request, user, **kwargs) -> None:
    _user_event(Action.SIGNED_UP, request, user)
    _email_verified(user)


def _email_verified(user) -> None:
    """Let other apps react to an address proven to be the person's (``accounts.hooks``)."""
    if user is not None and getattr(user, "pk", None):
        for fn in email_verified:
            fn(user=user)


def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    _email_verified(email_address.user)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    _user_event(Action.LOGIN, request, user)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    _user_event(Action.LOGOUT, request, user)


def on_password_changed(sender, request, user, **kwargs) -> None:
    _user_event(Action.PASSWORD_CHANGED, request, user)


def on_password_set(sender, request, user, **kwargs) -> None:
    _user_event(Action.PASSWORD_CHANGED, request, user, first_password=True)


def on_password_reset(sender, request, user, **kwargs) -> None:
    _user_event(Action.PASSWORD_RESET, request, user)


def on_email_changed(sender, request, user, from_email_address=None, to_email_address=None, **kw):
    _user_event(
        Action.EMAIL_CHANGED,
        request,
        user,
        change="primary",
        **{"from": getattr(from_email_address, "email", ""), "to": to_email_address.email},
    )


def on_email_added(sender, request, user, email_address, **kwargs) -> None:
    _user_event(Action.EMAIL_CHANGED, request, user, change="added", to=email_address.email)


def on_email_removed(sender, request, user, email_address, **kwargs) -> None:
    _user_event(
        Action.EMAIL_CHANGED, request, user, change="removed", **{"from": email_address.email}
    )


def _end_other_sessions(request, user) -> None:
    """A change of the second factor ends every other session of the person, as a password
    change does (through Django's session hash): whoever set up, removed or read the new codes
    elsewhere keeps no session that predates the change. The current session stays."""
    if user is None or not getattr(user, "pk", None):
        return
    current = getattr(getattr(request, "session", None), "session_key", None)
    others = UserSession.objects.filter(user_id=user.pk).exclude(session_key=current)
    get_usersessions_adapter().end_sessions(others)


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _user_event(Action.MFA_RECOVERY_CODES, request, user)
    else:
        _user_event(Action.MFA_ACTIVATED, request, user, type=authenticator.type)
    _end_other_sessions(request, user)


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    _user_event(Action.MFA_DEACTIVATED, request, user, type=authenticator.type)
    _end_other_sessions(request, user)


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    _user_event(Action.MFA_RECOVERY_CODES, request, user, regenerated=True)
    _end_other_sessions(request, user)


def on_mfa_authentication_failed(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(
        action=Action.LOGIN_FAILED,
        request=request,
        actor=None,
        subject_user=user,
        data={
            "method": "mfa",
            "type": authenticator.type,
            "reauthentication": bool(kwargs.get("reauthentication")),
        },
    )


_CONNECTIONS = [
    (account_signals.user_signed_up, on_user_signed_up),
    (account_signals.user_logged_in, on_user_logged_in),
    (account_signals.user_logged_out, on_user_logged_out),
    (account_signals.password_changed, on_password_changed),
    (account_signals.password_set, on_password_set),
    (account_signals.password_reset, on_password_reset),
    (account_signals.email_changed, on_email_changed),
    (account_signals.email_added, on_email_added),
    (account_signals.email_removed, on_email_removed),
    (account_signals.email_confirmed, on_email_confirmed),
    (mfa_signals.authenticator_added, on_authenticator_added),
    (mfa_signals.authenticator_removed, on_authenticator_removed),
    (mfa_signals.authenticator_reset, on_authenticator_reset),
    (mfa_signals.authentication_failed, on_mfa_authentication_failed),
]


def connect() -> None:
    for signal, receiver in _CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"accounts.audit.{receiver.__name__}")
