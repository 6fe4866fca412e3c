"""The weekly digest task (Celery beat, Mondays at 07:45:
``CELERY_BEAT_SCHEDULE["reporting-weekly-digest"]``). Running it twice in a week sends nothing
new: ``DigestSent`` guards once per person and week."""

from celery import shared_task
from django.utils import timezone

from reporting.digest import digest_send_weekly


@shared_task(acks_late=True, serializer="json", time_limit=1800, soft_time_limit=1700)
def send_weekly_digest() -> int:
    return digest_send_weekly(today=timezone.localdate())
