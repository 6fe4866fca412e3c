"""Ask for the password (or an authenticator code) again before sensitive changes — once.

One confirmation ("Confirm access", allauth's reauthentication) covers every sensitive page for
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds (10 minutes, settings): e-mail addresses and
two-factor authentication (allauth's own pages, ``ACCOUNT_REAUTHENTICATION_REQUIRED`` and
allauth.mfa's default), the password, "Download my data", "Delete my account" and changing a
registration number on the profile. Changing one's name or language needs no confirmation.

``require_recent_reauthentication(request)`` raises allauth's ``ReauthenticationRequired``
unless the person confirmed who they are within the timeout. allauth's middleware then shows
its "Confirm access" page, keeps the submitted form, and replays it once the person confirmed.

The password page (:class:`PasswordChangeView`, at allauth's own URL) stays open without a
confirmation, but asks for the current password only when there was none in the last 10
minutes; typing the current password there counts as a confirmation for the other pages.
A login does not count as a confirmation (allauth's rule): sensitive changes need a deliberate
one.
"""

from allauth.account.decorators import reauthentication_required
from allauth.account.forms import ChangePasswordForm
from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.views import PasswordChangeView as AllauthPasswordChangeView
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib.auth.decorators import login_required


@reauthentication_required
def _confirmed(request) -> None:
    return None


def require_recent_reauthentication(request) -> None:
    _confirmed(request)


def recently_reauthenticated(request) -> bool:
    """Whether the person confirmed who they are within the timeout."""
    try:
        _confirmed(request)
    except ReauthenticationRequired:
        return False
    return True


class NewPasswordForm(ChangePasswordForm):
    """allauth's change-password form without "Current password", for a person who confirmed
    their password within the timeout (only ever used behind that check)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["oldpassword"]


class PasswordChangeView(AllauthPasswordChangeView):
    def get_form_class(self):
        if recently_reauthenticated(self.request):
            return NewPasswordForm
        return ChangePasswordForm

    def form_valid(self, form):
        if "oldpassword" in form.fields:
            # The person just typed their current password: that is a confirmation too.
            reauthenticate_by_password(self.request)
        return super().form_valid(form)


password_change = login_required(PasswordChangeView.as_view())
