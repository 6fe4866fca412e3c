"""The courses admin: modules and lessons inline, learner preview, sanitising on save."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from courses.models import Lesson
from tests.courses.factories import make_course
from tests.factories import UserFactory
from tests.mfa import give_totp


@pytest.fixture
def staff(db):
    """A platform admin (staff need an authenticator app for /admin/)."""
    user = UserFactory(is_staff=True, is_superuser=True)
    give_totp(user)
    return user


@pytest.fixture
def lesson(course):
    lesson = course.lessons.order_by("position").first()
    lesson.body_nl = '<p>Nederlandse tekst.</p><div class="admonition case"><p class="admonition-title">Casus</p></div>'
    lesson.body_en = "<p>English text.</p>"
    lesson.save(update_fields=["body_nl", "body_en"])
    return lesson


def preview_url(lesson):
    return reverse("admin:courses_lesson_preview", args=[lesson.pk])


def test_the_admin_lists_and_opens_courses_modules_and_lessons(client, staff, lesson):
    client.force_login(staff)
    course = lesson.course

    assert client.get(reverse("admin:courses_course_changelist")).status_code == 200
    course_page = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert course_page.status_code == 200
    assert lesson.module.title_nl in course_page.content.decode()
    module_page = client.get(reverse("admin:courses_module_change", args=[lesson.module_id]))
    assert lesson.title_nl in module_page.content.decode()
    lessons_page = client.get(reverse("admin:courses_lesson_changelist"))
    assert preview_url(lesson) in lessons_page.content.decode()
    assert client.get(reverse("admin:courses_enrolment_changelist")).status_code == 200


def test_the_preview_renders_the_learner_template_in_both_languages(client, staff, lesson):
    client.force_login(staff)

    dutch = client.get(preview_url(lesson), {"language": "nl"})
    english = client.get(preview_url(lesson), {"language": "en"})

    assert dutch.status_code == 200
    assert [t.name for t in dutch.templates][0] == "courses/lesson.html"
    html = dutch.content.decode()
    assert "Preview as a learner sees this lesson" in html
    assert "<p>Nederlandse tekst.</p>" in html and '<div class="admonition case">' in html
    assert "Mark as done" not in html
    assert "<p>English text.</p>" in english.content.decode()


def test_the_preview_also_shows_inactive_lessons(client, staff, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(is_active=False)
    client.force_login(staff)

    assert client.get(preview_url(lesson)).status_code == 200


def test_a_content_author_with_view_permission_may_preview(client, lesson):
    author = UserFactory(is_staff=True)
    author.user_permissions.add(Permission.objects.get(codename="view_lesson"))
    give_totp(author)
    client.force_login(author)

    assert client.get(preview_url(lesson)).status_code == 200


def test_staff_without_the_permission_may_not_preview(client, lesson):
    clerk = UserFactory(is_staff=True)
    give_totp(clerk)
    client.force_login(clerk)

    assert client.get(preview_url(lesson)).status_code == 403


def test_learners_and_outsiders_cannot_reach_the_preview(client, learner, outsider, lesson):
    for person in (learner, outsider):
        client.force_login(person)
        response = client.get(preview_url(lesson))
        assert response.status_code == 302
        assert "Nederlandse tekst" not in response.content.decode()


def test_saving_a_lesson_sanitises_the_html(client, staff, lesson):
    client.force_login(staff)
    data = {
        "course": lesson.course_id,
        "module": lesson.module_id,
        "slug": lesson.slug,
        "position": lesson.position,
        "kind": lesson.kind,
        "minutes": 6,
        "is_active": "on",
        "title_nl": "Nieuwe titel",
        "title_en": "New title",
        "body_nl": '<p onclick="steal()">Tekst</p><script>alert(1)</script><a href="javascript:x()">a</a>',
        "body_en": '<div class="admonition reflect evil" style="color:red">Think</div>',
    }

    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    assert lesson.title_nl == "Nieuwe titel" and lesson.minutes == 6
    assert lesson.body_nl == '<p>Tekst</p><a rel="noopener noreferrer">a</a>'
    assert lesson.body_en == '<div class="admonition reflect">Think</div>'


def test_a_lesson_cannot_be_put_in_a_module_of_another_course(client, staff, lesson):
    other = make_course(lessons=1)
    client.force_login(staff)
    data = {
        "course": lesson.course_id,
        "module": other.modules.first().pk,
        "slug": lesson.slug,
        "position": 0,
        "kind": "text",
        "minutes": 5,
        "title_nl": "x",
        "body_nl": "<p>x</p>",
    }

    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data)

    assert response.status_code == 200
    assert "Choose a module of the same course." in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.module.course_id == lesson.course_id


def test_the_course_form_checks_audiences(client, staff, course):
    client.force_login(staff)
    data = {
        "slug": course.slug,
        "status": "published",
        "title_nl": course.title_nl,
        "theme": 3,
        "audiences": '["police", "martians"]',
        "minutes": 30,
        "languages": '["nl", "en"]',
        "review_every_months": 12,
        "modules-TOTAL_FORMS": "0",
        "modules-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:courses_course_change", args=[course.pk]), data)

    assert response.status_code == 200
    assert "Use a list of audiences from" in response.content.decode()
    course.refresh_from_db()
    assert course.audiences == ["police"]


def test_lessons_cannot_be_deleted_in_the_admin(client, staff, lesson):
    client.force_login(staff)

    response = client.post(
        reverse("admin:courses_lesson_delete", args=[lesson.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Lesson.objects.filter(pk=lesson.pk).exists()
