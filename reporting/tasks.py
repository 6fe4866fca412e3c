"""Celery tasks of the reporting app: thin wrappers around the services.

``make_progress_report`` makes the national progress report (idempotent: the service claims the
report with a conditional UPDATE; a finished report is left alone). The nightly snapshot and the
weekly digest live in their own modules and are imported here, because Celery's autodiscovery
loads only ``reporting.tasks``.
"""

from celery import shared_task

from reporting.national import progress_report_make
from reporting.tasks_digest import send_weekly_digest
from reporting.tasks_snapshots import write_daily_snapshot

__all__ = ["make_progress_report", "send_weekly_digest", "write_daily_snapshot"]


@shared_task(acks_late=True, serializer="json", time_limit=600, soft_time_limit=540)
def make_progress_report(report_id: int) -> str | None:
    report = progress_report_make(report_id=report_id)
    return report.status if report else None
