"""Daily snapshots (reporting.snapshots): counts as of the end of a day, idempotent per day,
the same figures as the statistics engine, the backfill command and the nightly task."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import ClassroomAttendance, ClassroomSession, Enrolment
from reporting.models import DailySnapshot
from reporting.snapshots import snapshot_day
from tests import factories
from tests.certificates.factories import CertificateFactory

DAY = date(2025, 3, 12)
FIELDS = ("organisation_id", "course_id", "enrolled", "started", "completed")
COUNTS = ("enrolled", "started", "completed", "completed_classroom", "certificates")


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on ``day`` in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def enrol(organisation, course, *, created, started=None, completed=None, user=None):
    enrolment = factories.EnrolmentFactory(
        user=user or factories.UserFactory(), course=course, organisation=organisation
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=created, started_at=started, completed_at=completed
    )
    enrolment.refresh_from_db()
    return enrolment


def classroom(organisation, course, held_on, *, users=(), emails=()):
    session = ClassroomSession.objects.create(
        course=course, organisation=organisation, held_on=held_on
    )
    ClassroomAttendance.objects.bulk_create(
        [ClassroomAttendance(session=session, user=user) for user in users]
        + [ClassroomAttendance(session=session, email=email) for email in emails]
    )
    return session


def rows(day: date = DAY) -> dict[tuple[int, int], dict[str, int]]:
    return {
        (row["organisation_id"], row["course_id"]): {key: row[key] for key in COUNTS}
        for row in DailySnapshot.objects.filter(date=day).values(
            "organisation_id", "course_id", *COUNTS
        )
    }


@pytest.fixture
def dataset(db):
    """Two units of one parent, two courses; activity just before, on and after DAY."""
    parent = factories.OrganisationFactory(name="Politie", kind="police")
    north = factories.OrganisationFactory(name="Eenheid Noord", kind="police", parent=parent)
    south = factories.OrganisationFactory(name="Eenheid Zuid", kind="police", parent=parent)
    course = factories.CourseFactory(slug="signalen")
    other_course = factories.CourseFactory(slug="gesprek")
    before = DAY - timedelta(days=3)
    # North, course: enrolled 3 by the end of DAY (a 4th the next day), started 2, completed 1
    # (at 23:50 local time: still DAY), one more completion the next day.
    done = enrol(
        north, course, created=at(before), started=at(before, 13), completed=at(DAY, 23, 50)
    )
    enrol(north, course, created=at(before), started=at(DAY, 9), completed=at(DAY + timedelta(1)))
    enrol(north, course, created=at(DAY, 0, 5))
    enrol(north, course, created=at(DAY + timedelta(days=1), 0, 5))
    # A certificate issued on DAY, one revoked on DAY (not counted), one issued the next day.
    CertificateFactory(enrolment=done, issued_at=at(DAY, 23, 55))
    revoked = enrol(
        north, other_course, created=at(before), started=at(before), completed=at(before)
    )
    CertificateFactory(
        enrolment=revoked,
        issued_at=at(before),
        revoked_at=at(DAY, 10),
        revoked_reason="Fraude bij de toets",
    )
    late = enrol(south, course, created=at(before), started=at(before), completed=at(before))
    CertificateFactory(enrolment=late, issued_at=at(DAY + timedelta(days=1), 0, 30))
    # Classroom: south taught the other course on DAY to two accounts and one e-mail address;
    # one of them attended again the same day (counted once), and a session after DAY.
    attendee, second = factories.UserFactory(), factories.UserFactory()
    classroom(south, other_course, DAY, users=[attendee, second], emails=["gast@example.org"])
    classroom(south, other_course, DAY, users=[attendee], emails=["GAST@example.org"])
    classroom(south, other_course, DAY + timedelta(days=1), users=[factories.UserFactory()])
    # An organisation with nothing: no rows.
    factories.OrganisationFactory(name="Gemeente Leeg", kind="municipality")
    return {
        "parent": parent,
        "north": north,
        "south": south,
        "course": course,
        "other_course": other_course,
    }


def test_counts_as_of_the_end_of_the_day(dataset):
    north, south = dataset["north"], dataset["south"]
    course, other = dataset["course"], dataset["other_course"]

    assert snapshot_day(day=DAY) == 4

    assert rows() == {
        (north.pk, course.pk): {
            "enrolled": 3,
            "started": 2,
            "completed": 1,
            "completed_classroom": 0,
            "certificates": 1,
        },
        (north.pk, other.pk): {
            "enrolled": 1,
            "started": 1,
            "completed": 1,
            "completed_classroom": 0,
            "certificates": 0,  # revoked on DAY
        },
        (south.pk, course.pk): {
            "enrolled": 1,
            "started": 1,
            "completed": 1,
            "completed_classroom": 0,
            "certificates": 0,  # issued the next day
        },
        (south.pk, other.pk): {  # classroom only: 2 accounts + 1 address, each once
            "enrolled": 0,
            "started": 0,
            "completed": 0,
            "completed_classroom": 3,
            "certificates": 0,
        },
    }


def test_a_certificate_revoked_later_still_counts_for_earlier_days(dataset):
    snapshot_day(day=DAY - timedelta(days=1))

    key = (dataset["north"].pk, dataset["other_course"].pk)
    assert rows(DAY - timedelta(days=1))[key]["certificates"] == 1


def test_idempotent_per_day(dataset):
    snapshot_day(day=DAY)
    first = rows()
    ids = set(DailySnapshot.objects.filter(date=DAY).values_list("pk", flat=True))

    assert snapshot_day(day=DAY) == len(first)

    assert rows() == first
    assert DailySnapshot.objects.filter(date=DAY).count() == len(first)
    assert not ids & set(DailySnapshot.objects.values_list("pk", flat=True))  # rewritten


def test_a_rerun_replaces_the_days_rows_and_leaves_other_days(dataset):
    snapshot_day(day=DAY - timedelta(days=1))
    snapshot_day(day=DAY)
    earlier = rows(DAY - timedelta(days=1))
    key = (dataset["north"].pk, dataset["course"].pk)
    enrol(dataset["north"], dataset["course"], created=at(DAY, 15), started=at(DAY, 16))

    snapshot_day(day=DAY)

    assert rows()[key]["enrolled"] == 4
    assert rows()[key]["started"] == 3
    assert rows(DAY - timedelta(days=1)) == earlier


def test_the_query_count_does_not_grow_with_the_learners(dataset):
    with CaptureQueriesContext(connection) as small:
        snapshot_day(day=DAY)
    for _ in range(15):
        enrol(dataset["south"], dataset["course"], created=at(DAY, 8), started=at(DAY, 9))
    extra = factories.OrganisationFactory(name="Eenheid West", kind="police")
    enrol(extra, dataset["other_course"], created=at(DAY, 8))

    with CaptureQueriesContext(connection) as large:
        snapshot_day(day=DAY)

    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_figures_match_the_engines_key_figures_for_the_same_day(dataset):
    """Every snapshot row equals the engine's key figures for that organisation and course over
    everything up to the end of the day: one way of counting, not two."""
    from reporting.statistics import Filters, Period, Viewer, key_figures

    snapshot_day(day=DAY)
    since_ever = Period(start=date(2000, 1, 1), end=DAY)
    snapshots = rows()
    assert snapshots
    for (organisation_id, course_id), counts in snapshots.items():
        viewer = Viewer(organisation_ids=frozenset({organisation_id}), detail=True)
        figures = key_figures(viewer, since_ever, Filters(course_id=course_id))
        assert {
            "enrolled": figures["enrolled"],
            "started": figures["started"],
            "completed": figures["completed_online"],
            "completed_classroom": figures["completed_classroom"],
            "certificates": figures["certificates_issued"],
        } == counts, (organisation_id, course_id)


def test_the_parents_figures_are_the_sum_of_its_units_rows(dataset):
    from reporting.statistics import Filters, Period, Viewer, key_figures

    snapshot_day(day=DAY)
    units = frozenset({dataset["parent"].pk, dataset["north"].pk, dataset["south"].pk})
    figures = key_figures(
        Viewer(organisation_ids=units, detail=True),
        Period(start=date(2000, 1, 1), end=DAY),
        Filters(),
    )
    snapshots = rows().values()
    assert figures["enrolled"] == sum(row["enrolled"] for row in snapshots)
    assert figures["completed_online"] == sum(row["completed"] for row in snapshots)
    assert figures["completed_classroom"] == sum(row["completed_classroom"] for row in snapshots)


# --- the backfill command and the nightly task ----------------------------------------------


def test_backfill_writes_every_day_of_the_range(dataset):
    start = DAY - timedelta(days=2)
    end = DAY + timedelta(days=1)

    call_command("backfill_snapshots", "--from", start.isoformat(), "--to", end.isoformat())

    days = set(DailySnapshot.objects.values_list("date", flat=True))
    assert days == {start + timedelta(days=n) for n in range(4)}
    north_course = (dataset["north"].pk, dataset["course"].pk)
    assert rows(DAY + timedelta(days=1))[north_course]["enrolled"] == 4
    assert rows(DAY + timedelta(days=1))[north_course]["completed"] == 2


def test_backfill_twice_gives_the_same_rows(dataset):
    arguments = ("--from", (DAY - timedelta(days=1)).isoformat(), "--to", DAY.isoformat())
    call_command("backfill_snapshots", *arguments)
    first = sorted(DailySnapshot.objects.values_list("date", *FIELDS))

    call_command("backfill_snapshots", *arguments)

    assert sorted(DailySnapshot.objects.values_list("date", *FIELDS)) == first


def test_backfill_ends_yesterday_by_default(dataset):
    with time_machine.travel(at(DAY + timedelta(days=2), 9), tick=False):
        call_command("backfill_snapshots", "--from", DAY.isoformat())

    days = set(DailySnapshot.objects.values_list("date", flat=True))
    assert days == {DAY, DAY + timedelta(days=1)}


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--from", "12-03-2025"], "is not a date"),
        (["--from", "2025-03-12", "--to", "2025-03-11"], "must not be before"),
        (["--from", "2025-03-12", "--to", "2025-03-20"], "yesterday"),
    ],
)
def test_backfill_refuses_bad_dates(db, arguments, message):
    with time_machine.travel(at(DAY + timedelta(days=2), 9), tick=False):
        with pytest.raises(CommandError, match=message):
            call_command("backfill_snapshots", *arguments)
    assert not DailySnapshot.objects.exists()


def test_the_nightly_task_snapshots_yesterday(dataset):
    from reporting.tasks_snapshots import write_daily_snapshot

    with time_machine.travel(at(DAY + timedelta(days=1), 1, 15), tick=False):
        written = write_daily_snapshot.delay().get()

    assert written == 4
    assert set(DailySnapshot.objects.values_list("date", flat=True)) == {DAY}


def test_beat_runs_the_snapshot_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-daily-snapshot"]
    assert entry["task"] == "reporting.tasks_snapshots.write_daily_snapshot"
    assert entry["schedule"].hour == {1}
