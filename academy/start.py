"""Where a person lands after login (``/start/``, allauth's ``LOGIN_REDIRECT_URL``), by role."""

from django.urls import reverse

from organisations.permissions import roles_of


def start_url_for(user) -> str:
    """Analysts, administrators, coordinators and staff → the organisation overview;
    trainers → the trainer's home; everyone else (learners) → My learning."""
    roles = roles_of(user)
    if roles.sees_organisations:
        return reverse("organisations:overview")
    if roles.trainer:
        return reverse("trainer:home")
    return reverse("courses:my_learning")
