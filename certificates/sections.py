"""What the certificates app adds to the pages of the courses app: the accreditation line in a
course's facts, and the "Certificate" section of the course page."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.accreditation import shown_accreditations
from certificates.models import Certificate
from certificates.services import Waiting, certificate_readiness

RENEW_DAYS_BEFORE = 30


def course_facts(courses) -> dict[int, list[tuple[str, str]]]:
    """ "Accreditation: 2 points (V&VN), no. …" for granted and current ones; "Accreditation
    applied for (V&VN)" otherwise. One query for all courses of the page."""
    shown = shown_accreditations([course.pk for course in courses])
    facts = {}
    for course_id, items in shown.items():
        html = render_to_string("certificates/_accreditation_fact.html", {"items": items})
        facts[course_id] = [(_("Accreditation"), html)]
    return facts


def course_page_section(request, course, enrolment):
    """The learner's certificate of this course, or what it still waits for."""
    if enrolment is None or enrolment.completed_at is None:
        return None
    certificates = list(
        Certificate.objects.defer("pdf").filter(enrolment=enrolment).order_by("-completed_at")
    )
    current = next((c for c in certificates if c.completed_at == enrolment.completed_at), None)
    readiness = None if current is not None else certificate_readiness(enrolment)
    today = timezone.localdate()
    renewable = (
        current is not None
        and current.revoked_at is None
        and current.expires_on is not None
        and (current.expires_on - today).days <= RENEW_DAYS_BEFORE
    )
    return (
        "certificates/sections/course_page.html",
        {
            "course": course,
            "certificate": current,
            "earlier": [c for c in certificates if c is not current],
            "waiting_for": readiness.waiting_for if readiness else None,
            "Waiting": Waiting,
            "renewable": renewable,
            "today": today,
        },
    )
