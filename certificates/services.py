"""Issuing, re-issuing, revoking and erasing certificates.

Issuance (:func:`certificate_issue`) is idempotent: it locks the enrolment row, returns the
certificate that already exists for this completion, and otherwise writes the row and its PDF
in one transaction (a worker killed half-way leaves nothing; the unique constraint on
enrolment + course version + completion is the last guard). It is run by the Celery task
``certificates.tasks.issue_certificate`` queued after the completing transaction commits, and
by the hourly sweep (``certificates_sweep``) for what a lost task left undone.

A completion gets a certificate when (:func:`certificate_readiness`):

- it was made under the trustworthy-assessment rules (``settings.CERTIFICATE_RULES_SINCE``);
- when a granted accreditation covers it: the learner answered the course evaluation, and for
  the accreditation they chose the registration number it needs (and the date of birth when its
  register asks for it) is in their profile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from accounts import outbox
from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from certificates import accreditation as accreditation_rules
from certificates.codes import new_code
from certificates.models import Accreditation, Certificate, CourseEvaluation
from certificates.pdf import render_certificate_pdf
from courses.models import Enrolment, LessonProgress
from courses.services import enrolment_certificate_issued, enrolments_certificate_issued

logger = logging.getLogger(__name__)


class Waiting:
    """Why a completion has no certificate yet (``Readiness.waiting_for``)."""

    NOT_COMPLETED = "not_completed"
    BEFORE_RULES = "before_rules"
    EVALUATION = "evaluation"
    REGISTRATION = "registration"


@dataclass(frozen=True)
class Readiness:
    waiting_for: str | None
    accreditation: Accreditation | None = None
    covering: tuple[Accreditation, ...] = ()

    @property
    def ready(self) -> bool:
        return self.waiting_for is None


def completion_date(enrolment: Enrolment) -> date:
    return timezone.localdate(enrolment.completed_at)


def certified_under_rules(enrolment: Enrolment) -> bool:
    """Whether the completion was made under the trustworthy-assessment rules."""
    return (
        enrolment.completed_at is not None
        and completion_date(enrolment) >= settings.CERTIFICATE_RULES_SINCE
    )


_NOT_READ = object()


def certificate_readiness(
    enrolment: Enrolment, *, accreditations=None, evaluation=_NOT_READ
) -> Readiness:
    """Whether the completion can be certified now, and with which accreditation. A batch
    passes the course's ``accreditations`` and the enrolment's ``evaluation`` it read already."""
    if enrolment.completed_at is None:
        return Readiness(Waiting.NOT_COMPLETED)
    if not certified_under_rules(enrolment):
        return Readiness(Waiting.BEFORE_RULES)
    if accreditations is None:
        accreditations = accreditation_rules.course_accreditations(enrolment.course_id)
    covering = tuple(
        accreditation_rules.covering(
            accreditations,
            completed_on=completion_date(enrolment),
            version=enrolment.version_completed or enrolment.course.version,
        )
    )
    if not covering:
        return Readiness(None)
    if evaluation is _NOT_READ:
        evaluation = CourseEvaluation.objects.filter(enrolment=enrolment).first()
    if evaluation is None:
        return Readiness(Waiting.EVALUATION, covering=covering)
    chosen = next((a for a in covering if a.pk == evaluation.accreditation_id), None)
    if chosen is None:  # the learner wants no points (or chose one that no longer covers)
        return Readiness(None, covering=covering)
    user = enrolment.user
    if not user.registration_number(chosen.body.register):
        return Readiness(Waiting.REGISTRATION, accreditation=chosen, covering=covering)
    if chosen.requires_date_of_birth and user.date_of_birth is None:
        return Readiness(Waiting.REGISTRATION, accreditation=chosen, covering=covering)
    return Readiness(None, accreditation=chosen, covering=covering)


def _study_seconds(enrolment: Enrolment) -> int:
    total = LessonProgress.objects.filter(enrolment=enrolment).aggregate(s=Sum("seconds_spent"))
    return total["s"] or 0


def _expires_on(enrolment: Enrolment) -> date | None:
    months = enrolment.course.certificate_validity_months
    if not months:
        return None
    return completion_date(enrolment) + relativedelta(months=months)


def _fill_snapshot(
    certificate: Certificate, enrolment: Enrolment, readiness: Readiness, *, study_seconds: int
) -> None:
    """Copy what the certificate states from the live records."""
    user: User = enrolment.user
    course = enrolment.course
    certificate.language = user.preferred_language or "nl"
    certificate.holder_name = "" if user.anonymised_at else (user.name or user.email)
    certificate.holder_erased = user.anonymised_at is not None
    certificate.course_title_nl = course.title_nl
    certificate.course_title_en = course.title_en
    certificate.study_seconds = study_seconds
    certificate.study_load_minutes = course.minutes
    chosen = readiness.accreditation
    certificate.accreditation = chosen
    if chosen is not None:
        certificate.accreditation_body = chosen.body.name
        certificate.accreditation_number = chosen.number
        certificate.points = chosen.points
        certificate.points_unit = chosen.unit
        certificate.register = chosen.body.register
        certificate.registration_number = user.registration_number(chosen.body.register)
    else:
        certificate.accreditation_body = ""
        certificate.accreditation_number = ""
        certificate.points = None
        certificate.points_unit = ""
        certificate.register = ""
        certificate.registration_number = ""


def _locked_enrolment(enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "course")
        .filter(pk=enrolment_id)
        .first()
    )


def _existing(enrolment: Enrolment) -> Certificate | None:
    return (
        Certificate.objects.defer("pdf")
        .filter(
            enrolment=enrolment,
            course_version=enrolment.version_completed,
            completed_at=enrolment.completed_at,
        )
        .first()
    )


@transaction.atomic
def certificate_issue(*, enrolment_id: int, now: datetime | None = None) -> Certificate | None:
    """Issue the certificate of the enrolment's completion, once. Returns it (also when it
    existed already), or ``None`` while the completion is not ready (see the module)."""
    enrolment = _locked_enrolment(enrolment_id)
    if enrolment is None or enrolment.completed_at is None:
        return None
    existing = _existing(enrolment)
    if existing is not None:
        return existing
    readiness = certificate_readiness(enrolment)
    if not readiness.ready:
        return None
    now = now or timezone.now()
    certificate = _new_certificate(
        enrolment, readiness, now=now, study_seconds=_study_seconds(enrolment)
    )
    certificate.save()
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=now)
    return certificate


def _new_certificate(
    enrolment: Enrolment, readiness: Readiness, *, now: datetime, study_seconds: int
) -> Certificate:
    certificate = Certificate(
        enrolment=enrolment,
        course_version=enrolment.version_completed or enrolment.course.version,
        code=new_code(),
        completed_at=enrolment.completed_at,
        issued_at=now,
        expires_on=_expires_on(enrolment),
    )
    certificate.copy_from_enrolment()
    _fill_snapshot(certificate, enrolment, readiness, study_seconds=study_seconds)
    certificate.pdf = render_certificate_pdf(certificate)
    return certificate


@transaction.atomic
def certificates_issue_batch(*, enrolment_ids: list[int], now: datetime | None = None) -> int:
    """Issue for many completions at once (the sweep, back-fills): the rules of
    :func:`certificate_issue`, with every read done once for the batch and one INSERT per 50
    certificates. The enrolment rows are locked (in id order) for the whole batch, so a single
    issuance of the same enrolment waits and then finds the certificate. Returns how many were
    issued."""
    enrolments = list(
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "course")
        .filter(pk__in=enrolment_ids, completed_at__isnull=False)
        .order_by("pk")
    )
    issued = set(
        Certificate.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "completed_at"
        )
    )
    pending = [e for e in enrolments if (e.pk, e.completed_at) not in issued]
    if not pending:
        return 0
    by_course: dict[int, list[Accreditation]] = {}
    for accreditation in Accreditation.objects.filter(
        course_id__in={e.course_id for e in pending}
    ).select_related("body"):
        by_course.setdefault(accreditation.course_id, []).append(accreditation)
    evaluations = {
        evaluation.enrolment_id: evaluation
        for evaluation in CourseEvaluation.objects.filter(enrolment__in=pending)
    }
    seconds = dict(
        LessonProgress.objects.filter(enrolment__in=pending)
        .order_by()
        .values("enrolment_id")
        .annotate(total=Sum("seconds_spent"))
        .values_list("enrolment_id", "total")
    )
    now = now or timezone.now()
    certificates = []
    for enrolment in pending:
        readiness = certificate_readiness(
            enrolment,
            accreditations=by_course.get(enrolment.course_id, []),
            evaluation=evaluations.get(enrolment.pk),
        )
        if readiness.ready:
            certificates.append(
                _new_certificate(
                    enrolment, readiness, now=now, study_seconds=seconds.get(enrolment.pk) or 0
                )
            )
    Certificate.objects.bulk_create(certificates, batch_size=50)
    enrolments_certificate_issued(
        enrolment_ids=[c.enrolment_id for c in certificates], issued_at=now
    )
    return len(certificates)


@transaction.atomic
def certificate_reissue(*, certificate_id: int, now: datetime | None = None) -> Certificate | None:
    """Re-issue with the same code: the holder's current name and registration number, a new
    PDF. Points and accreditation stay as issued (a later grant never adds points). Revoked
    certificates are not re-issued."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrolment__user")
        .filter(pk=certificate_id, revoked_at__isnull=True)
        .first()
    )
    if certificate is None:
        return None
    enrolment = certificate.enrolment
    user = enrolment.user
    certificate.language = user.preferred_language or "nl"
    certificate.holder_name = "" if user.anonymised_at else (user.name or user.email)
    certificate.holder_erased = user.anonymised_at is not None
    if certificate.register:
        certificate.registration_number = user.registration_number(certificate.register)
    certificate.reissued_at = now or timezone.now()
    certificate.pdf = render_certificate_pdf(certificate)
    certificate.save(
        update_fields=[
            "language",
            "holder_name",
            "holder_erased",
            "registration_number",
            "reissued_at",
            "pdf",
        ]
    )
    return certificate


def certificate_issue_later(*, enrolment_id: int) -> None:
    """Queue the issuance in the outbox of the current transaction; it is sent after the commit,
    or by the relay when Redis is down (idempotent: queuing twice is harmless)."""
    outbox.enqueue("certificates.tasks.issue_certificate", enrolment_id)


def on_completion(*, enrolment_id: int) -> None:
    """Completion handler (registered with the courses app): runs after the commit. Through the
    outbox, so a completion while Redis is down still gets its certificate (the hourly sweep is
    the last resort)."""
    outbox.enqueue("certificates.tasks.issue_certificate", enrolment_id)


def on_registration_changed(*, user: User, fields: list[str]) -> None:
    """Registration handler (accounts): re-issue the person's certificates that carry a register
    number, and issue those that were waiting for one."""
    certificate_ids = list(
        Certificate.objects.filter(enrolment__user=user, revoked_at__isnull=True)
        .exclude(register="")
        .values_list("pk", flat=True)
    )
    waiting_ids = list(
        Enrolment.objects.filter(user=user, completed_at__isnull=False)
        .exclude(Exists(Certificate.objects.filter(enrolment=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )

    for pk in certificate_ids:
        outbox.enqueue("certificates.tasks.reissue_certificate", pk)
    for pk in waiting_ids:
        outbox.enqueue("certificates.tasks.issue_certificate", pk)


class RevocationRefused(Exception):
    pass


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, actor: User, reason: str, request=None
) -> Certificate:
    """Revoke with a reason (shown on the verification page), audited. Idempotent: a revoked
    certificate keeps its first revocation."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RevocationRefused("A revocation needs a reason.")
    locked = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrolment__user")
        .defer("pdf")
        .get(pk=certificate.pk)
    )
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:500]
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    enrolment_certificate_issued(enrolment_id=locked.enrolment_id, issued_at=None)
    audit_record(
        action=AuditEvent.Action.CERTIFICATE_REVOKED,
        request=request,
        actor=actor,
        subject_user=locked.enrolment.user,
        summary=f"Certificate {locked.code} revoked",
        data={"code": locked.code, "reason": locked.revoked_reason},
    )
    return locked
