"""Ask for the password (or an authenticator code) again before sensitive changes.

``require_recent_reauthentication(request)`` raises allauth's ``ReauthenticationRequired``
unless the person confirmed who they are within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds.
allauth's middleware then shows its "Confirm access" page, keeps the submitted form, and replays
it once the person has confirmed.
"""

from allauth.account.decorators import reauthentication_required


@reauthentication_required
def _confirmed(request) -> None:
    return None


def require_recent_reauthentication(request) -> None:
    _confirmed(request)
