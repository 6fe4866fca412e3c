"""Lesson completion and the course completion rule, requirements and handlers."""

import pytest

from courses.models import Enrolment, LessonProgress
from courses.services import (
    completion_handlers,
    completion_requirements,
    enrol,
    enrolment_check_completion,
    enrolment_recount,
    lesson_complete,
)
from tests.courses.factories import make_course


def lessons_of(course):
    return list(course.lessons.order_by("position"))


def complete_all(enrolment):
    for lesson in lessons_of(enrolment.course):
        lesson_complete(enrolment=enrolment, lesson=lesson)


def test_completing_a_lesson_updates_the_counters_and_last_lesson(enrolment):
    first, second = lessons_of(enrolment.course)[:2]

    assert lesson_complete(enrolment=enrolment, lesson=second) is True

    enrolment.refresh_from_db()
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (1, 25)
    assert enrolment.last_lesson == second
    assert enrolment.started_at is not None
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=second)
    assert progress.completed_at is not None
    assert not LessonProgress.objects.filter(lesson=first).exists()


def test_completing_a_lesson_twice_changes_nothing(enrolment):
    first, second = lessons_of(enrolment.course)[:2]
    lesson_complete(enrolment=enrolment, lesson=first)
    lesson_complete(enrolment=enrolment, lesson=second)
    done_at = LessonProgress.objects.get(lesson=first).completed_at

    assert lesson_complete(enrolment=enrolment, lesson=first) is False

    enrolment.refresh_from_db()
    assert enrolment.lessons_completed == 2
    assert enrolment.last_lesson == second
    assert LessonProgress.objects.get(lesson=first).completed_at == done_at


def test_a_lesson_of_another_course_is_refused(enrolment):
    other = make_course(lessons=1)

    with pytest.raises(ValueError):
        lesson_complete(enrolment=enrolment, lesson=lessons_of(other)[0])


def test_an_inactive_lesson_is_refused(enrolment):
    lesson = lessons_of(enrolment.course)[0]
    lesson.is_active = False
    lesson.save(update_fields=["is_active"])

    with pytest.raises(ValueError):
        lesson_complete(enrolment=enrolment, lesson=lesson)


def test_the_enrolment_completes_when_all_active_lessons_are_done(enrolment):
    enrolment.course.version = 2
    enrolment.course.save(update_fields=["version"])
    *rest, last = lessons_of(enrolment.course)
    for lesson in rest:
        lesson_complete(enrolment=enrolment, lesson=lesson)
    assert Enrolment.objects.get().completed_at is None

    lesson_complete(enrolment=enrolment, lesson=last)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.version_completed == 2
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (4, 100)


def test_inactive_lessons_do_not_count(enrolment):
    *rest, removed = lessons_of(enrolment.course)
    removed.is_active = False
    removed.save(update_fields=["is_active"])

    for lesson in rest:
        lesson_complete(enrolment=enrolment, lesson=lesson)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.lessons_completed == 3


def test_a_course_without_active_lessons_never_completes(learner):
    course = make_course(lessons=0)
    enrolment = enrol(user=learner, course=course)

    assert enrolment_check_completion(enrolment=enrolment) is False


def test_every_registered_requirement_must_hold(enrolment):
    quiz_passed = {"value": False}

    def final_quiz_passed(candidate):
        assert candidate.pk == enrolment.pk
        return quiz_passed["value"]

    with completion_requirements.override(final_quiz_passed, lambda candidate: True):
        complete_all(enrolment)
        enrolment.refresh_from_db()
        assert enrolment.completed_at is None
        assert enrolment.progress_percent == 100

        quiz_passed["value"] = True
        assert enrolment_check_completion(enrolment=enrolment) is True

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_handlers_run_once_after_commit(enrolment, django_capture_on_commit_callbacks):
    calls = []

    with completion_handlers.override(calls.append, lambda pk: calls.append(("feed", pk))):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            complete_all(enrolment)
            assert calls == []  # nothing before the commit
        assert len(callbacks) == 2
        with django_capture_on_commit_callbacks(execute=True) as again:
            assert enrolment_check_completion(enrolment=enrolment) is False
            lesson_complete(enrolment=enrolment, lesson=lessons_of(enrolment.course)[0])

    assert calls == [enrolment.pk, ("feed", enrolment.pk)]
    assert again == []


def test_completion_is_recorded_once_even_from_a_stale_copy(
    enrolment, django_capture_on_commit_callbacks
):
    calls = []
    complete_stale = Enrolment.objects.get(pk=enrolment.pk)

    with completion_handlers.override(calls.append):
        with django_capture_on_commit_callbacks(execute=True):
            complete_all(enrolment)
            completed_at = Enrolment.objects.get().completed_at
            assert enrolment_check_completion(enrolment=complete_stale) is False

    assert calls == [enrolment.pk]
    assert Enrolment.objects.get().completed_at == completed_at


def test_a_handler_error_does_not_stop_the_others(enrolment, django_capture_on_commit_callbacks):
    calls = []

    def broken(pk):
        raise RuntimeError("certificate service down")

    with completion_handlers.override(broken, calls.append):
        with django_capture_on_commit_callbacks(execute=True):
            complete_all(enrolment)

    assert calls == [enrolment.pk]
    assert Enrolment.objects.get().completed_at is not None


def test_registering_twice_registers_once():
    def handler(pk):
        pass

    with completion_handlers.override():
        completion_handlers.register(handler)
        completion_handlers.register(handler)
        assert list(completion_handlers) == [handler]


def test_recount_counts_only_active_lessons(enrolment):
    first, second, third, _ = lessons_of(enrolment.course)
    for lesson in (first, second, third):
        lesson_complete(enrolment=enrolment, lesson=lesson)
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
