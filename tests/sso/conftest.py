"""Single sign-on tests run against a real OpenID Connect provider: see harness.py."""

from tests.sso.harness import oidc_provider  # noqa: F401
