"""Celery tasks of the certificates app: thin, idempotent wrappers around the services.

A retry or a duplicate delivery is harmless: ``certificate_issue`` returns the certificate that
exists. ``sweep_certificates`` (hourly) issues what a lost task left undone;
``send_expiry_notices`` (daily) mails holders 30 days before expiry, once.
"""

from celery import shared_task
from django.utils import timezone

from certificates import services
from certificates.expiry import expiry_notices_send
from certificates.sweep import certificates_sweep

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,  # a killed worker gives the task back (it is idempotent)
    "serializer": "json",
    "max_retries": 5,
}
RETRY_SECONDS = 10


@shared_task(bind=True, **TASK_OPTIONS)
def issue_certificate(self, enrolment_id: int) -> str | None:
    try:
        certificate = services.certificate_issue(enrolment_id=enrolment_id)
    except Exception as error:  # a deadlock or a lost connection: try again a little later
        raise self.retry(exc=error, countdown=RETRY_SECONDS) from error
    return certificate.code if certificate else None


@shared_task(**TASK_OPTIONS)
def issue_certificates(enrolment_ids: list[int]) -> int:
    """Issue for many enrolments in one task (the sweep and back-fills send batches)."""
    return services.certificates_issue_batch(enrolment_ids=enrolment_ids)


@shared_task(**TASK_OPTIONS)
def reissue_certificate(certificate_id: int) -> str | None:
    certificate = services.certificate_reissue(certificate_id=certificate_id)
    return certificate.code if certificate else None


@shared_task(acks_late=True, serializer="json")
def sweep_certificates() -> int:
    return certificates_sweep()


@shared_task(acks_late=True, serializer="json")
def send_expiry_notices() -> int:
    return expiry_notices_send(today=timezone.localdate())
