"""The load test's accounting (``bench.load``): what it calls a lost answer or hand-in, and how
5xx responses and a low throughput ratio fail its rows. The run itself (a stack and locust) is
``BENCH_ONLY=load make bench``."""

import pytest

from assessments import services
from bench.load import lost_answers, lost_handins, rows_from
from bench.run import _verdict
from tests import factories
from tests.assessments.conftest import make_quiz


@pytest.fixture
def attempt(learner, organisation):
    course = factories.CourseFactory()
    factories.LessonFactory(module__course=course)
    enrolment = factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)
    quiz = make_quiz(course=course, questions=3)
    return services.attempt_start(quiz=quiz, enrolment=enrolment)


def test_a_confirmed_answer_is_lost_when_missing_or_not_the_last_value(attempt):
    first, second, third = (entry["q"] for entry in attempt.layout)
    services.response_save(attempt=attempt, question_id=first, positions=[0])
    services.response_save(attempt=attempt, question_id=second, positions=[1])
    confirmed = {
        f"{attempt.pk}:{first}": [0],  # stored as sent
        f"{attempt.pk}:{second}": [2],  # the database holds another value
        f"{attempt.pk}:{third}": [0],  # never stored
    }
    assert lost_answers(confirmed) == 2
    assert lost_answers({f"{attempt.pk}:{first}": [0], f"{attempt.pk}:{second}": [1]}) == 0


def test_an_accepted_hand_in_is_lost_unless_graded(attempt):
    assert lost_handins([attempt.pk]) == 1
    services.attempt_submit(attempt=attempt)
    assert lost_handins([attempt.pk]) == 0


def _numbers(count, per_second, statuses):
    return {
        "count": count,
        "per_second": per_second,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "statuses": statuses,
        "errors_5xx": sum(n for code, n in statuses.items() if int(code) >= 500),
        "errors_other": statuses.get("0", 0),
    }


def _result(answer_statuses):
    def phase(**names):
        return {"seconds": 10.0, "users": {}, "names": names}

    return {
        "phases": {
            "baseline": phase(baseline=_numbers(1000, 100.0, {"200": 1000})),
            "lesson": phase(lesson_page=_numbers(500, 50.0, {"200": 500})),
            "answer": phase(answer_save=_numbers(200, 20.0, answer_statuses)),
            "group": phase(group_page=_numbers(150, 15.0, {"200": 150})),
            "dashboard": phase(dashboard=_numbers(150, 15.0, {"200": 150})),
            "mixed": phase(
                lesson_page=_numbers(100, 10.0, {"200": 100}),
                answer_save=_numbers(300, 30.0, {"200": 300}),
                quiz_submit=_numbers(20, 2.0, {"302": 20}),
                group_page=_numbers(30, 3.0, {"200": 30}),
                dashboard=_numbers(10, 1.0, {"200": 10}),
            ),
        }
    }


CHECKS = {
    "answers": 300,
    "lost_answers": 0,
    "handins": 20,
    "lost_handins": 0,
    "completions": 5,
    "certificates_due": 5,
    "lost_certificates": 0,
}


def test_rows_give_each_page_its_share_of_the_baseline():
    rows = {row["name"]: row for row in rows_from(_result({"200": 200}), CHECKS)}
    assert rows["load_lesson_page"]["ratio_to_baseline"] == 0.5
    assert rows["load_answer_save"]["ratio_to_baseline"] == 0.2
    assert rows["load_answer_save"]["per_second"] == 30.0  # the mixed run's
    assert rows["load_quiz_submit"]["status"] == 302
    assert _verdict(rows["load_lesson_page"]) == "ok"
    assert _verdict(rows["load_quiz_submit"]) == "ok"
    assert _verdict(rows["load_answer_save"]) == "ratio < 0.3"


def test_5xx_and_losses_fail_the_row():
    rows = {
        row["name"]: row
        for row in rows_from(
            _result({"200": 190, "502": 10}), CHECKS | {"lost_answers": 1, "lost_certificates": 2}
        )
    }
    assert rows["load_answer_save"]["errors_5xx"] == 10
    assert "10 5xx" in _verdict(rows["load_answer_save"])
    assert "1 lost" in _verdict(rows["load_answer_save"])
    assert "2 lost" in _verdict(rows["load_quiz_submit"])


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")
