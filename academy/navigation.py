"""The main navigation, by role. One query at most per request
(``organisations.permissions.roles_of``; whether someone reviews a course comes from the cache,
see ``courses.access.reviews_courses_cached``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.access import reviews_courses_cached
from organisations.permissions import roles_of


def nav_items(request) -> list[dict]:
    """Entries ``{"label", "url"}`` for the header.

    Everyone: Courses. Signed in: My learning (every person can follow courses, trainers and
    analysts too). Course reviewers (an accrediting body's assessor): Courses to review.
    Analysts, administrators, coordinators, staff and trainers (their groups' figures):
    Dashboard. Trainers: Trainer. Analysts, administrators, coordinators and staff:
    Organisation (members, groups, invitations).
    Administrators and staff: Audit log. Staff: Admin. Accreditation administrators (the
    platform role; the admin site lets them in without staff status, see
    ``academy.admin_site``): Accreditations, Attendance lists, Course evaluations. Content
    authors: Course evaluations and Due for review.
    """
    cached = getattr(request, "_academy_nav_items", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    roles = roles_of(user)
    wanted = [(_("Courses"), "courses:catalogue", True)]
    if user is not None and user.is_authenticated:
        accreditation = roles.accreditation_admin
        wanted += [
            (_("My learning"), "courses:my_learning", True),
            (
                _("Courses to review"),
                "courses:review_list",
                not (accreditation or roles.staff) and reviews_courses_cached(user),
            ),
            (_("Dashboard"), "reporting:home", roles.sees_organisations or roles.trainer),
            (_("Trainer"), "trainer:home", roles.trainer),
            (_("Organisation"), "organisations:overview", roles.sees_organisations),
            (_("Audit log"), "audit_log", roles.reads_audit_log),
            (_("Admin"), "admin:index", roles.staff),
            (_("Accreditations"), "admin:certificates_accreditation_changelist", accreditation),
            (_("Attendance lists"), "certificates:attendance", accreditation),
            (
                _("Course evaluations"),
                "certificates:evaluations",
                accreditation or roles.content_author,
            ),
            (_("Due for review"), "courses:review_due", roles.content_author or roles.staff),
        ]
    items = [{"label": label, "url": reverse(name)} for label, name, allowed in wanted if allowed]
    request._academy_nav_items = items
    return items
