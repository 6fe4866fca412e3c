"""Celery tasks of the courses app: thin wrappers that take ids, re-fetch and call a service.

Duplicates are harmless: reminder stages and assignment notices are guarded by the
``ReminderSent`` unique constraint, the weekly overview by a cache key per week and trainer.
Beat runs ``send_due_reminders`` daily at 07:00 and ``send_weekly_trainer_overview`` on Mondays at
07:30 (``CELERY_BEAT_SCHEDULE`` in settings).
"""

from celery import shared_task
from django.utils import timezone

from courses.models import Assignment
from courses.services import reminders

TASK_OPTIONS = {
    "acks_late": True,
    "serializer": "json",
    "time_limit": 1800,
    "soft_time_limit": 1700,
}


@shared_task(**TASK_OPTIONS)
def send_due_reminders() -> int:
    return reminders.reminders_send_due(today=timezone.localdate())


@shared_task(**TASK_OPTIONS)
def send_weekly_trainer_overview() -> int:
    return reminders.trainer_overview_send_weekly(today=timezone.localdate())


@shared_task(acks_late=True, serializer="json")
def send_assignment_notice(assignment_id: int, user_ids: list[int]) -> int:
    assignment = Assignment.objects.select_related("course").filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    return reminders.assignment_notice_send(assignment=assignment, user_ids=user_ids)


@shared_task(acks_late=True, serializer="json")
def send_assignment_reminder(assignment_id: int, user_ids: list[int]) -> int:
    assignment = Assignment.objects.select_related("course").filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    return reminders.reminder_send_manual(assignment=assignment, user_ids=user_ids)
