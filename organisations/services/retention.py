"""Purging the organisations app's data that is past its retention period (settings
``RETENTION_*_DAYS``; run daily by ``academy.tasks.purge_past_retention``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Invitation, InvitationBatch


@transaction.atomic
def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Idempotent; returns how many rows of each kind were deleted.

    - Invitation uploads (the CSV with everyone's address and the per-row results) older than
      ``RETENTION_INVITATION_BATCH_DAYS``; the invitations made from them stay.
    - Invitations that can no longer be accepted — expired (marked so, or pending past their
      expiry) or revoked — once their expiry date lies ``RETENTION_EXPIRED_INVITATION_DAYS``
      back. Accepted invitations stay: they document how a member joined.
    """
    now = now or timezone.now()
    batches, _ = InvitationBatch.objects.filter(
        created_at__lt=now - timedelta(days=settings.RETENTION_INVITATION_BATCH_DAYS)
    ).delete()
    invitations, _ = (
        Invitation.objects.filter(
            Q(status__in=[Invitation.Status.EXPIRED, Invitation.Status.REVOKED])
            | Q(status=Invitation.Status.PENDING, expires_at__lte=now)
        )
        .filter(expires_at__lt=now - timedelta(days=settings.RETENTION_EXPIRED_INVITATION_DAYS))
        .delete()
    )
    return {"invitation_batches": batches, "expired_invitations": invitations}
