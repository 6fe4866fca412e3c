"""Two simultaneous submits of one attempt yield exactly one graded result (PostgreSQL)."""

import os
import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.models import Attempt
from tests.assessments.conftest import right_choice, save_choices

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this test on PostgreSQL")
        pytest.skip("row locks need PostgreSQL")


def test_two_threads_submitting_one_attempt_grade_it_once(quiz, enrolment, monkeypatch):
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    for entry in attempt.layout:
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[right_choice(entry["q"])])
    grades = []
    real_grade = services._grade
    barrier = threading.Barrier(2)

    def counting_grade(locked, now):
        grades.append(locked.pk)
        return real_grade(locked, now)

    monkeypatch.setattr(services, "_grade", counting_grade)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=5)
            results.append(services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert len(results) == 2
    assert grades == [attempt.pk]
    assert {r.submitted_at for r in results} == {results[0].submitted_at}
    assert {float(r.score) for r in results} == {100.0}
