"""Review pages of a course for an accrediting body's assessor: every active lesson, read-only,
without an enrolment, and nothing counted."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from courses.access import may_review_course, reviews_courses_cached
from courses.models import Course, CourseReviewer, Enrolment, Lesson, LessonProgress
from organisations.permissions import ACCREDITATION_ADMIN_GROUP
from tests.courses.factories import make_course
from tests.factories import UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(db):
    """Bea, an assessor of V&VN with a plain account (no organisation)."""
    return UserFactory(name="Bea Beoordelaar")


@pytest.fixture
def review_course(assessor):
    course = make_course(lessons=4, slug="hulp-en-zorg")
    CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="V&VN")
    return course


def review_urls(course) -> list[str]:
    lesson = course.lessons.order_by("position").first()
    return [
        reverse("courses:review", args=[course.slug]),
        reverse("courses:review_lesson", args=[course.slug, lesson.slug]),
    ]


def no_learning_records(user) -> bool:
    return (
        not Enrolment.objects.filter(user=user).exists()
        and not LessonProgress.objects.filter(enrolment__user=user).exists()
        and not Attempt.objects.filter(user=user).exists()
    )


# --- the reviewer ---------------------------------------------------------------------------


def test_the_reviewer_sees_every_active_module_and_lesson(client, assessor, review_course):
    removed = review_course.lessons.order_by("position").last()
    Lesson.objects.filter(pk=removed.pk).update(is_active=False)
    client.force_login(assessor)

    response = client.get(reverse("courses:review", args=[review_course.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    for lesson in review_course.lessons.filter(is_active=True):
        assert reverse("courses:review_lesson", args=[review_course.slug, lesson.slug]) in html
    for module in review_course.modules.all():
        assert module.title_en in html or module.title_nl in html
    assert reverse("courses:review_lesson", args=[review_course.slug, removed.slug]) not in html
    assert reverse("assessments:question_bank", args=[review_course.slug]) in html
    assert "Enrol in this course" not in html


def test_the_reviewer_reads_a_lesson_without_marking_it_done(client, assessor, review_course):
    lesson, following = review_course.lessons.order_by("position")[:2]
    Lesson.objects.filter(pk=lesson.pk).update(
        body_nl="<p>Tekst van de les voor de beoordelaar.</p>"
    )
    client.force_login(assessor)

    response = client.get(reverse("courses:review_lesson", args=[review_course.slug, lesson.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>Tekst van de les voor de beoordelaar.</p>" in html
    assert "Mark as done" not in html
    assert reverse("courses:lesson_done", args=[review_course.slug, lesson.slug]) not in html
    assert reverse("courses:review_lesson", args=[review_course.slug, following.slug]) in html


def test_nothing_the_reviewer_opens_is_recorded(client, assessor, review_course):
    client.force_login(assessor)

    client.get(reverse("courses:review_list"))
    client.get(reverse("courses:review", args=[review_course.slug]))
    for lesson in review_course.lessons.all():
        url = reverse("courses:review_lesson", args=[review_course.slug, lesson.slug])
        assert client.get(url).status_code == 200

    assert no_learning_records(assessor)
    assert not Enrolment.objects.filter(course=review_course).exists()


def test_the_review_list_shows_the_courses_and_refreshes_the_header(
    client, assessor, review_course
):
    other = make_course(lessons=1, slug="andere-cursus")
    client.force_login(assessor)

    response = client.get(reverse("courses:review_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("courses:review", args=[review_course.slug]) in html
    assert reverse("courses:review", args=[other.slug]) not in html
    assert "V&amp;VN" in html
    assert reviews_courses_cached(assessor)
    assert "Courses to review" in client.get(reverse("courses:catalogue")).content.decode()


def test_a_reviewer_may_review_a_draft_course(client, assessor):
    draft = make_course(lessons=1, status=Course.Status.DRAFT)
    CourseReviewer.objects.create(user=assessor, course=draft, on_behalf_of="ABAN")
    client.force_login(assessor)

    for url in review_urls(draft):
        assert client.get(url).status_code == 200, url


def test_access_lasts_through_its_last_day(client, assessor, review_course):
    CourseReviewer.objects.filter(user=assessor).update(valid_until=timezone.localdate())
    client.force_login(assessor)

    for url in review_urls(review_course):
        assert client.get(url).status_code == 200, url


# --- everyone else --------------------------------------------------------------------------


def test_an_expired_reviewer_gets_404(client, assessor, review_course):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    CourseReviewer.objects.filter(user=assessor).update(valid_until=yesterday)
    client.force_login(assessor)

    for url in [*review_urls(review_course), reverse("courses:review_list")]:
        assert client.get(url).status_code == 404, url
    assert not may_review_course(assessor, review_course)


def test_a_reviewer_of_one_course_gets_404_on_another(client, assessor, review_course):
    other = make_course(lessons=2, slug="andere-cursus")
    client.force_login(assessor)

    for url in review_urls(other):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["learner", "outsider", "trainer", "content_author"])
def test_people_without_reviewer_access_get_404(client, request, who, review_course):
    person = request.getfixturevalue(who)
    client.force_login(person)

    for url in [*review_urls(review_course), reverse("courses:review_list")]:
        assert client.get(url).status_code == 404, url


def test_an_enrolled_learner_still_gets_404(client, learner, review_course):
    Enrolment.objects.create(user=learner, course=review_course)
    client.force_login(learner)

    for url in review_urls(review_course):
        assert client.get(url).status_code == 404, url


def test_visitors_are_asked_to_log_in(client, review_course):
    for url in review_urls(review_course):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_an_inactive_or_unknown_lesson_gets_404(client, assessor, review_course):
    lesson = review_course.lessons.first()
    Lesson.objects.filter(pk=lesson.pk).update(is_active=False)
    client.force_login(assessor)

    for slug in (lesson.slug, "no-such-lesson"):
        url = reverse("courses:review_lesson", args=[review_course.slug, slug])
        assert client.get(url).status_code == 404


def test_staff_and_accreditation_admins_may_open_the_review_pages(
    client, staff_user, review_course
):
    administrator = UserFactory(is_staff=True)
    administrator.groups.add(Group.objects.get(name=ACCREDITATION_ADMIN_GROUP))
    for person in (staff_user, administrator):
        give_totp(person)
        client.force_login(person)
        for url in [*review_urls(review_course), reverse("courses:review_list")]:
            assert client.get(url).status_code == 200, url
        assert no_learning_records(person)


# --- cost -----------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["course", "lesson"])
def test_the_pages_cost_the_same_for_more_lessons(client, assessor, page):
    small = make_course(lessons=2, per_module=1)
    large = make_course(lessons=12, per_module=3)
    for course in (small, large):
        CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="V&VN")
    client.force_login(assessor)
    client.get(reverse("courses:catalogue"))  # the session's first request records the session

    def url_for(course):
        if page == "course":
            return reverse("courses:review", args=[course.slug])
        return reverse("courses:review_lesson", args=[course.slug, "les-1"])

    assert count_queries(client, url_for(small)) == count_queries(client, url_for(large))


def test_the_list_costs_the_same_for_more_courses(client, assessor, review_course):
    client.force_login(assessor)
    client.get(reverse("courses:catalogue"))
    url = reverse("courses:review_list")
    few = count_queries(client, url)

    for _ in range(4):
        CourseReviewer.objects.create(
            user=assessor, course=make_course(lessons=1), on_behalf_of="SKJ"
        )

    assert count_queries(client, url) == few
