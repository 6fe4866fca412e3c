"""The nightly snapshot task (Celery beat, ``CELERY_BEAT_SCHEDULE["reporting-daily-snapshot"]``).

It writes yesterday's rows; a redelivered or repeated run rewrites the same rows
(``snapshot_day`` replaces the day's rows in one transaction)."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from reporting.snapshots import snapshot_day


@shared_task(acks_late=True, serializer="json", time_limit=1800, soft_time_limit=1700)
def write_daily_snapshot(day: str | None = None) -> int:
    """Snapshot ``day`` (ISO date), by default yesterday. Returns the number of rows."""
    target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    return snapshot_day(day=target)
