"""Where a person lands after login (``/start/`` and allauth's login redirect), by role.

The pages behind these URL names are built by other apps; a name that does not resolve (yet)
falls through to the next best page, so the start page works whichever app lands first.
"""

from django.urls import NoReverseMatch, reverse

from organisations.permissions import roles_of


def first_url(*names: str) -> str | None:
    """The URL of the first of ``names`` that resolves, or None."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def start_url_for(user) -> str:
    """Analysts, administrators, coordinators and staff → the organisation overview;
    trainers → the trainer's home; everyone else (learners) → My learning."""
    roles = roles_of(user)
    if roles.sees_organisations:
        url = first_url("organisations:overview", "accounts:profile")
    elif roles.trainer:
        url = first_url("trainer:home", "courses:my_learning", "courses:catalogue")
    else:
        url = first_url("courses:my_learning", "courses:catalogue")
    return url or reverse("home")
