"""Home-realm discovery: which organisation's provider an e-mail address belongs to. Decided by
the address's domain only, never by whether an account exists, so the login page answers the
same for known and unknown addresses."""

from organisations.models import IdentityProvider, IdentityProviderDomain


def domain_of(email: str) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower().rstrip(".")


def provider_for_email(email: str) -> IdentityProvider | None:
    domain = domain_of(email)
    if not domain:
        return None
    row = (
        IdentityProviderDomain.objects.filter(domain=domain, provider__is_active=True)
        .select_related("provider__organisation")
        .first()
    )
    return row.provider if row else None


def is_sso_only(email: str) -> bool:
    provider = provider_for_email(email)
    return provider is not None and provider.sso_only


def vouches_for(provider: IdentityProvider, email: str) -> bool:
    return provider.domains.filter(domain=domain_of(email)).exists()
