"""The login page with home-realm discovery, the provider login and callback, and the welcome
page a person sees after their first single sign-on.

Step 1 asks for the e-mail address only. An address whose domain belongs to an organisation's
provider goes to that provider (with the address as ``login_hint``); every other address
continues with the password on allauth's login form (step 2), where two-factor login applies as
always. The decision rests on the domain alone, so a known and an unknown address of the same
domain get the same answer. A password POST for a "single sign-on only" domain never reaches
the password check: it goes to the provider too.
"""

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from organisations.sso.discovery import provider_for_email
from organisations.sso.provider import AcademyOIDCAdapter


class EmailStepForm(forms.Form):
    login = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def _start_single_sign_on(request, identity_provider, email: str):
    provider = get_adapter(request).get_provider(request, identity_provider.slug)
    return provider.redirect(
        request,
        process="login",
        next_url=get_next_redirect_url(request),
        data={"login_hint": email},
    )


def _password_step(request, email: str):
    """allauth's login page (step 2) with the address filled in."""
    next_url = request.POST.get("next")
    request.method = "GET"
    request.GET = request.GET.copy()
    if next_url:
        request.GET["next"] = next_url
    return LoginView.as_view(initial={"login": email})(request)


def login(request):
    if request.method == "POST":
        if "password" in request.POST:  # step 2, or a script posting both at once
            identity_provider = provider_for_email(request.POST.get("login", ""))
            if identity_provider is not None and identity_provider.sso_only:
                return _start_single_sign_on(
                    request, identity_provider, request.POST.get("login", "")
                )
            return LoginView.as_view()(request)
        form = EmailStepForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["login"].strip().lower()
            identity_provider = provider_for_email(email)
            if identity_provider is not None:
                return _start_single_sign_on(request, identity_provider, email)
            return _password_step(request, email)
    else:
        if request.user.is_authenticated:
            return LoginView.as_view()(request)  # allauth's own redirect for logged-in people
        form = EmailStepForm()
    return render(
        request,
        "organisations/sso/login_email.html",
        {"form": form, "next": get_next_redirect_url(request) or ""},
    )


def _adapter_view(view_class, request, provider_id):
    try:
        return view_class.adapter_view(AcademyOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


@require_POST
def sso_login(request, provider_id):
    """Start a provider's login directly (a button on the organisation's own page)."""
    try:
        provider = get_adapter(request).get_provider(request, provider_id)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    return provider.redirect(request, process="login", next_url=get_next_redirect_url(request))


def sso_callback(request, provider_id):
    return _adapter_view(OAuth2CallbackView, request, provider_id)


def welcome(request):
    """After the first single sign-on: the privacy notice, then on to where the person was
    going (a local path only)."""
    next_url = request.GET.get("next") or "/start/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/start/"
    return render(request, "organisations/sso/welcome.html", {"next": next_url})
