"""allauth's password forms with the "single sign-on only" rule: an address of such a domain
gets no password login and no password reset (its organisation manages the password). The
rule depends on the domain only, so it tells nothing about whether an account exists."""

from allauth.account.forms import LoginForm, ResetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.sso.adapter import SESSION_MFA
from organisations.sso.discovery import is_sso_only

SSO_ONLY_MESSAGE = _(
    "Your organisation manages this login. Log in with your organisation's account: enter "
    "your e-mail address on the login page and choose Continue."
)


class PasswordLoginForm(LoginForm):
    def clean(self):
        if is_sso_only(self.data.get("login", "")):
            raise forms.ValidationError(SSO_ONLY_MESSAGE, code="sso_only")
        return super().clean()

    def login(self, request, redirect_url=None):
        request.session.pop(SESSION_MFA, None)  # a password login is not the provider's MFA
        return super().login(request, redirect_url=redirect_url)


class PasswordResetForm(ResetPasswordForm):
    def clean_email(self):
        email = super().clean_email()
        if is_sso_only(email):
            raise forms.ValidationError(SSO_ONLY_MESSAGE, code="sso_only")
        return email
