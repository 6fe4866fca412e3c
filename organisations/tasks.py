"""Celery tasks of the organisations app: thin wrappers that take ids and call a service."""

from smtplib import SMTPException

from celery import shared_task

from organisations.services import invitation_batch_process, invitation_deliver


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def process_invitation_batch(batch_id: int) -> str:
    """Process an uploaded CSV. Idempotent: the service claims the batch (pending → running)
    with a conditional UPDATE, so a second delivery does nothing."""
    return invitation_batch_process(batch_id=batch_id)


@shared_task(
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int, send_number: int) -> bool:
    """Send the n-th e-mail of an invitation once (guarded by ``Invitation.send_count``)."""
    return invitation_deliver(invitation_id=invitation_id, send_number=send_number)
