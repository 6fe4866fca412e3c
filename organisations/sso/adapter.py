"""allauth's social-account adapter for single sign-on: which apps exist, who may log in
through which provider, how accounts are linked and provisioned, and the MFA rule.

Rules, each refused with a plain error page and an audit record:
- a provider logs in only addresses of the domains it vouches for (never another
  organisation's);
- the id token carries the nonce of this login (checked here, against the login's one-time
  state) — signature, issuer, audience and expiry are checked in ``tokens``;
- an existing account is linked only when the provider says the address is verified;
- a blocked (inactive) account stays out (allauth's inactive-account page).
MFA: only a provider marked ``trusted_for_mfa`` whose id token's ``amr`` contains ``mfa``
(RFC 8176) marks the session as two-factor; ``otp`` or ``hwk`` alone are one factor.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations.models import IdentityProvider
from organisations.sso import provider as sso_provider
from organisations.sso import tokens
from organisations.sso.discovery import vouches_for
from organisations.sso.services import sso_membership_sync

SESSION_MFA = "academy_sso_mfa"
SESSION_PROVIDER = "academy_sso_provider"
MFA_AMR = "mfa"


def claims_of(sociallogin) -> tuple[dict, dict]:
    """(id token claims, userinfo claims) of the login."""
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or {}, data.get("userinfo") or {}


def _refuse(request, provider_slug: str, reason: str, message: str):
    audit_record(
        action=AuditEvent.Action.SSO_LOGIN_REFUSED,
        request=request,
        summary=f"single sign-on refused ({provider_slug}): {reason}",
        data={"provider": provider_slug, "reason": reason},
    )
    raise ImmediateHttpResponse(
        render(request, "organisations/sso/refused.html", {"message": message}, status=403)
    )


def second_factor_reported(provider: IdentityProvider, id_token: dict) -> bool:
    amr = id_token.get("amr") or []
    return bool(provider.trusted_for_mfa and isinstance(amr, list) and MFA_AMR in amr)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    # --- the apps: one per active IdentityProvider ---------------------------------------

    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        providers = sso_provider.active_providers()
        if provider and provider != sso_provider.PROVIDER:
            providers = providers.filter(slug=provider)
        if client_id:
            providers = providers.filter(client_id=client_id)
        return [sso_provider.app_for(p) for p in providers]

    def get_provider(self, request, provider, client_id=None):
        app = self.get_app(request, provider=provider, client_id=client_id)
        return sso_provider.AcademyOIDCProvider(request, app=app)

    # --- who may log in -------------------------------------------------------------------

    def pre_social_login(self, request, sociallogin) -> None:
        slug = sociallogin.account.provider
        provider = (
            IdentityProvider.objects.select_related("organisation")
            .filter(slug=slug, is_active=True)
            .first()
        )
        if provider is None:
            _refuse(request, slug, "unknown provider", _("This login is not set up."))
        id_token, userinfo = claims_of(sociallogin)
        try:
            tokens.check_nonce(id_token, (sociallogin.state or {}).get("nonce"))
        except OAuth2Error:
            _refuse(request, slug, "nonce", _("The login could not be verified. Try again."))
        email = (userinfo.get("email") or id_token.get("email") or "").strip().lower()
        verified = parse_bool_safely(userinfo.get("email_verified", id_token.get("email_verified")))
        if not email or not vouches_for(provider, email):
            _refuse(
                request,
                slug,
                "domain",
                _("Your organisation's login cannot be used for this e-mail address."),
            )
        if not sociallogin.is_existing:
            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is not None:
                if not verified:
                    _refuse(
                        request,
                        slug,
                        "unverified address",
                        _("Your organisation's login did not confirm this e-mail address."),
                    )
                sociallogin.connect(request, user)
        request.session[SESSION_PROVIDER] = slug
        if second_factor_reported(provider, id_token):
            request.session[SESSION_MFA] = slug
        else:
            request.session.pop(SESSION_MFA, None)
        if sociallogin.is_existing:
            sso_membership_sync(
                provider=provider, user=sociallogin.user, claims={**id_token, **userinfo}
            )

    # --- new accounts ---------------------------------------------------------------------

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        id_token, userinfo = claims_of(sociallogin)
        claims = {**id_token, **userinfo}
        name = claims.get("name") or " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
        user.name = (name or "").strip()[:150]
        locale = str(claims.get("locale") or "").lower()
        user.preferred_language = "en" if locale.startswith("en") else "nl"
        user.email = (user.email or "").lower()
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        provider = IdentityProvider.objects.select_related("organisation").get(
            slug=sociallogin.account.provider
        )
        id_token, userinfo = claims_of(sociallogin)
        sso_membership_sync(provider=provider, user=user, claims={**id_token, **userinfo})
        audit_record(
            action=AuditEvent.Action.SIGNED_UP,
            request=request,
            actor=user,
            subject_user=user,
            organisation=provider.organisation,
            summary=f"account created through single sign-on ({provider.slug})",
            data={"provider": provider.slug},
        )
        # The first page a new person sees: what the platform keeps about them.
        next_url = (sociallogin.state or {}).get("next") or reverse("start")
        sociallogin.state["next"] = reverse("sso_welcome") + "?next=" + next_url
        return user
