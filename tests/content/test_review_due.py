"""The content authors' page "Courses due for review" (``courses:review_due``)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CourseFactory, LessonFactory

URL = reverse("courses:review_due")


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.LOCALE_PATHS = []


def _log_in(client, user) -> None:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)


def _months_ago(months: int) -> dt.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def courses(db):
    """One fresh, two overdue (the one due longest ago first) and one never reviewed."""
    fresh = CourseFactory(title_en="Fresh course", reviewed_on=timezone.localdate())
    old = CourseFactory(title_en="Old course", reviewed_on=_months_ago(30))
    older = CourseFactory(title_en="Older course", reviewed_on=_months_ago(40))
    never = CourseFactory(title_en="Never reviewed course", reviewed_on=None)
    LessonFactory(module__course=old, title_en="First lesson of the old course", position=1)
    LessonFactory(module__course=old, title_en="Second lesson of the old course", position=2)
    LessonFactory(module__course=old, title_en="Retired lesson", position=3, is_active=False)
    LessonFactory(module__course=fresh, title_en="Lesson of the fresh course")
    return {"fresh": fresh, "old": old, "older": older, "never": never}


def test_it_lists_overdue_and_never_reviewed_courses_with_their_lessons_oldest_first(
    client, content_author, courses
):
    _log_in(client, content_author)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    positions = [
        html.index(title) for title in ("Never reviewed course", "Older course", "Old course")
    ]
    assert positions == sorted(positions)
    assert "Fresh course" not in html
    assert "Lesson of the fresh course" not in html
    assert "First lesson of the old course" in html
    assert html.index("First lesson of the old course") < html.index(
        "Second lesson of the old course"
    )
    assert "Retired lesson" not in html
    old = courses["old"].reviewed_on
    assert f'<time datetime="{old:%Y-%m-%d}">{old.day} {old:%B %Y}</time>' in html
    assert "Never" in html


def test_staff_see_the_page_too(client, staff_user, courses):
    _log_in(client, staff_user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Old course" in response.content.decode()


def test_it_says_so_when_nothing_is_due(client, content_author, db):
    CourseFactory(title_en="Fresh course", reviewed_on=timezone.localdate())
    _log_in(client, content_author)

    html = client.get(URL).content.decode()

    assert "No course is due for review on" in html
    assert "Fresh course" not in html


@pytest.mark.parametrize("persona", ["learner", "trainer", "outsider", "coordinator"])
def test_others_get_404(client, request, persona, courses):
    _log_in(client, request.getfixturevalue(persona))

    assert client.get(URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_it_needs_the_same_number_of_queries_for_more_courses_and_lessons(
    client, content_author, courses
):
    _log_in(client, content_author)
    client.get(URL)  # warm up: session, roles
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(5):
        course = CourseFactory(reviewed_on=_months_ago(20 + number))
        LessonFactory.create_batch(3, module__course=course)

    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert response.content.decode().count("<tr>") == 1 + 3 + 5  # header, 3 due, 5 new
    assert len(many) == len(few)


def test_it_orders_by_the_day_the_review_fell_due_not_by_the_last_review(
    client, content_author, db
):
    CourseFactory(title_en="Yearly course", reviewed_on=_months_ago(30))  # due 18 months ago
    CourseFactory(
        title_en="Two-yearly course", reviewed_on=_months_ago(40), review_every_months=24
    )  # reviewed earlier, but due only 16 months ago
    _log_in(client, content_author)

    html = client.get(URL).content.decode()

    assert html.index("Yearly course") < html.index("Two-yearly course")
