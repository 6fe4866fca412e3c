"""A learner fails the final quiz, reads the review (explanations, never the right choices),
waits out the retry time, passes, and the course is complete — with the keyboard only, and
axe-clean on every page on the way."""

from datetime import timedelta

import pytest

from assessments.models import Attempt, Choice
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


def _answer_with_keyboard(page, attempt: Attempt, *, right: bool) -> None:
    """Tab into each question's radio group (focus lands on its first choice); Space picks
    it, each arrow press moves to and picks the next one. The choices are shuffled per attempt,
    so the test reads where the right (or a wrong) one landed from the frozen layout."""
    for entry in attempt.layout:
        question_id = entry["q"]
        correct = Choice.objects.get(question_id=question_id, is_correct=True).pk
        target = next(i for i, c in enumerate(entry["c"]) if (c == correct) == right)
        _tab_until(page, lambda f, q=question_id: f["name"] == f"q{q}", f"question {question_id}")
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        page.wait_for_selector(f"#status-{question_id}:has-text('Answer saved')")
        page.wait_for_function(
            "([name, value]) => document.querySelector(`input[name=${name}]:checked`)?.value"
            " === value",
            arg=[f"q{question_id}", str(target)],
        )


def test_a_learner_fails_retries_and_passes_the_final_quiz(page, axe_check, log_in, settings):
    settings.LOCALE_PATHS = []  # find the interface by its English texts, whatever the Dutch is
    organisation = OrganisationFactory(name="Politieacademie", kind="police")
    learner = MemberFactory(organisation=organisation, user__name="Lotte Learner").user
    course = CourseFactory(title_nl="Bejegening", title_en="Treatment")
    lesson = LessonFactory(module__course=course)
    quiz = make_quiz(course=course, questions=3, attempts_allowed=3)
    quiz.retry_after_hours = 1  # shortened for the test; the catalogue's final quizzes say 24
    quiz.save(update_fields=["retry_after_hours"])
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

    _answer_with_keyboard(page, Attempt.objects.get(quiz=quiz, number=1), right=False)
    axe_check(page)
    _tab_to_text(page, "Hand in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    assert page.get_by_text("Your score: 0%.").is_visible()
    # the explanation is there to learn from; the right choices are not
    assert page.get_by_text("UITLEG-0").is_visible()
    assert page.get_by_text("TERUGKOPPELING-0-0").count() == 0
    assert page.get_by_text("correct answer").count() == 0
    assert page.get_by_text("Antwoord 0.0").count() == 0  # the right choice's text
    assert page.get_by_text("The right answers are shown once you pass.").is_visible()
    assert page.get_by_text("You can try again at").is_visible()
    assert page.get_by_role("button", name="Try again").count() == 0
    axe_check(page)

    # wait out the retry time (moved back an hour instead of waiting one)
    first = Attempt.objects.get(quiz=quiz, number=1)
    Attempt.objects.filter(pk=first.pk).update(submitted_at=first.submitted_at - timedelta(hours=1))
    page.reload()
    _tab_to_text(page, "Try again")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments/attempts/*/")
    assert page.get_by_role("heading", name="Final quiz, attempt 2").is_visible()
    _answer_with_keyboard(page, Attempt.objects.get(quiz=quiz, number=2), right=True)
    _tab_to_text(page, "Hand in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    assert page.get_by_text("Your score: 100%.").is_visible()
    assert page.get_by_text("You passed.").is_visible()
    assert page.get_by_text("correct answer").count() == 3  # after passing, the key shows
    axe_check(page)

    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert enrolment.completed_at is not None
    assert enrolment.final_quiz_passed_at is not None
    _tab_to_text(page, "Back to the course")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{course.slug}/")
    assert page.get_by_text("Passed", exact=True).first.is_visible()
    axe_check(page)
