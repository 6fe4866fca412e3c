"""allauth's OpenID Connect provider, one per ``IdentityProvider`` row, with the strict token
check of ``organisations.sso.tokens`` and a nonce per login.

The apps are built from our model (``apps_for``) instead of allauth's ``SocialApp`` table: the
client secret stays encrypted until the moment it is used.
"""

import secrets as random_secrets

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.urls import reverse
from django.utils.http import urlencode

from organisations.models import IdentityProvider
from organisations.sso import secrets, tokens

PROVIDER = "openid_connect"


def app_for(provider: IdentityProvider) -> SocialApp:
    """An unsaved allauth app for the provider (``provider_id`` = the provider's slug)."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=secrets.client_secret(provider),
        settings={"server_url": provider.issuer, "fetch_userinfo": True},
    )


def active_providers():
    return IdentityProvider.objects.filter(is_active=True).select_related("organisation")


class AcademyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        return tokens.decode_id_token(
            id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
        )

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            from allauth.socialaccount.providers.oauth2.client import OAuth2Error

            raise OAuth2Error("The provider sent no id_token")
        return super().complete_login(request, app, token, **kwargs)

    def get_callback_url(self, request, app):
        from allauth.utils import build_absolute_uri

        path = reverse("sso_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, path, self.redirect_uri_protocol)


class AcademyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = AcademyOIDCAdapter

    def get_login_url(self, request, **kwargs):
        url = reverse("sso_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("sso_callback", kwargs={"provider_id": self.app.provider_id})

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Send a fresh nonce with every login; it is kept in the login's one-time state and
        checked against the id token when the person comes back."""
        nonce = random_secrets.token_urlsafe(24)
        auth_params = dict(kwargs.pop("auth_params", None) or self.get_auth_params())
        auth_params["nonce"] = nonce
        login_hint = (data or {}).get("login_hint")
        if login_hint:
            auth_params["login_hint"] = login_hint
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
