"""The question bank of a course with its answer key, for course reviewers only."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, Choice, Question, Response
from courses.models import CourseReviewer, Enrolment, Lesson, LessonProgress
from organisations.permissions import ACCREDITATION_ADMIN_GROUP
from tests import factories
from tests.assessments.conftest import make_quiz
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(db):
    return factories.UserFactory(name="Bea Beoordelaar")


def bank_url(course) -> str:
    return reverse("assessments:question_bank", args=[course.slug])


def build_course(*, questions: int, checks: int):
    """A course with a final quiz of ``questions`` (drawing fewer) and ``checks`` lessons with a
    knowledge check of two questions each."""
    course = factories.CourseFactory()
    make_quiz(course=course, questions=questions, draw=2)
    for n in range(checks):
        lesson = factories.LessonFactory(module__course=course, course=course, slug=f"check-{n}")
        make_quiz(course=course, kind="check", lesson=lesson, questions=2, draw=1)
    return course


@pytest.fixture
def review_course(assessor):
    course = build_course(questions=4, checks=1)
    CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="V&VN")
    return course


def test_the_reviewer_sees_every_active_question_with_the_answer_key(
    client, assessor, review_course
):
    final = review_course.quizzes.get(kind="final")
    taught_in = review_course.lessons.first()
    Question.objects.filter(quiz=final, slug="q0").update(lesson=taught_in)
    Question.objects.filter(quiz=final, slug="q3").update(is_active=False)
    client.force_login(assessor)

    response = client.get(bank_url(review_course))

    assert response.status_code == 200
    html = response.content.decode()
    # the bank is larger than the draw of 2: all active questions show, the removed one not
    for n in range(3):
        assert f"Vraag {n}?" in html and f"UITLEG-{n}" in html
        assert f"TERUGKOPPELING-{n}-0" in html
    assert "Vraag 3?" not in html and "UITLEG-3" not in html
    assert html.count("correct answer") == 3 + 2  # one right choice per question (final + check)
    assert "Antwoord 0.0" in html and "Antwoord 0.2" in html
    assert reverse("courses:review_lesson", args=[review_course.slug, taught_in.slug]) in html
    check_lesson = Lesson.objects.get(course=review_course, slug="check-0")
    assert f'id="lesson-{check_lesson.slug}"' in html and check_lesson.title_nl in html
    assert response.context["question_count"] == 5


def test_the_right_choice_is_marked_next_to_its_own_text(client, assessor, review_course):
    client.force_login(assessor)
    html = client.get(bank_url(review_course)).content.decode()

    right = Choice.objects.filter(question__quiz__course=review_course, is_correct=True).first()
    after = html[html.index(right.text_nl) :]
    assert after.index("correct answer") < after.index("</li>")


def test_a_knowledge_check_of_a_removed_lesson_is_left_out(client, assessor, review_course):
    Lesson.objects.filter(course=review_course, slug="check-0").update(is_active=False)
    client.force_login(assessor)

    response = client.get(bank_url(review_course))

    assert 'id="lesson-check-0"' not in response.content.decode()
    assert response.context["question_count"] == 4


def test_opening_the_bank_records_nothing(client, assessor, review_course):
    client.force_login(assessor)

    response = client.get(bank_url(review_course))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert not Enrolment.objects.filter(user=assessor).exists()
    assert not LessonProgress.objects.filter(enrolment__user=assessor).exists()
    assert not Attempt.objects.filter(user=assessor).exists()
    assert not Response.objects.exists()


def test_staff_and_accreditation_admins_see_the_bank(client, staff_user, review_course):
    administrator = factories.UserFactory(is_staff=True)
    administrator.groups.add(Group.objects.get(name=ACCREDITATION_ADMIN_GROUP))
    for person in (staff_user, administrator):
        give_totp(person)
        client.force_login(person)
        assert client.get(bank_url(review_course)).status_code == 200


@pytest.mark.parametrize("who", ["learner", "outsider", "trainer", "content_author"])
def test_people_without_reviewer_access_get_404(client, request, who, review_course):
    person = request.getfixturevalue(who)
    Enrolment.objects.get_or_create(user=person, course=review_course)
    client.force_login(person)

    response = client.get(bank_url(review_course))

    assert response.status_code == 404
    assert "UITLEG-0" not in response.content.decode()


def test_an_expired_reviewer_gets_404(client, assessor, review_course):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    CourseReviewer.objects.filter(user=assessor).update(valid_until=yesterday)
    client.force_login(assessor)

    assert client.get(bank_url(review_course)).status_code == 404


def test_a_reviewer_of_one_course_gets_404_on_another(client, assessor, review_course):
    other = build_course(questions=3, checks=0)
    client.force_login(assessor)

    assert client.get(bank_url(other)).status_code == 404
    assert client.get(reverse("assessments:question_bank", args=["no-such"])).status_code == 404


def test_visitors_are_asked_to_log_in(client, review_course):
    response = client.get(bank_url(review_course))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_costs_the_same_for_more_questions_and_checks(client, assessor):
    small = build_course(questions=3, checks=1)
    large = build_course(questions=15, checks=4)
    for course in (small, large):
        CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="V&VN")
    client.force_login(assessor)
    client.get(reverse("courses:catalogue"))  # the session's first request records the session

    def count(course) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(bank_url(course)).status_code == 200
        return len(context.captured_queries)

    assert count(small) == count(large)
