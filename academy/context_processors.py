from django.conf import settings


def navigation(request):
    """Navigation by role; the accounts app decides what a person may reach."""
    from accounts.navigation import nav_items

    return {
        "nav_items": nav_items(request),
        "LANGUAGES": settings.LANGUAGES,
    }
