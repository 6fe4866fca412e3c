"""Ten requests at the same moment (threads released together by a barrier, each with its own
database connection) on PostgreSQL: one attempt handed in ten times is graded once and
completes the course once; one course completed ten times over gets one certificate.

Tasks run eagerly (in the committing thread), so the certificate is issued by whichever thread's
completion commits.
"""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Attempt
from certificates import services as certificate_services
from certificates.models import Certificate
from courses.models import Enrolment, LessonProgress
from courses.services import (
    enrol,
    enrolment_check_completion,
    learning,
    lesson_complete,
    lesson_open,
)
from tests.assessments.conftest import make_quiz, positions_of, right_choice
from tests.factories import CourseFactory, LessonFactory, MemberFactory
from tests.reliability.worker_services import require_postgres

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("reliability"),
]

THREADS = 10


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def all_at_once(work, count: int = THREADS) -> list:
    """Run ``work(index)`` in ``count`` threads released together; their results (errors
    re-raised in the test)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs (deadlock?)"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def completions(monkeypatch):
    """Every run of the completion handlers (the real ones still run after counting)."""
    calls: list[int] = []
    real = list(learning.completion_handlers)

    def counting(*, enrolment_id):
        calls.append(enrolment_id)
        for handler in real:
            handler(enrolment_id=enrolment_id)

    with learning.completion_handlers.override(counting):
        yield calls


def _course(lessons: int):
    course = CourseFactory()
    first = LessonFactory(module__course=course, course=course, position=0)
    for position in range(1, lessons):
        LessonFactory(module=first.module, course=course, position=position)
    return course


def _learner_in(course):
    user = MemberFactory().user
    enrolment = enrol(user=user, course=course)
    return user, enrolment


def test_ten_hand_ins_of_one_attempt_grade_it_once_and_issue_one_certificate(
    monkeypatch, completions
):
    course = _course(lessons=1)
    quiz = make_quiz(course=course, questions=4, pass_mark=70)
    user, enrolment = _learner_in(course)
    lesson = course.lessons.get()
    lesson_open(enrolment=enrolment, lesson=lesson)
    lesson_complete(enrolment=enrolment, lesson=lesson)
    attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
    answers = {
        f"q{entry['q']}": positions_of(attempt, entry["q"], [right_choice(entry["q"])])[0]
        for entry in attempt.layout
    }
    grades = []
    real_grade = assessment_services._grade

    def counting_grade(locked, now):
        grades.append(locked.pk)
        return real_grade(locked, now)

    monkeypatch.setattr(assessment_services, "_grade", counting_grade)
    url = reverse("assessments:save", args=[attempt.pk])

    def hand_in(index):
        client = Client(raise_request_exception=True)
        client.force_login(user)
        return client.post(url, {**answers, "submit": "1"})

    responses = all_at_once(hand_in)

    assert {response.status_code for response in responses} == {302}
    assert grades == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert float(attempt.score) == 100.0 and attempt.passed
    assert Attempt.objects.filter(enrolment=enrolment).count() == 1
    assert attempt.responses.count() == 4
    enrolment.refresh_from_db()
    assert enrolment.final_quiz_passed_at == attempt.submitted_at
    assert completions == [enrolment.pk]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_ten_completions_of_the_last_lesson_complete_the_course_once(completions):
    course = _course(lessons=3)
    user, enrolment = _learner_in(course)
    lessons = list(course.lessons.order_by("position"))
    for lesson in lessons:
        lesson_open(enrolment=enrolment, lesson=lesson)
    for lesson in lessons[:-1]:
        lesson_complete(enrolment=enrolment, lesson=lesson)

    def mark_done(index):
        return lesson_complete(enrolment=Enrolment.objects.get(pk=enrolment.pk), lesson=lessons[-1])

    results = all_at_once(mark_done)

    assert sorted(results) == [False] * (THREADS - 1) + [True]
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None and enrolment.lessons_completed == 3
    assert completions == [enrolment.pk]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_the_last_lessons_marked_done_at_once_still_complete_the_course(completions):
    """Each request marks another of the remaining lessons; the one that commits last must see
    the others' and complete the course (no completion lost between them)."""
    course = _course(lessons=THREADS)
    user, enrolment = _learner_in(course)
    lessons = list(course.lessons.order_by("position"))
    for lesson in lessons:
        lesson_open(enrolment=enrolment, lesson=lesson)

    def mark_done(index):
        return lesson_complete(
            enrolment=Enrolment.objects.get(pk=enrolment.pk), lesson=lessons[index]
        )

    assert all(all_at_once(mark_done))

    enrolment.refresh_from_db()
    assert enrolment.lessons_completed == THREADS
    assert enrolment.completed_at is not None
    assert completions == [enrolment.pk]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_ten_completion_checks_and_issuances_at_once_make_one_certificate(completions):
    course = _course(lessons=1)
    user, enrolment = _learner_in(course)
    lesson = course.lessons.get()
    lesson_open(enrolment=enrolment, lesson=lesson)
    LessonProgress.objects.filter(enrolment=enrolment).update(completed_at=timezone.now())

    def complete_and_issue(index):
        fresh = Enrolment.objects.get(pk=enrolment.pk)
        completed = enrolment_check_completion(enrolment=fresh)
        certificate_services.certificate_issue(enrolment_id=enrolment.pk)
        return completed

    results = all_at_once(complete_and_issue)

    assert results.count(True) == 1
    assert completions == [enrolment.pk]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
