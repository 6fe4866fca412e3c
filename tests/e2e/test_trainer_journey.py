"""A trainer assigns a course with a due date to a group and follows a learner's progress.

Uses the shared e2e fixtures of tests/e2e/conftest.py: ``page`` (Playwright page, CSP bypassed),
``axe_check(page)`` (axe-core, WCAG 2.1 AA, zero violations) and ``log_in(user)``. The trainer's
profile language is English, so the test reads the English texts whatever the browser's locale.
The learner's progress is made with the courses services (the learner's own journey is
tests/e2e/test_learner_journey.py).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Assignment, Enrolment, Lesson
from courses.services import enrol, lesson_open
from tests.courses.factories import study_lesson
from tests.e2e.trainer_data import police_team

pytestmark = pytest.mark.e2e


def test_a_trainer_assigns_a_course_and_follows_progress(page, axe_check, log_in, live_server):
    organisation, trainer, course, group, learners = police_team()
    log_in(trainer)

    page.goto(f"{live_server.url}/trainer/")
    page.get_by_role("heading", level=1, name="Your groups").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Assign a course", exact=True).first.click()

    page.get_by_role("heading", level=1, name="Assign a course").wait_for()
    axe_check(page)
    page.get_by_label("Course").select_option(label="Taking reports")
    due = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Group").select_option(label="Basisteam Noord (Politie Eenheid Noord)")
    page.get_by_label("Message to the learners (optional)").fill("Graag binnen drie weken.")
    page.get_by_role("button", name="Assign the course").click()

    page.get_by_role("heading", level=1, name="Group Basisteam Noord").wait_for()
    page.get_by_text("The course was assigned to 2 learners.").wait_for()
    assignment = Assignment.objects.get()
    assert assignment.due_date == due and assignment.group == group
    assert Enrolment.objects.filter(course=course, source="assigned").count() == 2
    axe_check(page)

    # The learner does the first lesson (through the services, as the lesson page would).
    enrolment = enrol(user=learners[0], course=course)
    lesson = Lesson.objects.filter(course=course).order_by("position").first()
    lesson_open(enrolment=enrolment, lesson=lesson)
    study_lesson(enrolment=enrolment, lesson=lesson)

    page.reload()
    lotte = page.get_by_role("row").filter(has_text="Lotte Learner")
    lotte.get_by_text("In progress 25 %").wait_for()
    page.get_by_role("row").filter(has_text="Sam de Vries").get_by_text("Not started").wait_for()

    # Filter with htmx: only those in progress remain; the address bar keeps the filter.
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_text("1 learner matches the filters.").wait_for()
    assert "status=in_progress" in page.url
    assert page.get_by_role("row").filter(has_text="Sam de Vries").count() == 0
    axe_check(page)

    page.get_by_role("button", name="Send a reminder to those not done").click()
    page.get_by_text("A reminder is on its way to 2 learners").wait_for()
    page.get_by_text("Reminder sent today").wait_for()

    page.get_by_role("link", name="Lotte Learner").click()
    page.get_by_role("heading", level=1, name="Lotte Learner").wait_for()
    page.get_by_text("1 of 4").wait_for()
    axe_check(page)
