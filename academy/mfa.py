"""The two-factor policy: who must use an authenticator app, and who has one.

Analysts and administrators (of any organisation), coordinators and staff see other people's
data or manage the platform, so they must set up an authenticator app (TOTP) before they may
open the pages under ``settings.MFA_REQUIRED_PATH_PREFIXES`` (see
``academy.middleware.MfaRequiredMiddleware``). Learners, trainers and content authors who are
not staff may switch it on, but are not forced to.
"""

from organisations.permissions import roles_of


def user_requires_mfa(user) -> bool:
    return roles_of(user).requires_mfa


def user_has_mfa(user) -> bool:
    """Whether the person has an authenticator app (TOTP); recovery codes alone do not count."""
    return roles_of(user).has_totp
