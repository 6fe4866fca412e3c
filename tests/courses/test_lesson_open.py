"""``lesson_open``: first/last seen and server-side time spent, bounded per gap."""

from datetime import UTC, datetime, timedelta

from courses.models import Enrolment, LessonProgress
from courses.services import TIME_GAP_CAP_SECONDS, lesson_complete, lesson_open

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def progress(enrolment, lesson) -> LessonProgress:
    return LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)


def lessons(enrolment):
    return list(enrolment.course.lessons.order_by("position"))


def test_the_first_open_records_first_and_last_seen_and_start(enrolment):
    first = lessons(enrolment)[0]

    credited = lesson_open(enrolment=enrolment, lesson=first, now=T0)

    assert credited == 0
    row = progress(enrolment, first)
    assert row.last_seen_at == T0 and row.first_seen_at is not None
    assert row.seconds_spent == 0 and row.completed_at is None
    enrolment.refresh_from_db()
    assert enrolment.started_at == T0
    assert enrolment.last_activity_at == T0
    assert enrolment.last_opened_lesson == first


def test_the_time_until_the_next_request_goes_to_the_lesson_on_screen(enrolment):
    first, second = lessons(enrolment)[:2]
    lesson_open(enrolment=enrolment, lesson=first, now=T0)

    lesson_open(enrolment=enrolment, lesson=second, now=T0 + timedelta(seconds=150))
    lesson_open(enrolment=enrolment, lesson=second, now=T0 + timedelta(seconds=200))

    assert progress(enrolment, first).seconds_spent == 150
    assert progress(enrolment, second).seconds_spent == 50
    assert progress(enrolment, second).last_seen_at == T0 + timedelta(seconds=200)
    assert Enrolment.objects.get().started_at == T0


def test_a_long_gap_counts_at_most_the_cap(enrolment):
    first, second = lessons(enrolment)[:2]
    lesson_open(enrolment=enrolment, lesson=first, now=T0)

    credited = lesson_open(enrolment=enrolment, lesson=second, now=T0 + timedelta(hours=14))

    assert credited == TIME_GAP_CAP_SECONDS == 1800
    assert progress(enrolment, first).seconds_spent == 1800


def test_a_clock_going_backwards_counts_nothing(enrolment):
    first, second = lessons(enrolment)[:2]
    lesson_open(enrolment=enrolment, lesson=first, now=T0)

    lesson_open(enrolment=enrolment, lesson=second, now=T0 - timedelta(minutes=5))

    assert progress(enrolment, first).seconds_spent == 0


def test_marking_as_done_credits_the_reading_time(enrolment):
    first = lessons(enrolment)[0]
    lesson_open(enrolment=enrolment, lesson=first, now=T0)

    lesson_complete(enrolment=enrolment, lesson=first, now=T0 + timedelta(minutes=4))

    row = progress(enrolment, first)
    assert row.seconds_spent == 240
    assert row.completed_at == T0 + timedelta(minutes=4)


def test_reopening_a_done_lesson_keeps_it_done(enrolment):
    first = lessons(enrolment)[0]
    lesson_open(enrolment=enrolment, lesson=first, now=T0 - timedelta(minutes=3))
    lesson_complete(enrolment=enrolment, lesson=first, now=T0)

    lesson_open(enrolment=enrolment, lesson=first, now=T0 + timedelta(minutes=1))

    assert progress(enrolment, first).completed_at == T0
    assert LessonProgress.objects.count() == 1
