"""Item statistics against a small dataset computed by hand.

Scores per attempt (q0, q1, q2):   A1: 1 1 1   A2: 1 0 1   A3: 0 0 1   A4: 1 0 0
q0: facility 3/4 = 0.75; item [1,1,0,1] vs rest [2,1,1,0]: covariance 0 → r = 0
q1: facility 1/4 = 0.25; item [1,0,0,0] vs rest [2,2,1,1]: r = 0.5 / √0.75 = 0.577
q2: facility 3/4 = 0.75; item [1,1,1,0] vs rest [2,1,0,1]: covariance 0 → r = 0
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, Response
from assessments.queries import item_statistics
from tests import factories
from tests.assessments.conftest import make_quiz, right_choice, wrong_choice

SCORES = [(1, 1, 1), (1, 0, 1), (0, 0, 1), (1, 0, 0)]


@pytest.fixture
def dataset(course):
    quiz = make_quiz(course=course, questions=3, shuffle=False)
    questions = list(quiz.questions.order_by("position"))
    for row in SCORES:
        enrolment = factories.EnrolmentFactory(course=course)
        attempt = Attempt.objects.create(
            quiz=quiz,
            enrolment=enrolment,
            user=enrolment.user,
            number=1,
            status="submitted",
            layout=[{"q": q.pk, "c": []} for q in questions],
            started_at=timezone.now(),
            submitted_at=timezone.now(),
        )
        for question, score in zip(questions, row, strict=True):
            choice = right_choice(question.pk) if score else wrong_choice(question.pk)
            Response.objects.create(
                attempt=attempt,
                question=question,
                selected=[choice],
                answered_at=timezone.now(),
                score=float(score),
            )
    # an open attempt does not count
    enrolment = factories.EnrolmentFactory(course=course)
    Attempt.objects.create(
        quiz=quiz,
        enrolment=enrolment,
        user=enrolment.user,
        number=1,
        layout=[{"q": q.pk, "c": []} for q in questions],
        started_at=timezone.now(),
    )
    return quiz


def test_it_matches_the_hand_computed_figures(dataset):
    rows = item_statistics(quiz=dataset)
    assert [r.attempts for r in rows] == [4, 4, 4]
    assert [r.facility for r in rows] == [0.75, 0.25, 0.75]
    assert rows[0].discrimination == 0.0
    assert rows[1].discrimination == pytest.approx(0.577, abs=0.001)
    assert rows[2].discrimination == 0.0
    assert rows[0].flags == ["low_discrimination"]
    assert rows[1].flags == []
    picks = {choice.is_correct: count for choice, count in rows[1].choice_counts if count}
    assert picks == {True: 1, False: 3}


def test_it_flags_very_easy_and_very_hard_questions(course):
    quiz = make_quiz(course=course, questions=2, shuffle=False)
    easy, hard = quiz.questions.order_by("position")
    for index in range(5):
        enrolment = factories.EnrolmentFactory(course=course)
        attempt = Attempt.objects.create(
            quiz=quiz,
            enrolment=enrolment,
            user=enrolment.user,
            number=1,
            status="submitted",
            layout=[{"q": easy.pk, "c": []}, {"q": hard.pk, "c": []}],
            started_at=timezone.now(),
        )
        Response.objects.create(
            attempt=attempt, question=easy, selected=[], answered_at=timezone.now(), score=1.0
        )
        if index == 0:
            Response.objects.create(
                attempt=attempt, question=hard, selected=[], answered_at=timezone.now(), score=0.5
            )
    rows = item_statistics(quiz=quiz)
    assert "too_easy" in rows[0].flags
    assert "too_hard" in rows[1].flags


def test_content_authors_see_the_statistics_page(client, dataset, learner):
    from django.contrib.auth.models import Group

    author = factories.UserFactory()
    author.groups.add(Group.objects.get_or_create(name="content author")[0])
    client.force_login(author)
    response = client.get(reverse("assessments:statistics", args=[dataset.pk]))
    assert response.status_code == 200
    assert "0,58" in response.content.decode() or "0.58" in response.content.decode()
    assert client.get(reverse("assessments:statistics_index")).status_code == 200


def test_learners_get_404_on_the_statistics_pages(client, dataset, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments:statistics", args=[dataset.pk])).status_code == 404
    assert client.get(reverse("assessments:statistics_index")).status_code == 404
