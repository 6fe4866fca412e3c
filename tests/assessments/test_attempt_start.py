import random

import pytest

from assessments import services
from assessments.models import Attempt
from tests.assessments.conftest import make_quiz, right_choice, save_choices


def test_it_draws_the_configured_number_and_freezes_the_order(quiz, enrolment):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment, rng=random.Random(1))
    assert len(attempt.layout) == 5
    assert len({entry["q"] for entry in attempt.layout}) == 5
    frozen = list(attempt.layout)
    # Reopening resumes the same attempt with the same order.
    again = services.attempt_start(quiz=quiz, enrolment=enrolment, rng=random.Random(2))
    assert again.pk == attempt.pk
    assert again.layout == frozen
    attempt.refresh_from_db()
    assert attempt.layout == frozen


def test_it_shuffles_choices_per_attempt(course, enrolment):
    quiz = make_quiz(course=course, questions=8)
    orders = set()
    for seed in range(6):
        layout = services.draw_layout(quiz=quiz, rng=random.Random(seed))
        orders.add(tuple(tuple(entry["c"]) for entry in layout))
    assert len(orders) > 1


def test_it_keeps_scenario_questions_together(course, enrolment):
    quiz = make_quiz(course=course, questions=8, draw=5, scenario_questions=3)
    scenario_ids = set(quiz.questions.filter(scenario__isnull=False).values_list("pk", flat=True))
    for seed in range(15):
        layout = services.draw_layout(quiz=quiz, rng=random.Random(seed))
        ids = [entry["q"] for entry in layout]
        assert len(ids) == 5
        drawn = [i for i, q in enumerate(ids) if q in scenario_ids]
        assert drawn == [] or (len(drawn) == 3 and drawn == list(range(drawn[0], drawn[0] + 3)))


def test_it_refuses_attempts_beyond_the_allowed_number(course, enrolment):
    quiz = make_quiz(course=course, questions=3, attempts_allowed=2)
    for _ in range(2):
        attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
        services.attempt_submit(attempt=attempt)
    with pytest.raises(services.AssessmentError):
        services.attempt_start(quiz=quiz, enrolment=enrolment)
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_it_refuses_a_new_final_attempt_after_passing(course, enrolment):
    quiz = make_quiz(course=course, questions=2)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    for entry in attempt.layout:
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[right_choice(entry["q"])])
    assert services.attempt_submit(attempt=attempt).passed
    with pytest.raises(services.AssessmentError):
        services.attempt_start(quiz=quiz, enrolment=enrolment)
