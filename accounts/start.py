"""Where a person lands after login, by role."""

from django.urls import reverse


def start_url_for(user) -> str:
    return reverse("home")
