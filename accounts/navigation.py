from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(request) -> list[dict]:
    """Main navigation entries for the current person, by role."""
    items = [{"label": _("Courses"), "url": reverse("home")}]
    return items
