"""Daily snapshots: the counts per organisation and course at the end of one day.

``snapshot_day(day=...)`` writes one ``DailySnapshot`` row for every organisation × course with
at least one enrolment or classroom attendance by the end of that day (local time). The counts
are cumulative, as of the end of the day, following the counting rules of
``reporting.statistics``:

- ``enrolled``: enrolments created by then; ``started``: with ``started_at`` by then;
- ``completed``: online completions (``completed_at`` by then);
- ``completed_classroom``: people who attended a classroom session of the course held on or
  before the day (an attendee known by e-mail address only counts too; a person is counted once
  per course however many sessions they attended);
- ``certificates``: certificates issued by then and not revoked by then. This is the one
  deliberate difference from the live engine, which leaves out every certificate that is
  revoked now, whenever that happened: a snapshot records the day as it was, so a later
  backfill writes what the nightly run wrote.

The counts equal ``statistics.key_figures`` for the organisation alone (not its
sub-organisations) and the course over a period from the beginning up to the day
(``tests/reporting/test_snapshots.py`` checks this).

The rows come from three aggregate queries (enrolments, attendances, certificates, each one
``GROUP BY organisation, course``) and are written with one ``bulk_create``: the time does not
depend on the number of learners beyond what the database's aggregation costs. A re-run of the
same day deletes that day's rows and writes them again in the same transaction, so the job is
idempotent and a backfill can overwrite earlier runs.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast, Coalesce, Lower
from django.utils import timezone

from certificates.models import Certificate
from courses.models import ClassroomAttendance, Enrolment
from reporting.models import DailySnapshot

COUNTS = ("enrolled", "started", "completed", "completed_classroom", "certificates")


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in the platform's time zone (exclusive bound)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _enrolment_counts(until: datetime):
    return (
        Enrolment.objects.filter(organisation__isnull=False, created_at__lt=until)
        .values("organisation_id", "course_id")
        .annotate(
            enrolled=Count("pk"),
            started=Count("pk", filter=Q(started_at__lt=until)),
            completed=Count("pk", filter=Q(completed_at__lt=until)),
        )
        .order_by()
    )


def _classroom_counts(day: date):
    person = Coalesce(Cast("user_id", CharField()), Lower("email"))
    return (
        ClassroomAttendance.objects.filter(session__held_on__lte=day)
        .values("session__organisation_id", "session__course_id")
        .annotate(completed_classroom=Count(person, distinct=True))
        .order_by()
    )


def _certificate_counts(until: datetime):
    return (
        Certificate.objects.filter(enrolment__organisation__isnull=False, issued_at__lt=until)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=until))
        .values("enrolment__organisation_id", "enrolment__course_id")
        .annotate(certificates=Count("pk"))
        .order_by()
    )


def snapshot_counts(*, day: date) -> dict[tuple[int, int], dict[str, int]]:
    """(organisation id, course id) → the five counts at the end of ``day`` (nothing written)."""
    until = end_of_day(day)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in _enrolment_counts(until):
        entry = counts[(row["organisation_id"], row["course_id"])]
        entry.update(enrolled=row["enrolled"], started=row["started"], completed=row["completed"])
    for row in _classroom_counts(day):
        key = (row["session__organisation_id"], row["session__course_id"])
        counts[key]["completed_classroom"] = row["completed_classroom"]
    for row in _certificate_counts(until):
        key = (row["enrolment__organisation_id"], row["enrolment__course_id"])
        if key in counts:  # a certificate always belongs to an enrolment counted above
            counts[key]["certificates"] = row["certificates"]
    return dict(counts)


@transaction.atomic
def snapshot_day(*, day: date) -> int:
    """Write (or rewrite) the snapshot rows of ``day``. Returns the number of rows."""
    rows = [
        DailySnapshot(date=day, organisation_id=organisation_id, course_id=course_id, **values)
        for (organisation_id, course_id), values in sorted(snapshot_counts(day=day).items())
    ]
    DailySnapshot.objects.filter(date=day).delete()
    DailySnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
