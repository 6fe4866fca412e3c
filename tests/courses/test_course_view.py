"""The course page /courses/<slug>/: outline, progress, start/continue, enrol, sections."""

from django.urls import reverse

from courses import pages
from courses.models import Course
from courses.services import enrol
from tests.courses.factories import make_course, study_lesson


def url(course):
    return reverse("courses:course", args=[course.slug])


def lesson_url(course, lesson):
    return reverse("courses:lesson", args=[course.slug, lesson.slug])


def lessons_of(course):
    return list(course.lessons.order_by("position"))


def test_an_anonymous_visitor_sees_the_outline_and_log_in_to_enrol(client, course):
    response = client.get(url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="utrecht-heading-1">{course.title_nl}</h1>' in html
    for lesson in lessons_of(course):
        assert lesson.title_nl in html
        assert lesson_url(course, lesson) not in html
    assert "Log in to enrol" in html
    assert f"{reverse('account_login')}?next={url(course)}" in html
    assert "Not done" not in html


def test_a_signed_in_visitor_who_is_not_enrolled_sees_the_enrol_button(client, learner, course):
    client.force_login(learner)

    html = client.get(url(course)).content.decode()

    assert f'action="{reverse("courses:enrol", args=[course.slug])}"' in html
    assert "Enrol in this course" in html
    assert "This course has 4 lessons." in html


def test_an_enrolled_learner_sees_progress_done_marks_and_start(client, learner, course):
    enrol(user=learner, course=course)
    client.force_login(learner)

    html = client.get(url(course)).content.decode()

    assert "0 of 4 lessons done (0 %)" in html
    assert 'value="0"' in html
    assert "Start the course" in html
    assert f'href="{lesson_url(course, lessons_of(course)[0])}"' in html
    assert html.count("Not done") == 4
    assert "Enrol in this course" not in html


def test_continue_goes_to_the_first_lesson_not_done_after_the_last_one_done(
    client, learner, course
):
    enrolment = enrol(user=learner, course=course)
    first, second, third, fourth = lessons_of(course)
    study_lesson(enrolment=enrolment, lesson=third)
    study_lesson(enrolment=enrolment, lesson=first)
    client.force_login(learner)

    response = client.get(url(course))

    html = response.content.decode()
    assert "Continue where you left off" in html
    assert response.context["outline"].next_lesson == second
    assert "2 of 4 lessons done (50 %)" in html
    assert html.count("Not done") == 2

    study_lesson(enrolment=enrolment, lesson=fourth)
    assert client.get(url(course)).context["outline"].next_lesson == second


def test_continue_after_the_last_lesson_wraps_to_the_first_not_done(client, learner, course):
    enrolment = enrol(user=learner, course=course)
    *_, last = lessons_of(course)
    study_lesson(enrolment=enrolment, lesson=last)
    client.force_login(learner)

    assert client.get(url(course)).context["outline"].next_lesson == lessons_of(course)[0]


def test_a_completed_course_says_so(client, learner, course):
    enrolment = enrol(user=learner, course=course)
    for lesson in lessons_of(course):
        study_lesson(enrolment=enrolment, lesson=lesson)
    client.force_login(learner)

    html = client.get(url(course)).content.decode()

    assert "You completed this course on" in html
    assert "You have done all lessons." in html
    assert "Read the lessons again" in html


def test_inactive_lessons_and_modules_are_not_shown(client, learner, course):
    enrol(user=learner, course=course)
    removed = lessons_of(course)[1]
    removed.is_active = False
    removed.save(update_fields=["is_active"])
    client.force_login(learner)

    html = client.get(url(course)).content.decode()

    assert removed.title_nl not in html
    assert "0 of 3 lessons done" in html


def test_a_draft_or_unknown_course_is_not_found(client, learner, course):
    course.status = Course.Status.DRAFT
    course.save(update_fields=["status"])
    client.force_login(learner)

    assert client.get(url(course)).status_code == 404
    assert client.get(reverse("courses:course", args=["bestaat-niet"])).status_code == 404


def test_other_apps_add_sections_through_the_registry(client, learner, course, test_templates):
    enrolment = enrol(user=learner, course=course)
    seen = []

    def final_quiz(request, section_course, section_enrolment):
        seen.append((section_course.pk, section_enrolment.pk if section_enrolment else None))
        return "courses/tests/section.html", {"text": "Final quiz: not yet taken"}

    def nothing(request, section_course, section_enrolment):
        return None

    client.force_login(learner)
    with pages.course_page_sections.override(final_quiz, nothing):
        html = client.get(url(course)).content.decode()

    assert seen == [(course.pk, enrolment.pk)]
    assert '<section class="test-section">Final quiz: not yet taken</section>' in html


def test_the_number_of_queries_does_not_grow_with_lessons(
    client, learner, count_queries, courses_queries_only
):
    client.force_login(learner)
    small = make_course(lessons=2)
    large = make_course(lessons=16, per_module=4)
    for course in (small, large):
        enrolment = enrol(user=learner, course=course)
        study_lesson(enrolment=enrolment, lesson=lessons_of(course)[0])
    client.get(url(small))  # the session is warm

    queries_small = count_queries(lambda: client.get(url(small)))
    queries_large = count_queries(lambda: client.get(url(large)))

    assert queries_small == queries_large <= 8
