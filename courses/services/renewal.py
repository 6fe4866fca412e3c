"""Renewal (recertification): a learner whose certificate expires takes the course again.

Renewing restarts the SAME enrolment (one per learner and course) on the course's current
version: the completion, the passed final quiz, the lesson progress and the measured study time
are cleared, and ``Enrolment.restarted_at`` records when. Nothing is deleted:

- the certificates of earlier completions stay (each is a snapshot, valid until it expires);
- quiz attempts stay as history and in the statistics, but from ``restarted_at`` on only newer
  attempts count for the limit, for "passed" and for the waiting time (the assessments app
  reads ``restarted_at``);
- the attitude questionnaire is not asked again (its answers belong to the first round).

Who may renew (a holder whose current certificate expires within 30 days or has expired) is
the certificates app's decision; completing the course again issues a new certificate there.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from courses.models import Course, Enrolment, LessonProgress


@transaction.atomic
def enrolment_restart(*, enrolment: Enrolment, now: datetime | None = None) -> bool:
    """Enrol again on the current course version, on the same enrolment row. Only a completed
    enrolment restarts (a conditional UPDATE, so a double submit restarts once); returns
    whether this call restarted it. ``last_seen_at`` of the lessons is cleared as well: they
    count as not opened in the new round."""
    now = now or timezone.now()
    version = Course.objects.values_list("version", flat=True).get(pk=enrolment.course_id)
    changes = {
        "completed_at": None,
        "version_completed": None,
        "version_started": version,
        "final_quiz_passed_at": None,
        "lessons_completed": 0,
        "progress_percent": 0,
        "certificate_issued_at": None,
        "started_at": None,
        "last_lesson": None,
        "last_opened_lesson": None,
        "restarted_at": now,
    }
    restarted = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=False).update(
        **changes
    )
    if not restarted:
        return False
    LessonProgress.objects.filter(enrolment_id=enrolment.pk).update(
        completed_at=None, seconds_spent=0, last_seen_at=None
    )
    for name, value in changes.items():
        setattr(enrolment, name, value)
    return True
