"""Reads of the certificates app for the holder's and the public pages."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from certificates.models import Certificate
from courses.models import Enrolment


class State:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_of(certificate: Certificate, today: date) -> str:
    if certificate.revoked_at is not None:
        return State.REVOKED
    if certificate.expires_on is not None and certificate.expires_on < today:
        return State.EXPIRED
    return State.VALID


def course_title(certificate: Certificate) -> str:
    if (get_language() or "nl").startswith("en") and certificate.course_title_en:
        return certificate.course_title_en
    return certificate.course_title_nl


@dataclass
class HolderCertificate:
    certificate: Certificate
    state: str
    title: str


def holder_certificates(*, user, today: date) -> list[HolderCertificate]:
    """The person's certificates, newest first (one query; the PDFs are not read)."""
    rows = (
        Certificate.objects.defer("pdf")
        .filter(enrolment__user=user)
        .select_related("enrolment__course")
        .order_by("-completed_at", "-pk")
    )
    return [HolderCertificate(c, state_of(c, today), course_title(c)) for c in rows]


def completions_without_certificate(*, user) -> list[Enrolment]:
    """Completed enrolments of the person whose completion has no certificate (yet)."""
    has_certificate = Certificate.objects.filter(
        enrolment=OuterRef("pk"), completed_at=OuterRef("completed_at")
    )
    return list(
        Enrolment.objects.filter(user=user, completed_at__isnull=False)
        .exclude(Exists(has_certificate))
        .select_related("course")
        .order_by("-completed_at")
    )


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.defer("pdf").filter(code=code).first()
