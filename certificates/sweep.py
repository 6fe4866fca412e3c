"""The hourly sweep: issue what a lost task left undone (a worker that died before it took the
task, a broker restart). Queues batches of ``issue_certificates``; the service itself decides
again, under a row lock, so a sweep running beside a normal task never issues twice."""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from certificates.models import Accreditation, Certificate, CourseEvaluation
from courses.models import Enrolment

BATCH_SIZE = 200


def pending_enrolment_ids(*, course_id: int | None = None) -> list[int]:
    """Completions under the rules without a certificate that could be issued now (not waiting
    for an evaluation of a course with a granted accreditation)."""
    since = timezone.make_aware(datetime.combine(settings.CERTIFICATE_RULES_SINCE, time.min))
    has_certificate = Certificate.objects.filter(
        enrolment=OuterRef("pk"), completed_at=OuterRef("completed_at")
    )
    granted = Accreditation.objects.filter(
        course=OuterRef("course_id"), status=Accreditation.Status.GRANTED
    )
    evaluated = CourseEvaluation.objects.filter(enrolment=OuterRef("pk"))
    enrolments = Enrolment.objects.filter(completed_at__gte=since).filter(
        ~Exists(has_certificate), Q(~Exists(granted)) | Q(Exists(evaluated))
    )
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    return list(enrolments.order_by("pk").values_list("pk", flat=True))


def certificates_sweep(*, course_id: int | None = None) -> int:
    """Queue the pending completions in batches; returns how many were queued."""
    from certificates.tasks import issue_certificates

    ids = pending_enrolment_ids(course_id=course_id)

    def queue() -> None:
        for start in range(0, len(ids), BATCH_SIZE):
            issue_certificates.delay(ids[start : start + BATCH_SIZE])

    transaction.on_commit(queue)  # at once outside a transaction (the beat task, the command)
    return len(ids)
