"""What the certificates app keeps about a person, for "download my data" and account deletion
(registered in ``CertificatesConfig.ready``; see ``accounts.hooks``).

Exported: every certificate (code, course, version, dates, points, accreditation, the
registration number it carries, status) and every course evaluation (scores and minutes).

Erased on deletion: the name and registration number on each certificate, and its PDF is
rendered again without them. The certificate itself stays verifiable by its code, as "issued to
a deleted account": whoever holds a printed copy can still show it was genuine, and nobody can
read the name back from the platform. Evaluations hold no name or address and stay in the
aggregates.
"""

from accounts.hooks import exports
from accounts.personal_data import iso
from certificates.models import Certificate, CourseEvaluation
from certificates.pdf import render_certificate_pdf


@exports("certificates.Certificate", "certificates.CourseEvaluation")
def certificates_section(*, user) -> dict:
    certificates = (
        Certificate.objects.defer("pdf")
        .filter(enrolment__user=user)
        .select_related("enrolment__course")
        .order_by("completed_at", "pk")
    )
    evaluations = (
        CourseEvaluation.objects.filter(enrolment__user=user)
        .select_related("enrolment__course", "accreditation__body")
        .order_by("submitted_at", "pk")
    )
    return {
        "certificates": [
            {
                "code": c.code,
                "course": c.enrolment.course.slug,
                "course_title": c.course_title_nl,
                "course_version": c.course_version,
                "holder_name": c.holder_name,
                "completed_at": iso(c.completed_at),
                "issued_at": iso(c.issued_at),
                "reissued_at": iso(c.reissued_at),
                "expires_on": iso(c.expires_on),
                "study_seconds": c.study_seconds,
                "accreditation_body": c.accreditation_body,
                "accreditation_number": c.accreditation_number,
                "points": str(c.points) if c.points is not None else None,
                "points_unit": c.points_unit,
                "register": c.register,
                "registration_number": c.registration_number,
                "revoked_at": iso(c.revoked_at),
                "revoked_reason": c.revoked_reason,
            }
            for c in certificates
        ],
        "course_evaluations": [
            {
                "course": e.enrolment.course.slug,
                "relevance": e.relevance,
                "quality": e.quality,
                "minutes_reported": e.minutes_reported,
                "accreditation": e.accreditation.body.short_name if e.accreditation else None,
                "submitted_at": iso(e.submitted_at),
            }
            for e in evaluations
        ],
    }


def erase_certificates(*, user, person) -> None:
    """Remove the name and registration number from the person's certificates and their PDFs."""
    for certificate in Certificate.objects.filter(enrolment__user=user):
        certificate.holder_name = ""
        certificate.holder_erased = True
        certificate.registration_number = ""
        certificate.revoked_reason = person.scrub(certificate.revoked_reason)
        certificate.pdf = render_certificate_pdf(certificate)
        certificate.save(
            update_fields=[
                "holder_name",
                "holder_erased",
                "registration_number",
                "revoked_reason",
                "pdf",
            ]
        )
