from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Response
from tests.assessments.conftest import make_quiz, right_choice, save_choices, wrong_choice


def _answer_all(attempt, right: int):
    for index, entry in enumerate(attempt.layout):
        choice = right_choice(entry["q"]) if index < right else wrong_choice(entry["q"])
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[choice])


def test_it_scores_on_the_server_and_applies_the_pass_mark(quiz, enrolment):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    _answer_all(attempt, right=3)
    graded = services.attempt_submit(attempt=attempt)
    assert float(graded.score) == 60.0
    assert graded.passed is False
    assert graded.status == "submitted"


def test_it_counts_unanswered_questions_as_wrong(quiz, enrolment):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    first = attempt.layout[0]["q"]
    save_choices(attempt=attempt, question_id=first, choice_ids=[right_choice(first)])
    assert float(services.attempt_submit(attempt=attempt).score) == 20.0


def test_it_grades_an_attempt_only_once(quiz, enrolment):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    _answer_all(attempt, right=5)
    first = services.attempt_submit(attempt=attempt)
    # A late second submit changes nothing, even if it carried other answers.
    with pytest.raises(services.AssessmentError):
        save_choices(
            attempt=attempt,
            question_id=attempt.layout[0]["q"],
            choice_ids=[wrong_choice(attempt.layout[0]["q"])],
        )
    second = services.attempt_submit(attempt=attempt)
    assert second.pk == first.pk
    assert second.submitted_at == first.submitted_at
    assert second.score == first.score


def test_it_refuses_choices_outside_the_frozen_layout(quiz, enrolment):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    drawn = {entry["q"] for entry in attempt.layout}
    not_drawn = quiz.questions.exclude(pk__in=drawn).first()
    with pytest.raises(services.AssessmentError):
        save_choices(
            attempt=attempt, question_id=not_drawn.pk, choice_ids=[right_choice(not_drawn.pk)]
        )
    first = attempt.layout[0]["q"]
    with pytest.raises(services.AssessmentError):
        save_choices(attempt=attempt, question_id=first, choice_ids=[right_choice(not_drawn.pk)])
    with pytest.raises(services.AssessmentError):  # two answers to a single-choice question
        save_choices(attempt=attempt, question_id=first, choice_ids=attempt.layout[0]["c"][:2])
    assert not Response.objects.filter(attempt=attempt).exists()


def test_answers_after_the_time_limit_do_not_count(course, enrolment):
    quiz = make_quiz(course=course, questions=4, time_limit=10)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
        q1, q2 = attempt.layout[0]["q"], attempt.layout[1]["q"]
        save_choices(attempt=attempt, question_id=q1, choice_ids=[right_choice(q1)])
    with time_machine.travel(start + timedelta(minutes=10, seconds=20), tick=False):
        # within the grace period: still counts
        save_choices(attempt=attempt, question_id=q2, choice_ids=[right_choice(q2)])
    with time_machine.travel(start + timedelta(minutes=12), tick=False):
        q3 = attempt.layout[2]["q"]
        with pytest.raises(services.AssessmentError):
            save_choices(attempt=attempt, question_id=q3, choice_ids=[right_choice(q3)])
        graded = services.attempt_submit(attempt=attempt)
    assert float(graded.score) == 50.0


def test_a_late_answer_stored_anyway_scores_zero(course, enrolment):
    """Defence in depth: even a response row dated after the deadline is not counted."""
    quiz = make_quiz(course=course, questions=2, time_limit=5)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    q1 = attempt.layout[0]["q"]
    Response.objects.create(
        attempt=attempt,
        question_id=q1,
        selected=[right_choice(q1)],
        answered_at=attempt.deadline + timedelta(minutes=5),
    )
    assert float(services.attempt_submit(attempt=attempt).score) == 0.0


def test_an_expired_open_attempt_is_graded_when_the_learner_returns(course, enrolment):
    quiz = make_quiz(course=course, questions=2, time_limit=5)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        new = services.attempt_start(quiz=quiz, enrolment=enrolment)
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert new.number == 2


def test_partial_credit_for_multiple_choice(course, enrolment):
    from assessments.models import Choice, Question

    quiz = make_quiz(course=course, questions=1)
    question = Question.objects.get(quiz=quiz)
    question.type = "multiple"
    question.scoring = "partial"
    question.save(update_fields=["type", "scoring"])
    Choice.objects.filter(question=question, position=1).update(is_correct=True)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    choices = list(Choice.objects.filter(question=question).order_by("position"))
    # one right pick (of two) and one wrong pick → (1 − 1) / 2 = 0; one right only → 0.5
    save_choices(attempt=attempt, question_id=question.pk, choice_ids=[choices[0].pk])
    assert float(services.attempt_submit(attempt=attempt).score) == 50.0


def test_an_answer_racing_the_hand_in_is_refused_not_lost(quiz, enrolment):
    """The request saw the attempt open, but it was handed in before the answer was written:
    the one-statement upsert checks the attempt's status itself."""
    stale = services.attempt_start(quiz=quiz, enrolment=enrolment)
    services.attempt_submit(attempt=Attempt.objects.get(pk=stale.pk))
    question = stale.layout[0]["q"]

    with pytest.raises(services.AssessmentError, match="already been submitted"):
        services.response_save(attempt=stale, question_id=question, positions=[0])

    assert not Response.objects.filter(attempt=stale).exists()
