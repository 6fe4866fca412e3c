"""Keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys, typing into a focused field): a
learner goes through a whole course and its final quiz (in Dutch), and a trainer assigns a
course with a due date and follows the group's progress (in English).

On the way: every element the keyboard reaches shows a visible focus style (``:focus-visible``
with an outline or a focus ring), the skip link is the first stop and moves the focus into the
main content, and on each page Tab runs through every element and out of the page without
getting stuck (no keyboard trap), and Shift+Tab comes back.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from assessments.models import Choice, Question
from certificates.models import Certificate
from courses.models import Assignment, Enrolment, Lesson
from courses.services import enrol, lesson_open
from tests.assessments.conftest import make_quiz
from tests.courses.factories import make_course, study_lesson
from tests.e2e.a11y_world import session_cookie
from tests.e2e.trainer_data import police_team
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName, type: el.type || '', name: el.name || '', id: el.id || '',
    text: (el.innerText || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim(),
    label: label.replace(/\\s+/g, ' ').trim(),
    focusVisible: el.matches(':focus-visible'), ring: !!ring,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
    inMain: !!el.closest('main'),
    key: el.tagName + '#' + el.id + '|' + (el.name || '') + '|' + (el.value || '')
      + '|' + (el.getAttribute('href') || '') + '|' + (el.innerText || '').slice(0, 40),
  };
}"""


DATE_TYPES = ("date", "time", "datetime-local", "month", "week")


class Keyboard:
    """Tab through a page as a keyboard user, checking each stop's focus style."""

    def __init__(self, page):
        self.page = page
        self.invisible: list[str] = []  # focus stops without a visible focus style

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def press(self, key: str) -> dict | None:
        previous = self.focused() if key in ("Tab", "Shift+Tab") else None
        self.page.keyboard.press(key)
        focused = self.focused()
        # Inside a date field (day, month, year) chromium marks the part with the focus itself
        # and the field no longer matches :focus-visible: only its first stop is ours to check.
        within_date_field = (
            focused is not None
            and previous is not None
            and focused["type"] in DATE_TYPES
            and previous["key"] == focused["key"]
        )
        if focused is not None and not within_date_field:
            if not (focused["ring"] and focused["onScreen"]):
                self.invisible.append(f"{self.page.url}: {focused}")
        return focused

    def tab_to(self, match, what: str, *, limit: int = 150) -> dict:
        seen = []
        for _ in range(limit):
            focused = self.press("Tab")
            if focused is not None and match(focused):
                return focused
            seen.append(focused and (focused["text"] or focused["label"] or focused["name"]))
        raise AssertionError(f"Tab never reached {what} on {self.page.url}; went through {seen}")

    def tab_to_text(self, text: str) -> dict:
        return self.tab_to(lambda f: f["text"] == text, repr(text))

    def tab_to_label(self, label: str) -> dict:
        return self.tab_to(lambda f: f["label"].startswith(label), f"the field {label!r}")

    def skip_link_works(self) -> None:
        """On a freshly opened page: the first Tab stop is the skip link; Enter moves the
        focus to the main content, and the next Tab stop lies inside it."""
        first = self.press("Tab")
        assert first is not None and first["tag"] == "A" and first["onScreen"], first
        assert first["key"].split("|")[3] == "#main", first
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("() => document.activeElement.id") == "main"
        following = self.press("Tab")
        assert following is not None and following["inMain"], following

    def _walk(self, key: str, limit: int) -> list[dict]:
        """Press ``key`` until the focus leaves the page; the stops on the way."""
        stops: list[dict] = []
        for _ in range(limit):
            focused = self.press(key)
            if focused is None:
                return stops
            if stops and focused["key"] == stops[-1]["key"]:
                # the day, month, year and picker of a date field are stops of one element
                same = sum(1 for stop in stops[-4:] if stop["key"] == focused["key"])
                assert focused["type"] in DATE_TYPES and same < 4, (
                    f"the focus stays on {focused} on {self.page.url}"
                )
            stops.append(focused)
        raise AssertionError(f"{key} never leaves {self.page.url}: a keyboard trap")

    def check_page(self, *, limit: int = 400) -> None:
        """Shift+Tab runs back to the top and out of the page, Tab through every focusable
        element and out at the bottom, and Shift+Tab comes back to the last one: a widget that
        kept the focus would never let it leave. Afterwards the next Tab starts at the top."""
        self._walk("Shift+Tab", limit)
        stops = self._walk("Tab", limit)
        assert len(stops) > 3, stops
        back = self.press("Shift+Tab")
        assert back is not None and back["key"] == stops[-1]["key"], (back, stops[-1])
        self.press("Tab")  # out at the bottom again: the next Tab starts at the top


def _browser_page(browser, live_server, user, *, language: str, locale: str):
    context = browser.new_context(locale=locale, base_url=live_server.url)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session_cookie(user),
                "url": live_server.url,
            },
            {
                "name": django_settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": live_server.url,
            },
        ]
    )
    return context, context.new_page()


def _quiz_course():
    course = make_course(
        lessons=2, slug="bejegening", title_nl="Bejegening aan de balie", title_en="At the counter"
    )
    quiz = make_quiz(course=course, questions=2, attempts_allowed=3)
    multiple = Question.objects.create(
        quiz=quiz,
        slug="q-multiple",
        type="multiple",
        text_nl="Welke twee kloppen?",
        text_en="Which two are right?",
        explanation_nl="UITLEG-M",
        explanation_en="EXPLANATION-M",
        position=9,
    )
    for index in range(3):
        Choice.objects.create(
            question=multiple,
            text_nl=f"Keuze {index}",
            text_en=f"Option {index}",
            is_correct=index < 2,
            position=index,
        )
    quiz.questions_per_attempt = 3
    quiz.save(update_fields=["questions_per_attempt"])
    return course, quiz


def _answer_every_question(keyboard: Keyboard) -> int:
    """Answer each question rightly: Tab into it, then Space / arrow keys. Reads the labels
    of the choices from the page (as a sighted keyboard user would) to know which are right."""
    page = keyboard.page
    questions = page.evaluate(
        """() => [...document.querySelectorAll('fieldset.academy-question')].map(f => ({
            name: f.querySelector('input').name,
            type: f.querySelector('input').type,
            labels: [...f.querySelectorAll('label')].map(l => l.innerText.trim())}))"""
    )
    right_choices = set(
        Choice.objects.filter(is_correct=True).values_list("text_nl", flat=True)
    ) | set(Choice.objects.filter(is_correct=True).values_list("text_en", flat=True))
    for question in questions:
        name = question["name"]
        focused = keyboard.tab_to(lambda f, n=name: f["name"] == n, f"question {name}")
        right = [index for index, label in enumerate(question["labels"]) if label in right_choices]
        assert right, question
        if question["type"] == "radio":
            at = question["labels"].index(focused["label"])
            if at == right[0]:
                page.keyboard.press("Space")
            for _ in range(abs(right[0] - at)):  # each arrow press moves and picks
                keyboard.press("ArrowDown" if right[0] > at else "ArrowUp")
        else:
            for index in range(len(question["labels"])):
                if index:
                    keyboard.press("Tab")
                if index in right:
                    page.keyboard.press("Space")
        key = name.removeprefix("q")
        page.wait_for_selector(f"#status-{key}:has-text('Answer saved')")
        checked = page.evaluate(
            "n => [...document.querySelectorAll(`input[name=${n}]`)].map(i => i.checked)", name
        )
        assert [i for i, on in enumerate(checked) if on] == right, (question, checked)
    return len(questions)


def test_a_learner_does_a_whole_course_and_its_quiz_with_the_keyboard_in_dutch(
    browser, live_server, settings
):
    settings.LOCALE_PATHS = []  # find the interface by its English texts; the page is Dutch
    organisation = OrganisationFactory(name="Politieacademie", kind="police")
    learner = MemberFactory(organisation=organisation, user__name="Lotte Learner").user
    course, quiz = _quiz_course()
    enrol(user=learner, course=course, organisation=organisation)
    context, page = _browser_page(browser, live_server, learner, language="nl", locale="nl-NL")
    keyboard = Keyboard(page)
    try:
        page.goto("/courses/my/")
        assert page.locator("html").get_attribute("lang") == "nl"
        keyboard.skip_link_works()
        keyboard.check_page()
        keyboard.tab_to_text("Bejegening aan de balie")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/courses/{course.slug}/")
        keyboard.check_page()
        keyboard.tab_to_text("Start the course")
        page.keyboard.press("Enter")

        lessons = list(Lesson.objects.filter(course=course).order_by("position"))
        for number, lesson in enumerate(lessons, start=1):
            page.wait_for_url(f"**/lessons/{lesson.slug}/")
            page.get_by_role("heading", level=1, name=lesson.title_nl).wait_for()
            if number == 1:
                keyboard.skip_link_works()
                keyboard.check_page()
            keyboard.tab_to_text("Mark as done")
            page.keyboard.press("Enter")
            page.get_by_text("You have marked this lesson as done.").wait_for()
            expected = (
                "Go to the next lesson" if number < len(lessons) else "Go to the course overview"
            )
            # htmx swaps the button for the next step and keeps the focus on it
            page.wait_for_function(
                "t => document.activeElement && document.activeElement.innerText.trim() === t",
                arg=expected,
            )
            focused = keyboard.focused()
            assert focused["focusVisible"] and focused["ring"], focused
            page.keyboard.press("Enter")

        page.wait_for_url(f"**/courses/{course.slug}/")
        keyboard.tab_to_text("Go to the final quiz")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/assessments/quizzes/{quiz.pk}/")
        keyboard.check_page()
        keyboard.tab_to_text("Start the quiz")
        page.keyboard.press("Enter")
        page.wait_for_url("**/assessments/attempts/*/")
        keyboard.check_page()
        assert _answer_every_question(keyboard) == 3
        keyboard.tab_to_text("Hand in")
        page.keyboard.press("Enter")
        page.wait_for_url("**/review/")
        page.get_by_text("Your score: 100%.").wait_for()
        page.get_by_text("You passed.").wait_for()
        keyboard.check_page()
        keyboard.tab_to_text("Back to the course")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/courses/{course.slug}/")

        # The course is complete and the certificate can be downloaded from the course page.
        enrolment = Enrolment.objects.get(user=learner, course=course)
        assert enrolment.completed_at is not None and enrolment.final_quiz_passed_at is not None
        certificate = Certificate.objects.get(enrolment=enrolment)
        keyboard.check_page()
        link = keyboard.tab_to_text("Download the certificate (PDF)")
        assert f"/certificates/{certificate.code}/pdf/" in link["key"]
        assert page.locator("html").get_attribute("lang") == "nl"
    finally:
        context.close()
    assert keyboard.invisible == [], "focus stops without a visible focus style:\n" + "\n".join(
        keyboard.invisible
    )


def _select_by_typing(keyboard: Keyboard, label: str, text: str) -> None:
    """Focus the select by Tab and type the start of an option (the browser's type-ahead)."""
    keyboard.tab_to_label(label)
    keyboard.page.keyboard.type(text, delay=30)


def _select_by_arrows(keyboard: Keyboard, label: str, option: str) -> None:
    """Focus the select by Tab and press the down arrow until ``option`` is chosen. (Typing an
    option with a space is not reliable: after a pause the space opens the list instead.)"""
    keyboard.tab_to_label(label)
    chosen = "() => { const s = document.activeElement; return s.options[s.selectedIndex].text; }"
    for _ in range(10):
        if keyboard.page.evaluate(chosen).strip() == option:
            return
        keyboard.page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} is not an option of {label!r}")


def test_a_trainer_assigns_a_course_and_follows_the_group_with_the_keyboard_in_english(
    browser, live_server, settings
):
    settings.LOCALE_PATHS = []
    organisation, trainer, course, group, learners = police_team()
    context, page = _browser_page(browser, live_server, trainer, language="en", locale="en-GB")
    keyboard = Keyboard(page)
    try:
        page.goto("/trainer/")
        assert page.locator("html").get_attribute("lang") == "en"
        keyboard.skip_link_works()
        keyboard.check_page()
        keyboard.tab_to_text("Basisteam Noord")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/trainer/groups/{group.pk}/")
        keyboard.check_page()
        keyboard.tab_to(
            lambda f: f["text"].startswith("Assign a course"), "the 'Assign a course' link"
        )
        page.keyboard.press("Enter")
        page.get_by_role("heading", level=1, name="Assign a course").wait_for()
        keyboard.check_page()

        _select_by_typing(keyboard, "Course", "Taking")
        due = timezone.localdate() + timedelta(days=21)
        keyboard.tab_to_label("Due date")
        # the date field's segments follow the browser's own language (chromium: en-US)
        page.keyboard.type(due.strftime("%m%d%Y"), delay=30)
        assert page.evaluate("() => document.activeElement.value") == due.isoformat()
        if page.evaluate("() => document.querySelector('select[name=group]')?.value") in ("", None):
            _select_by_typing(keyboard, "Group", "Basisteam")
        keyboard.tab_to_label("Message to the learners")
        page.keyboard.type("Graag binnen drie weken.")
        keyboard.tab_to_text("Assign the course")
        page.keyboard.press("Enter")

        page.get_by_role("heading", level=1, name="Group Basisteam Noord").wait_for()
        page.get_by_text("The course was assigned to 2 learners.").wait_for()
        assignment = Assignment.objects.get()
        assert assignment.due_date == due and assignment.group == group
        assert assignment.course == course

        # A learner does the first lesson; the trainer follows it on the group page.
        enrolment = enrol(user=learners[0], course=course)
        lesson = Lesson.objects.filter(course=course).order_by("position").first()
        lesson_open(enrolment=enrolment, lesson=lesson)
        study_lesson(enrolment=enrolment, lesson=lesson)
        page.reload()
        page.get_by_role("row").filter(has_text="Lotte Learner").get_by_text(
            "In progress 25 %"
        ).wait_for()
        keyboard.skip_link_works()
        keyboard.check_page()

        _select_by_arrows(keyboard, "Status", "In progress")
        # each arrow press filters; the last answer (the URL keeps it) is the one that counts
        page.wait_for_url("**status=in_progress**")
        page.get_by_text("1 learner matches the filters.").wait_for()
        keyboard.tab_to_text("Lotte Learner")
        page.keyboard.press("Enter")
        page.get_by_role("heading", level=1, name="Lotte Learner").wait_for()
        page.get_by_text("1 of 4").wait_for()
        keyboard.check_page()
        assert re.search(rf"/trainer/groups/{group.pk}/learners/\d+/", page.url)
    finally:
        context.close()
    assert keyboard.invisible == [], "focus stops without a visible focus style:\n" + "\n".join(
        keyboard.invisible
    )
