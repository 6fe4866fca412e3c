"""Where a person lands after login (``/start/``, allauth's ``LOGIN_REDIRECT_URL``), by role."""

from django.urls import reverse

from courses.access import review_status_refresh
from organisations.permissions import roles_of


def start_url_for(user) -> str:
    """Accreditation administrators → the accreditations in the admin (which admits them
    without staff status); analysts, administrators, coordinators and staff → the dashboard
    (``reporting:home``: their organisation's figures; members stay on the organisation pages);
    trainers → the trainer's home; course reviewers (an accrediting body's assessor) → Courses
    to review; everyone else (learners) → My learning.

    For everyone but staff this also refreshes whether they review a course (one query at
    login), which the header reads from the cache."""
    roles = roles_of(user)
    if roles.accreditation_admin:
        return reverse("admin:certificates_accreditation_changelist")
    reviews = not roles.staff and review_status_refresh(user.pk)
    if roles.sees_organisations:
        return reverse("reporting:home")
    if roles.trainer:
        return reverse("trainer:home")
    if reviews:
        return reverse("courses:review_list")
    return reverse("courses:my_learning")
