"""Two-factor helpers for tests of pages behind the MFA gate (``academy.middleware``).

    from tests.mfa import give_totp
    give_totp(analyst)           # now the analyst may open /organisations/, /admin/, ...
    client.force_login(analyst)

``totp_code(user)`` gives the current six-digit code for a user made with ``give_totp`` (to
drive allauth's own "enter your code" pages).
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from organisations.permissions import forget_roles


def give_totp(user, *, secret: str | None = None, recovery_codes: bool = True) -> Authenticator:
    """Give ``user`` an authenticator app (TOTP) and, by default, recovery codes."""
    authenticator = TOTP.activate(user, secret or generate_totp_secret()).instance
    if (
        recovery_codes
        and not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists()
    ):
        RecoveryCodes.activate(user)
    forget_roles(user)
    return authenticator


def totp_code(user) -> str:
    """The code the person's authenticator app would show right now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
