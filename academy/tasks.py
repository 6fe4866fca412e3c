"""Celery tasks that span apps: thin, idempotent, scheduled in ``CELERY_BEAT_SCHEDULE``."""

import logging

from celery import shared_task

from accounts.outbox import relay as outbox_relay
from accounts.services import retention_purge as accounts_retention_purge
from organisations.services.retention import retention_purge as organisations_retention_purge

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def purge_past_retention() -> dict[str, int]:
    """Daily: each app deletes its data that is past the retention period in settings
    (``RETENTION_*_DAYS``). Idempotent: a second run the same day finds nothing more to delete."""
    deleted = {**accounts_retention_purge(), **organisations_retention_purge()}
    logger.info("Purged past retention: %s", deleted)
    return deleted


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def relay_outbox() -> int:
    """Every 30 seconds: send the tasks that could not be sent when they were written (Redis was
    down), see ``accounts.outbox``. Idempotent: a sent message is never sent again."""
    return outbox_relay()
