"""Saving one answer is the most frequent write: a handful of queries, whatever the size of
the attempt, and only the changed question's status comes back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Response
from tests import factories
from tests.assessments.conftest import make_quiz

MAX_QUERIES = 6


def real_queries(captured) -> int:
    """Statements a request runs in production: SAVEPOINT / RELEASE come only from the
    transaction every test runs in (in production the service's transaction is the outer one)."""
    return sum(1 for query in captured if "SAVEPOINT" not in query["sql"])


@pytest.mark.parametrize("questions", [3, 25])
def test_an_answer_save_needs_at_most_six_queries(client, learner, course, enrolment, questions):
    attempt = services.attempt_start(
        quiz=make_quiz(course=course, questions=questions), enrolment=enrolment
    )
    client.force_login(learner)
    question = attempt.layout[-1]["q"]
    url = reverse("assessments:answer", args=[attempt.pk, question])
    client.post(url, {f"q{question}": "1"}, HTTP_HX_REQUEST="true")  # session bookkeeping

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {f"q{question}": "2"}, HTTP_HX_REQUEST="true")

    assert real_queries(captured) <= MAX_QUERIES, [q["sql"][:80] for q in captured]
    assert Response.objects.get(attempt=attempt, question_id=question).selected == [
        attempt.layout[-1]["c"][2]
    ]
    html = response.content.decode()
    assert html.startswith(f'<p class="academy-save-status" id="status-{question}"')
    assert "<fieldset" not in html  # only the question that changed


def test_the_query_count_does_not_grow_with_the_attempt(client, learner, course, enrolment):
    counts = []
    for size in (3, 30):
        other = factories.CourseFactory()
        own = factories.EnrolmentFactory(user=learner, course=other)
        attempt = services.attempt_start(
            quiz=make_quiz(course=other, questions=size), enrolment=own
        )
        client.force_login(learner)
        question = attempt.layout[0]["q"]
        url = reverse("assessments:answer", args=[attempt.pk, question])
        client.post(url, {f"q{question}": "0"}, HTTP_HX_REQUEST="true")
        with CaptureQueriesContext(connection) as captured:
            client.post(url, {f"q{question}": "1"}, HTTP_HX_REQUEST="true")
        counts.append(real_queries(captured))
    assert counts[0] == counts[1]
