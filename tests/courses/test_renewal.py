"""Renewal: ``enrolment_restart`` starts the same enrolment over on the current version."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from courses.models import Course, Enrolment, LessonProgress
from courses.services import (
    enrol,
    enrolment_certificate_issued,
    enrolment_final_quiz_passed,
    enrolment_restart,
    lesson_complete,
    lesson_open,
)
from courses.services import learning as learning_services
from tests.courses.factories import make_course, study_lesson

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=700)


def complete_all(enrolment, *, now):
    for lesson in enrolment.course.lessons.filter(is_active=True).order_by("position"):
        study_lesson(enrolment=enrolment, lesson=lesson, now=now)
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def completed(learner, organisation):
    course = make_course(lessons=3)
    enrolment = enrol(user=learner, course=course, organisation=organisation)
    complete_all(enrolment, now=T0)
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=T0 + timedelta(minutes=1))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None and enrolment.certificate_issued_at is not None
    return enrolment


def test_it_resets_the_completion_on_the_same_enrolment(completed):
    Course.objects.filter(pk=completed.course_id).update(version=3)

    assert enrolment_restart(enrolment=completed, now=LATER) is True

    fresh = Enrolment.objects.get(pk=completed.pk)
    assert Enrolment.objects.filter(user=completed.user, course=completed.course).count() == 1
    assert fresh.completed_at is None
    assert fresh.version_completed is None
    assert fresh.version_started == 3
    assert fresh.final_quiz_passed_at is None
    assert fresh.lessons_completed == 0 and fresh.progress_percent == 0
    assert fresh.certificate_issued_at is None
    assert fresh.started_at is None
    assert fresh.last_lesson is None and fresh.last_opened_lesson is None
    assert fresh.restarted_at == LATER
    # what the enrolment is, stays: who, where and how
    assert fresh.organisation_id == completed.organisation_id
    assert fresh.source == completed.source
    assert fresh.created_at == completed.created_at
    # the caller's copy is up to date too
    assert completed.completed_at is None and completed.restarted_at == LATER


def test_lesson_progress_and_measured_time_start_from_zero(completed):
    assert LessonProgress.objects.filter(enrolment=completed, seconds_spent__gt=0).exists()

    enrolment_restart(enrolment=completed, now=LATER)

    rows = list(LessonProgress.objects.filter(enrolment=completed))
    assert len(rows) == 3  # kept, not deleted
    assert all(row.completed_at is None for row in rows)
    assert all(row.seconds_spent == 0 for row in rows)
    assert all(row.last_seen_at is None for row in rows)  # not opened in the new round


def test_other_enrolments_are_left_alone(completed, organisation):
    other = complete_all(enrol(user=completed.user, course=make_course(lessons=1)), now=T0)

    enrolment_restart(enrolment=completed, now=LATER)

    other.refresh_from_db()
    assert other.completed_at is not None
    assert LessonProgress.objects.filter(enrolment=other, completed_at__isnull=False).count() == 1


def test_an_enrolment_that_is_not_complete_is_not_restarted(learner):
    enrolment = enrol(user=learner, course=make_course(lessons=2))
    lesson = enrolment.course.lessons.order_by("position").first()
    study_lesson(enrolment=enrolment, lesson=lesson, now=T0)

    assert enrolment_restart(enrolment=enrolment, now=LATER) is False

    enrolment.refresh_from_db()
    assert enrolment.restarted_at is None
    assert enrolment.lessons_completed == 1
    assert LessonProgress.objects.get(enrolment=enrolment).completed_at is not None


def test_a_second_restart_changes_nothing(completed):
    assert enrolment_restart(enrolment=completed, now=LATER) is True
    stale = Enrolment.objects.get(pk=completed.pk)
    stale.completed_at = T0  # a copy read before the first restart (a double submit)

    assert enrolment_restart(enrolment=stale, now=LATER + timedelta(seconds=5)) is False

    assert Enrolment.objects.get(pk=completed.pk).restarted_at == LATER


def test_completing_again_completes_on_the_current_version_and_runs_the_handlers(
    completed, django_capture_on_commit_callbacks
):
    calls = []
    Course.objects.filter(pk=completed.course_id).update(version=2)
    enrolment_restart(enrolment=completed, now=LATER)
    fresh = Enrolment.objects.select_related("course").get(pk=completed.pk)

    with (
        learning_services.completion_handlers.override(lambda **kw: calls.append(kw)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        complete_all(fresh, now=LATER + timedelta(hours=2))

    assert fresh.completed_at == LATER + timedelta(hours=2)
    assert fresh.version_completed == 2
    assert fresh.progress_percent == 100
    assert calls == [{"enrolment_id": completed.pk}]


def test_a_course_with_a_final_quiz_needs_a_new_pass(completed):
    Course.objects.filter(pk=completed.course_id).update(requires_final_quiz=True)
    enrolment_restart(enrolment=completed, now=LATER)
    fresh = Enrolment.objects.select_related("course").get(pk=completed.pk)

    complete_all(fresh, now=LATER + timedelta(hours=1))
    assert fresh.completed_at is None  # every lesson done, the quiz not passed again

    assert enrolment_final_quiz_passed(enrolment=fresh, passed_at=LATER + timedelta(hours=2))
    assert fresh.completed_at == LATER + timedelta(hours=2)


def test_measured_time_counts_again_from_the_renewal(learner):
    course = make_course(lessons=1, minimum_study=True)
    enrolment = enrol(user=learner, course=course)
    complete_all(enrolment, now=T0)
    enrolment_restart(enrolment=enrolment, now=LATER)
    lesson = course.lessons.get()

    with time_machine.travel(LATER + timedelta(minutes=1), tick=False):
        lesson_open(enrolment=enrolment, lesson=lesson)
    with time_machine.travel(LATER + timedelta(minutes=2), tick=False):
        with pytest.raises(learning_services.StudyTimeTooShort):
            lesson_complete(enrolment=enrolment, lesson=lesson)
    assert LessonProgress.objects.get(enrolment=enrolment).seconds_spent == 0
