from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from tests import factories
from tests.assessments.conftest import make_quiz, right_choice, save_choices


def _submit_queries(course, learner, questions):
    enrolment = factories.EnrolmentFactory(user=learner, course=course)
    quiz = make_quiz(course=course, questions=questions)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    for entry in attempt.layout:
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[right_choice(entry["q"])])
    with CaptureQueriesContext(connection) as context:
        services.attempt_submit(attempt=attempt)
    return len(context.captured_queries)


def test_submitting_costs_the_same_queries_for_5_or_15_questions(db, learner):
    few = _submit_queries(factories.CourseFactory(), learner, 5)
    many = _submit_queries(factories.CourseFactory(), learner, 15)
    assert few == many
    assert many <= 25
