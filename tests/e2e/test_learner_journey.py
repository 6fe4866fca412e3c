"""A learner enrols in a small course and completes every lesson with the keyboard only.

Uses the shared e2e fixtures of tests/e2e/conftest.py: ``page`` (Playwright page, CSP bypassed),
``axe_check(page)`` (axe-core, WCAG 2.1 AA, zero violations) and ``log_in(user)``, plus
pytest-django's ``live_server``. The tiny course is the courses tests' fixture catalogue.
"""

from datetime import timedelta

import pytest
from django.db.models import F

from courses.loader import load_catalogue
from courses.models import Enrolment
from tests.courses.conftest import FIXTURE_CATALOGUE, FIXTURE_COURSE
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.e2e


COURSE_TITLE = "Respectvol omgaan met sekswerkers"
LESSONS = ["Stigma herkennen", "Hoe stigma werkt", "Een controle"]


def focused_text(page) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return ((el && (el.innerText || el.value || el.getAttribute('aria-label'))) || '')"
        ".replace(/\\s+/g, ' ').trim(); }"
    )


def tab_to(page, text: str, *, limit: int = 120) -> None:
    """Press Tab until the focused element's text is ``text`` (as a keyboard user would)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused_text(page)
        if current == text:
            return
        seen.append(current)
    raise AssertionError(f"Tab never reached {text!r}; focus went through {seen}")


def test_a_learner_completes_a_course_with_the_keyboard_only(
    page, axe_check, log_in, live_server, settings
):
    settings.LOCALE_PATHS = []  # find texts by their English msgids, whatever the Dutch becomes
    report = load_catalogue(FIXTURE_CATALOGUE)
    assert report.ok, report.all_errors()
    organisation = OrganisationFactory(name="Politie Eenheid Utrecht", kind="police")
    learner = MemberFactory(organisation=organisation, user__name="Lotte Learner").user
    log_in(learner)

    page.goto(f"{live_server.url}/courses/")
    axe_check(page)
    tab_to(page, COURSE_TITLE)
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/courses/{FIXTURE_COURSE}/")
    axe_check(page)
    tab_to(page, "Enrol in this course")
    page.keyboard.press("Enter")
    page.get_by_text("You are enrolled.").wait_for()
    tab_to(page, "Start the course")
    page.keyboard.press("Enter")

    for number, title in enumerate(LESSONS, start=1):
        page.get_by_role("heading", level=1, name=title).wait_for()
        if number == 1:
            axe_check(page)
            # the fixture course is accredited: a lesson counts only after real study time
            tab_to(page, "Mark as done")
            page.keyboard.press("Enter")
            page.get_by_role("alert").filter(has_text="Keep reading").wait_for()
            axe_check(page)
        # the learner reads for ten minutes (the clock of their last request is moved back)
        Enrolment.objects.filter(user=learner).update(
            last_activity_at=F("last_activity_at") - timedelta(minutes=10)
        )
        tab_to(page, "Mark as done")
        page.keyboard.press("Enter")
        # htmx swaps the button for the next step and keeps the focus on it.
        page.get_by_text("You have marked this lesson as done.").wait_for()
        page.get_by_role("status").filter(has_text="Lesson marked as done").wait_for()
        expected = "Go to the next lesson" if number < len(LESSONS) else "Go to the course overview"
        page.wait_for_function(
            "text => document.activeElement && document.activeElement.innerText.trim() === text",
            arg=expected,
        )
        progress = page.locator("#course-progress")
        assert progress.get_attribute("value") == str(number * 100 // len(LESSONS))
        page.keyboard.press("Enter")

    page.wait_for_url(f"**/courses/{FIXTURE_COURSE}/")
    page.get_by_text("3 of 3 lessons done (100 %)").wait_for()
    assert page.locator("progress.academy-progress").first.get_attribute("value") == "100"
    page.get_by_text("You completed this course on").wait_for()
    axe_check(page)
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.completed_at is not None
    assert enrolment.progress_percent == 100

    page.goto(f"{live_server.url}/courses/my/")
    completed = page.get_by_role("table").filter(has_text="Completed on")
    completed.get_by_role("link", name=COURSE_TITLE, exact=True).wait_for()
    axe_check(page)
