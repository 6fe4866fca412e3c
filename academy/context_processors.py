from django.conf import settings
from django.utils.functional import SimpleLazyObject


def navigation(request):
    """Navigation by role; the accounts app decides what a person may reach. Lazy: an htmx
    partial that shows no navigation (an autosaved answer) costs no roles query."""
    from accounts.navigation import nav_items

    return {
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        "LANGUAGES": settings.LANGUAGES,
    }
