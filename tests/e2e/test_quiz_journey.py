"""A learner fails the final quiz, reads the feedback, retries, passes, and the course is
complete — with the keyboard only, and axe-clean on every page on the way."""

import pytest

from courses.models import Enrolment
from courses.services.learning import enrol
from tests.assessments.conftest import make_quiz
from tests.courses.factories import study_lesson
from tests.factories import CourseFactory, LessonFactory, MemberFactory, OrganisationFactory

pytestmark = pytest.mark.e2e


def _focused(page) -> dict:
    return page.evaluate(
        "() => { const el = document.activeElement; return {tag: el.tagName, type: el.type || '',"
        " name: el.name || '', text: (el.innerText || el.value || '').replace(/\\s+/g, ' ').trim()}; }"
    )


def _tab_until(page, predicate, what: str, limit: int = 150) -> None:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return
        seen.append(focused["text"] or focused["name"])
    raise AssertionError(f"Tab never reached {what}; focus went through {seen}")


def _tab_to_text(page, text: str) -> None:
    _tab_until(page, lambda f: f["text"] == text, repr(text))


def _answer_with_keyboard(page, question_ids: list[int], *, right: bool) -> None:
    """Tab into each question's radio group; Space picks the first (right) answer, the
    arrow key moves to and picks the second (wrong) one."""
    for question_id in question_ids:
        _tab_until(page, lambda f, q=question_id: f["name"] == f"q{q}", f"question {question_id}")
        page.keyboard.press("Space" if right else "ArrowDown")
        page.wait_for_selector(f"#status-{question_id}:has-text('Answer saved')")


def test_a_learner_fails_retries_and_passes_the_final_quiz(page, axe_check, log_in, settings):
    settings.LOCALE_PATHS = []  # find the interface by its English texts, whatever the Dutch is
    organisation = OrganisationFactory(name="Politieacademie", kind="police")
    learner = MemberFactory(organisation=organisation, user__name="Lotte Learner").user
    course = CourseFactory(title_nl="Bejegening", title_en="Treatment")
    lesson = LessonFactory(module__course=course)
    quiz = make_quiz(course=course, questions=3, shuffle=False)
    question_ids = list(quiz.questions.order_by("position").values_list("pk", flat=True))
    enrolment = enrol(user=learner, course=course, organisation=organisation)
    study_lesson(enrolment=enrolment, lesson=lesson)
    log_in(learner)

    page.goto(f"/courses/{course.slug}/")
    axe_check(page)
    _tab_to_text(page, "Go to the final quiz")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/assessments/quizzes/{quiz.pk}/")
    axe_check(page)
    _tab_to_text(page, "Start the quiz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments/attempts/*/")
    axe_check(page)

    _answer_with_keyboard(page, question_ids, right=False)
    axe_check(page)
    _tab_to_text(page, "Hand in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    assert page.get_by_text("Your score: 0%.").is_visible()
    # the feedback and the explanation are there to learn from
    assert page.get_by_text("TERUGKOPPELING-0-1").is_visible()
    assert page.get_by_text("UITLEG-0").is_visible()
    axe_check(page)

    _tab_to_text(page, "Try again")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments/attempts/*/")
    assert page.get_by_role("heading", name="Final quiz, attempt 2").is_visible()
    _answer_with_keyboard(page, question_ids, right=True)
    _tab_to_text(page, "Hand in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    assert page.get_by_text("Your score: 100%.").is_visible()
    assert page.get_by_text("You passed.").is_visible()
    axe_check(page)

    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert enrolment.completed_at is not None
    _tab_to_text(page, "Back to the course")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{course.slug}/")
    assert page.get_by_text("Passed", exact=True).first.is_visible()
    axe_check(page)
