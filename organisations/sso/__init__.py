"""Single sign-on per organisation (OpenID Connect, through django-allauth's socialaccount).

- ``secrets``: client secrets stored encrypted (or taken from the environment);
- ``tokens``: the id token check (signature always, issuer, audience, expiry, nonce, replay);
- ``provider``: allauth's OpenID Connect provider and adapter with those checks, one per
  ``IdentityProvider`` row (no ``SocialApp`` rows: the apps are built from our model);
- ``adapter``: who may log in through which provider, linking, provisioning, the MFA rule;
- ``discovery``: which provider an e-mail address's domain belongs to (home-realm discovery);
- ``views``: the login page (address first), the provider login and callback.
"""
