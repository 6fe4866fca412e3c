"""Lesson completion and the course completion rule, requirements and handlers."""

from datetime import UTC, datetime, timedelta

import pytest

from courses.models import Enrolment, LessonProgress
from courses.services import (
    LessonNotOpened,
    enrol,
    enrolment_check_completion,
    enrolment_final_quiz_passed,
    enrolment_recount,
    lesson_complete,
)
from tests.courses.factories import make_course, study_lesson

T_PASS = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def lessons_of(course):
    return list(course.lessons.order_by("position"))


def complete_all(enrolment):
    for lesson in lessons_of(enrolment.course):
        study_lesson(enrolment=enrolment, lesson=lesson)


def test_completing_a_lesson_updates_the_counters_and_last_lesson(enrolment):
    first, second = lessons_of(enrolment.course)[:2]

    assert study_lesson(enrolment=enrolment, lesson=second) is True

    enrolment.refresh_from_db()
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (1, 25)
    assert enrolment.last_lesson == second
    assert enrolment.started_at is not None
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=second)
    assert progress.completed_at is not None
    assert not LessonProgress.objects.filter(lesson=first).exists()


def test_completing_a_lesson_twice_changes_nothing(enrolment):
    first, second = lessons_of(enrolment.course)[:2]
    study_lesson(enrolment=enrolment, lesson=first)
    study_lesson(enrolment=enrolment, lesson=second)
    done_at = LessonProgress.objects.get(lesson=first).completed_at

    assert study_lesson(enrolment=enrolment, lesson=first) is False

    enrolment.refresh_from_db()
    assert enrolment.lessons_completed == 2
    assert enrolment.last_lesson == second
    assert LessonProgress.objects.get(lesson=first).completed_at == done_at


def test_a_lesson_of_another_course_is_refused(enrolment):
    other = make_course(lessons=1)

    with pytest.raises(ValueError):
        study_lesson(enrolment=enrolment, lesson=lessons_of(other)[0])


def test_an_inactive_lesson_is_refused(enrolment):
    lesson = lessons_of(enrolment.course)[0]
    lesson.is_active = False
    lesson.save(update_fields=["is_active"])

    with pytest.raises(ValueError):
        study_lesson(enrolment=enrolment, lesson=lesson)


def test_the_enrolment_completes_when_all_active_lessons_are_done(enrolment):
    enrolment.course.version = 2
    enrolment.course.save(update_fields=["version"])
    *rest, last = lessons_of(enrolment.course)
    for lesson in rest:
        study_lesson(enrolment=enrolment, lesson=lesson)
    assert Enrolment.objects.get().completed_at is None

    study_lesson(enrolment=enrolment, lesson=last)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.version_completed == 2
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (4, 100)


def test_inactive_lessons_do_not_count(enrolment):
    *rest, removed = lessons_of(enrolment.course)
    removed.is_active = False
    removed.save(update_fields=["is_active"])

    for lesson in rest:
        study_lesson(enrolment=enrolment, lesson=lesson)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.lessons_completed == 3


def test_a_course_without_active_lessons_never_completes(learner):
    course = make_course(lessons=0)
    enrolment = enrol(user=learner, course=course)

    assert enrolment_check_completion(enrolment=enrolment) is False


def test_a_course_with_a_final_quiz_completes_only_once_it_is_passed(enrolment):
    enrolment.course.requires_final_quiz = True
    enrolment.course.save(update_fields=["requires_final_quiz"])

    complete_all(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert enrolment.progress_percent == 100

    assert enrolment_final_quiz_passed(enrolment=enrolment) is True

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.final_quiz_passed_at is not None


def test_passing_the_final_quiz_first_completes_with_the_last_lesson(enrolment):
    enrolment.course.requires_final_quiz = True
    enrolment.course.save(update_fields=["requires_final_quiz"])

    assert enrolment_final_quiz_passed(enrolment=enrolment) is False  # lessons still to do
    complete_all(enrolment)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_the_first_pass_of_the_final_quiz_is_kept(enrolment):
    first = enrolment_final_quiz_passed(enrolment=enrolment, passed_at=T_PASS)
    enrolment_final_quiz_passed(enrolment=enrolment, passed_at=T_PASS + timedelta(days=3))

    enrolment.refresh_from_db()
    assert first is False
    assert enrolment.final_quiz_passed_at == T_PASS


def test_completion_reads_only_the_courses_app(enrolment):
    """The completion rule is on courses' own data: no registry of other apps' requirements."""
    import courses.services.learning as learning

    assert not hasattr(learning, "completion_requirements")


def test_a_lesson_never_opened_cannot_be_marked_done(enrolment):
    lesson = lessons_of(enrolment.course)[0]

    with pytest.raises(LessonNotOpened):
        lesson_complete(enrolment=enrolment, lesson=lesson)

    assert not LessonProgress.objects.exists()


def test_completion_is_recorded_once_even_from_a_stale_copy(enrolment):
    complete_stale = Enrolment.objects.get(pk=enrolment.pk)
    complete_all(enrolment)
    completed_at = Enrolment.objects.get().completed_at

    assert enrolment_check_completion(enrolment=complete_stale) is False
    assert Enrolment.objects.get().completed_at == completed_at


def test_recount_counts_only_active_lessons(enrolment):
    first, second, third, _ = lessons_of(enrolment.course)
    for lesson in (first, second, third):
        study_lesson(enrolment=enrolment, lesson=lesson)
    third.is_active = False
    third.save(update_fields=["is_active"])

    enrolment_recount(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (2, 66)


def test_a_completed_enrolment_keeps_100_percent_after_a_new_lesson(enrolment):
    from tests.factories import LessonFactory

    complete_all(enrolment)
    module = enrolment.course.modules.first()
    LessonFactory(module=module, course=enrolment.course, position=10)

    enrolment_recount(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.progress_percent == 100
    assert enrolment.completed_at is not None
