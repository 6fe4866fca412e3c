"""What the assessments app shows on the course and lesson pages."""

from django.urls import reverse

from assessments import services
from tests.assessments.conftest import make_quiz, right_choice, save_choices


def test_the_lesson_page_offers_its_knowledge_check(client, learner, course, enrolment):
    lesson = course.lessons.first()
    check = make_quiz(course=course, kind="check", lesson=lesson, questions=2)
    client.force_login(learner)
    url = reverse("courses:lesson", args=[course.slug, lesson.slug])
    html = client.get(url).content.decode()
    assert "Start the knowledge check" in html
    assert reverse("assessments:start", args=[check.pk]) in html
    attempt = services.attempt_start(quiz=check, enrolment=enrolment)
    for entry in attempt.layout:
        save_choices(attempt=attempt, question_id=entry["q"], choice_ids=[right_choice(entry["q"])])
    services.attempt_submit(attempt=attempt)
    html = client.get(url).content.decode()
    assert "Your last score: 100%." in html
    assert reverse("assessments:review", args=[attempt.pk]) in html


def test_the_course_page_shows_the_final_quiz_status(client, learner, course, enrolment, quiz):
    client.force_login(learner)
    url = reverse("courses:course", args=[course.slug])
    html = client.get(url).content.decode()
    assert "Go to the final quiz" in html
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    services.attempt_submit(attempt=attempt)
    html = client.get(url).content.decode()
    assert "Not passed yet" in html


def test_the_course_page_offers_the_questionnaire_before_the_first_lesson(
    client, learner, course, enrolment, survey
):
    client.force_login(learner)
    html = client.get(reverse("courses:course", args=[course.slug])).content.decode()
    assert reverse("assessments:survey", args=[course.slug, "pre"]) in html
