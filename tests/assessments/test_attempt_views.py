import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, Response
from tests import factories
from tests.assessments.conftest import make_quiz, positions_of, right_choice, wrong_choice


def pick(attempt, question_id, choice_id) -> str:
    """The form value of a choice: its position in the attempt's frozen order."""
    return str(positions_of(attempt, question_id, [choice_id])[0])


@pytest.fixture
def attempt(quiz, enrolment):
    return services.attempt_start(quiz=quiz, enrolment=enrolment)


def test_the_owner_sees_the_attempt(client, learner, attempt):
    client.force_login(learner)
    response = client.get(reverse("assessments:attempt", args=[attempt.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<fieldset") == 5


def test_others_get_404_on_every_attempt_page(client, outsider, attempt):
    client.force_login(outsider)
    question = attempt.layout[0]["q"]
    for url in [
        reverse("assessments:attempt", args=[attempt.pk]),
        reverse("assessments:review", args=[attempt.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("assessments:save", args=[attempt.pk]), {"submit": "1"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("assessments:answer", args=[attempt.pk, question]), {f"q{question}": "1"}
        ).status_code
        == 404
    )
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_an_anonymous_visitor_is_sent_to_log_in(client, attempt):
    response = client.get(reverse("assessments:attempt", args=[attempt.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_no_correct_answer_reaches_the_browser_before_submission(client, learner, attempt):
    client.force_login(learner)
    html = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert "FEEDBACK-" not in html and "TERUGKOPPELING-" not in html
    assert "EXPLANATION-" not in html and "UITLEG-" not in html
    assert "correct" not in html.lower().replace("incorrect", "")
    # every choice input carries the same attributes: nothing marks the right one
    inputs = re.findall(r"<input type=\"radio\"[^>]*>", html)
    assert len(inputs) == 15
    shapes = {re.sub(r'"[^"]*"', '""', tag) for tag in inputs}
    assert len(shapes) == 1
    # and the htmx answer partial reveals nothing either
    question = attempt.layout[0]["q"]
    partial = client.post(
        reverse("assessments:answer", args=[attempt.pk, question]),
        {f"q{question}": pick(attempt, question, wrong_choice(question))},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "FEEDBACK-" not in partial and "EXPLANATION-" not in partial
    assert "Antwoord opgeslagen" in partial or "Answer saved" in partial


def test_answers_are_saved_as_the_learner_goes(client, learner, attempt):
    client.force_login(learner)
    question = attempt.layout[0]["q"]
    response = client.post(
        reverse("assessments:answer", args=[attempt.pk, question]),
        {f"q{question}": pick(attempt, question, right_choice(question))},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Response.objects.get(attempt=attempt, question_id=question).selected == [
        right_choice(question)
    ]
    # resume: the saved answer is checked when the page is opened again
    html = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    value = pick(attempt, question, right_choice(question))
    assert f'value="{value}" id="q1-{value}" checked' in html


def test_extra_post_fields_are_ignored(client, learner, attempt, other_organisation):
    client.force_login(learner)
    question = attempt.layout[0]["q"]
    data = {
        f"q{question}": pick(attempt, question, wrong_choice(question)),
        "score": "100",
        "passed": "true",
        "user": "1",
        "status": "submitted",
        "submit": "1",
    }
    client.post(reverse("assessments:save", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert float(attempt.score) == 0.0
    assert attempt.passed is False
    assert attempt.user == learner


def test_bad_input_gives_a_clear_message_and_saves_nothing(client, learner, attempt):
    client.force_login(learner)
    question = attempt.layout[0]["q"]
    response = client.post(
        reverse("assessments:answer", args=[attempt.pk, question]),
        {f"q{question}": "not-a-number"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "academy-error" in response.content.decode()
    assert not Response.objects.filter(attempt=attempt).exists()


def test_the_review_of_a_failed_attempt_explains_without_the_key(client, learner, attempt):
    client.force_login(learner)
    question = attempt.layout[0]["q"]
    client.post(
        reverse("assessments:save", args=[attempt.pk]),
        {f"q{question}": pick(attempt, question, wrong_choice(question)), "submit": "1"},
    )
    html = client.get(reverse("assessments:review", args=[attempt.pk])).content.decode()
    assert "UITLEG-" in html  # the explanation teaches
    assert "TERUGKOPPELING-" not in html and "Antwoord " not in html  # no choices, no key
    assert "correct answer" not in html and "juiste antwoord" not in html
    assert "Opnieuw proberen" in html or "Try again" in html


def test_the_quiz_page_offers_a_start_and_lists_attempts(client, learner, quiz, enrolment):
    client.force_login(learner)
    url = reverse("assessments:quiz", args=[quiz.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz)
    assert response["Location"] == reverse("assessments:attempt", args=[attempt.pk])


def test_a_learner_not_enrolled_gets_404_on_the_quiz(client, outsider, quiz):
    client.force_login(outsider)
    assert client.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 404
    assert client.post(reverse("assessments:start", args=[quiz.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_a_knowledge_check_shows_feedback_per_question(client, learner, course, enrolment):
    lesson = course.lessons.first()
    check = make_quiz(course=course, kind="check", lesson=lesson, questions=2)
    attempt = services.attempt_start(quiz=check, enrolment=enrolment)
    client.force_login(learner)
    first, second = attempt.layout[0]["q"], attempt.layout[1]["q"]
    html = client.post(
        reverse("assessments:answer", args=[attempt.pk, first]),
        {f"q{first}": pick(attempt, first, right_choice(first))},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "UITLEG-" in html
    # the second question's explanation is still hidden
    page = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert page.count("UITLEG-") == 1
    client.post(
        reverse("assessments:answer", args=[attempt.pk, second]),
        {f"q{second}": pick(attempt, second, wrong_choice(second))},
    )
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert float(attempt.score) == 50.0


def test_attempt_page_queries_do_not_grow_with_questions(
    client, learner, course, enrolment, django_assert_max_num_queries
):
    client.force_login(learner)
    small = services.attempt_start(quiz=make_quiz(course=course, questions=3), enrolment=enrolment)
    other_course = factories.CourseFactory()
    other_enrolment = factories.EnrolmentFactory(user=learner, course=other_course)
    large = services.attempt_start(
        quiz=make_quiz(course=other_course, questions=20), enrolment=other_enrolment
    )
    client.get(reverse("assessments:attempt", args=[small.pk]))  # session bookkeeping
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:attempt", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:attempt", args=[large.pk])).status_code == 200


def test_a_finished_knowledge_check_links_back_to_its_lesson_and_on(client, learner, enrolment):
    from tests.courses.factories import make_course

    course = make_course(lessons=3)
    enrolment.course = course
    enrolment.save(update_fields=["course"])
    first, second = list(course.lessons.order_by("position"))[:2]
    check = make_quiz(course=course, kind="check", lesson=first, questions=1)
    attempt = services.attempt_start(quiz=check, enrolment=enrolment)
    client.force_login(learner)
    question = attempt.layout[0]["q"]

    html = client.post(
        reverse("assessments:answer", args=[attempt.pk, question]),
        {f"q{question}": pick(attempt, question, right_choice(question))},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert 'id="check-next" hx-swap-oob="true"' in html
    assert reverse("courses:lesson", args=[course.slug, first.slug]) in html
    assert reverse("courses:lesson", args=[course.slug, second.slug]) in html
    review = client.get(reverse("assessments:review", args=[attempt.pk])).content.decode()
    assert reverse("courses:lesson", args=[course.slug, second.slug]) in review
