"""Edge cases of the attempt pages: handing in after the time limit, empty knowledge checks,
attempts beyond the limit through the page."""

import random
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Response
from tests.assessments.conftest import make_quiz, right_choice, save_choices
from tests.courses.factories import study_lesson


def test_handing_in_after_the_time_limit_grades_what_was_saved_in_time(
    client, learner, course, enrolment
):
    quiz = make_quiz(course=course, questions=2, time_limit=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
        first, second = attempt.layout[0]["q"], attempt.layout[1]["q"]
        save_choices(attempt=attempt, question_id=first, choice_ids=[right_choice(first)])
    client.force_login(learner)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        response = client.post(
            reverse("assessments:save", args=[attempt.pk]),
            {f"q{first}": right_choice(first), f"q{second}": right_choice(second), "submit": "1"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert float(attempt.score) == 50.0  # the late answer to the second question does not count
    assert not Response.objects.filter(attempt=attempt, question_id=second).exists()


def test_checking_a_knowledge_check_question_without_an_answer_reveals_nothing(
    client, learner, course, enrolment
):
    check = make_quiz(course=course, kind="check", lesson=course.lessons.first(), questions=2)
    attempt = services.attempt_start(quiz=check, enrolment=enrolment)
    first = attempt.layout[0]["q"]
    client.force_login(learner)
    html = client.post(
        reverse("assessments:answer", args=[attempt.pk, first]), {}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "UITLEG-" not in html and "TERUGKOPPELING-" not in html
    assert "Choose an answer" in html
    assert not Response.objects.filter(attempt=attempt).exists()


def test_starting_beyond_the_allowed_attempts_is_refused_on_the_page(
    client, learner, course, enrolment
):
    quiz = make_quiz(course=course, questions=2, attempts_allowed=1)
    services.attempt_submit(attempt=services.attempt_start(quiz=quiz, enrolment=enrolment))
    client.force_login(learner)
    response = client.post(reverse("assessments:start", args=[quiz.pk]), follow=True)
    assert "You have used all attempts for this quiz." in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_it_draws_the_configured_number_per_category(course, enrolment):
    from assessments.models import Question

    quiz = make_quiz(course=course, questions=6)
    for question in quiz.questions.all():
        question.category = "law" if question.position < 4 else "health"
        question.save(update_fields=["category"])
    quiz.per_category = {"law": 1, "health": 2}
    quiz.questions_per_attempt = 3
    quiz.save(update_fields=["per_category", "questions_per_attempt"])
    for seed in range(5):
        layout = services.draw_layout(quiz=quiz, rng=random.Random(seed))
        categories = list(
            Question.objects.filter(pk__in=[e["q"] for e in layout]).values_list(
                "category", flat=True
            )
        )
        assert sorted(categories) == ["health", "health", "law"]


def test_passing_the_final_quiz_completes_the_course(course, enrolment):

    quiz = make_quiz(course=course, questions=2, shuffle=False)
    for lesson in course.lessons.all():
        study_lesson(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # the final quiz is still required
    failed = services.attempt_start(quiz=quiz, enrolment=enrolment)
    services.attempt_submit(attempt=failed)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    for entry in attempt.layout:
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[right_choice(entry["q"])])
    assert services.attempt_submit(attempt=attempt).passed
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.progress_percent == 100
