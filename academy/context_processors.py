from django.conf import settings
from django.utils.functional import SimpleLazyObject


def navigation(request):
    """Navigation and two-factor facts by role (``organisations.permissions.roles_of``). Lazy:
    an htmx partial that shows no navigation (an autosaved answer) costs no roles query."""
    from academy.mfa import user_has_mfa, user_requires_mfa
    from academy.navigation import nav_items

    user = getattr(request, "user", None)
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        # the profile page shows them; the accounts app itself knows nothing of roles
        "has_mfa": SimpleLazyObject(lambda: user_has_mfa(user)),
        "requires_mfa": SimpleLazyObject(lambda: user_requires_mfa(user)),
        "LANGUAGES": settings.LANGUAGES,
    }
