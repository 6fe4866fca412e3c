"""The two-factor gate: it composes the accounts (authenticators) and organisations (roles)
apps, so it sits on top of the ladder."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from academy.mfa import user_has_mfa, user_requires_mfa
from organisations.sso.adapter import SESSION_MFA

MFA_REQUIRED_MESSAGE = _(
    "Your role gives you access to other people's data, so your account needs "
    "two-factor authentication. Set up an authenticator app to continue."
)


class MfaRequiredMiddleware:
    """Send people whose role requires two-factor authentication, but who have not set it up,
    from the protected pages to the authenticator app set-up page, with a message saying why.

    The check runs in ``process_view`` (after the messages middleware) and only for paths under
    ``settings.MFA_REQUIRED_PATH_PREFIXES``; it costs one query, shared with the navigation.
    The admin's own login page stays reachable (it forwards to the allauth login anyway). A
    session from a single sign-on that a provider trusted for it reported as two-factor
    (``organisations.sso.adapter``) passes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.MFA_REQUIRED_PATH_PREFIXES)

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(self.prefixes):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not user_requires_mfa(user) or user_has_mfa(user):
            return None
        if request.session.get(SESSION_MFA):  # a provider trusted for it reported two factors
            return None
        messages.warning(request, str(MFA_REQUIRED_MESSAGE))
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
