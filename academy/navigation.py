"""The main navigation, by role. One query at most per request
(``organisations.permissions.roles_of``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.permissions import roles_of


def nav_items(request) -> list[dict]:
    """Entries ``{"label", "url"}`` for the header.

    Everyone: Courses. Signed in: My learning (every person can follow courses, trainers and
    analysts too). Trainers: Trainer. Analysts, administrators, coordinators and staff:
    Organisation. Administrators and staff: Audit log. Staff (content authors work in the admin
    and therefore have staff status): Admin.
    """
    cached = getattr(request, "_academy_nav_items", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    roles = roles_of(user)
    wanted = [(_("Courses"), "courses:catalogue", True)]
    if user is not None and user.is_authenticated:
        wanted += [
            (_("My learning"), "courses:my_learning", True),
            (_("Trainer"), "trainer:home", roles.trainer),
            (_("Organisation"), "organisations:overview", roles.sees_organisations),
            (_("Audit log"), "audit_log", roles.reads_audit_log),
            (_("Admin"), "admin:index", roles.staff),
        ]
    items = [{"label": label, "url": reverse(name)} for label, name, allowed in wanted if allowed]
    request._academy_nav_items = items
    return items
