"""The lesson page: only for the enrolled learner, time recorded on the server, "Mark as done"
with and without htmx, at most 10 queries."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from courses import pages
from courses.models import Course, Enrolment, LessonProgress
from courses.services import enrol
from tests.courses.factories import make_course, study_lesson
from tests.factories import MemberFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def lessons_of(course):
    return list(course.lessons.order_by("position"))


def url(course, lesson):
    return reverse("courses:lesson", args=[course.slug, lesson.slug])


def done_url(course, lesson):
    return reverse("courses:lesson_done", args=[course.slug, lesson.slug])


# Access --------------------------------------------------------------------------------------


def test_the_enrolled_learner_reads_the_lesson(client, learner, enrolment):
    course = enrolment.course
    first, second = lessons_of(course)[:2]
    first.body_nl = '<p>Stigma is een <strong>vooroordeel</strong>.</p><div class="admonition reflect"><p class="admonition-title">Denk na</p><p>Vraag</p></div>'
    first.save(update_fields=["body_nl"])
    client.force_login(learner)

    response = client.get(url(course, first))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="utrecht-heading-1" id="lesson-title">{first.title_nl}</h1>' in html
    assert "Stigma is een <strong>vooroordeel</strong>." in html
    assert '<div class="admonition reflect">' in html
    assert "lesson 1 of 4" in html
    assert f'href="{url(course, second)}">Next lesson: {second.title_nl}</a>' in html
    assert "Previous lesson" not in html
    assert "Mark as done" in html
    assert f'action="{done_url(course, first)}"' in html
    assert f'hx-post="{done_url(course, first)}"' in html


def test_a_learner_who_is_not_enrolled_gets_404(client, learner, course):
    client.force_login(learner)

    assert client.get(url(course, lessons_of(course)[0])).status_code == 404
    assert not LessonProgress.objects.exists()


def test_an_outsider_gets_404_for_someone_elses_course(client, outsider, enrolment):
    client.force_login(outsider)
    lesson = lessons_of(enrolment.course)[0]

    assert client.get(url(enrolment.course, lesson)).status_code == 404
    assert client.post(done_url(enrolment.course, lesson)).status_code == 404
    assert not LessonProgress.objects.exists()


def test_a_colleague_enrolled_elsewhere_gets_404(client, organisation, enrolment):
    colleague = MemberFactory(organisation=organisation).user
    enrol(user=colleague, course=make_course(lessons=1))
    client.force_login(colleague)

    assert client.get(url(enrolment.course, lessons_of(enrolment.course)[0])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, enrolment):
    response = client.get(url(enrolment.course, lessons_of(enrolment.course)[0]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_inactive_unknown_and_draft_lessons_are_404(client, learner, enrolment):
    course = enrolment.course
    first, second = lessons_of(course)[:2]
    second.is_active = False
    second.save(update_fields=["is_active"])
    client.force_login(learner)

    assert client.get(url(course, second)).status_code == 404
    assert client.post(done_url(course, second)).status_code == 404
    assert client.get(reverse("courses:lesson", args=[course.slug, "nope"])).status_code == 404
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    assert client.get(url(course, first)).status_code == 404


def test_a_lesson_of_another_course_is_404_under_this_course(client, learner, enrolment):
    other = make_course(lessons=1)
    enrol(user=learner, course=other)
    foreign = lessons_of(other)[0]
    foreign.slug = "alleen-in-de-andere-cursus"
    foreign.save(update_fields=["slug"])
    client.force_login(learner)

    response = client.get(reverse("courses:lesson", args=[enrolment.course.slug, foreign.slug]))

    assert response.status_code == 404


# Content -------------------------------------------------------------------------------------


def test_the_english_body_falls_back_to_dutch(client, learner, enrolment):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    first, second = lessons_of(enrolment.course)[:2]
    first.body_en = ""
    first.save(update_fields=["body_en"])
    client.force_login(learner)

    assert "Inhoud van de les." in client.get(url(enrolment.course, first)).content.decode()
    html = client.get(url(enrolment.course, second)).content.decode()
    assert "Lesson content." in html and "Inhoud van de les." not in html
    assert second.title_en in html


def test_other_apps_add_lesson_sections(client, learner, enrolment, test_templates):
    def knowledge_check(request, lesson, section_enrolment):
        return "courses/tests/section.html", {"text": f"Check for {lesson.slug}"}

    client.force_login(learner)
    lesson = lessons_of(enrolment.course)[0]
    with pages.lesson_page_sections.override(knowledge_check):
        html = client.get(url(enrolment.course, lesson)).content.decode()

    assert f'<section class="test-section">Check for {lesson.slug}</section>' in html


# Time spent ----------------------------------------------------------------------------------


def test_opening_lessons_records_time_bounded_by_the_server_clock(client, learner, enrolment):
    course = enrolment.course
    first, second, third = lessons_of(course)[:3]
    client.force_login(learner)

    with time_machine.travel(T0, tick=False) as clock:
        client.get(url(course, first))
        clock.shift(timedelta(minutes=3))
        client.get(url(course, second))
        clock.shift(timedelta(hours=5))
        client.get(url(course, third))

    spent = dict(
        LessonProgress.objects.filter(enrolment=enrolment).values_list(
            "lesson__slug", "seconds_spent"
        )
    )
    assert spent == {first.slug: 180, second.slug: 1800, third.slug: 0}
    row = LessonProgress.objects.get(lesson=third)
    assert row.last_seen_at == T0 + timedelta(hours=5, minutes=3)
    assert Enrolment.objects.get().started_at == T0


def test_the_browser_cannot_add_time(client, learner, enrolment):
    client.force_login(learner)
    first = lessons_of(enrolment.course)[0]

    client.get(url(enrolment.course, first), {"seconds_spent": "99999"})
    client.post(done_url(enrolment.course, first), {"seconds_spent": "99999"})

    assert LessonProgress.objects.get().seconds_spent < 5


# Mark as done --------------------------------------------------------------------------------


def test_mark_as_done_without_javascript_goes_to_the_next_lesson(client, learner, enrolment):
    course = enrolment.course
    first, second = lessons_of(course)[:2]
    client.force_login(learner)
    client.get(url(course, first))

    response = client.post(done_url(course, first))

    assert response.status_code == 302
    assert response.url == url(course, second)
    enrolment.refresh_from_db()
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (1, 25)
    html = client.get(response.url).content.decode()
    assert "Lesson marked as done." in html
    assert "1 of 4 lessons done (25 %)" in html


def test_mark_as_done_on_the_last_lesson_completes_and_goes_to_the_course(
    client, learner, enrolment
):
    course = enrolment.course
    *rest, last = lessons_of(course)
    for lesson in rest:
        study_lesson(enrolment=enrolment, lesson=lesson)
    client.force_login(learner)
    client.get(url(course, last))

    response = client.post(done_url(course, last))

    assert response.url == reverse("courses:course", args=[course.slug])
    assert "you have completed this course" in client.get(response.url).content.decode()
    assert Enrolment.objects.get().completed_at is not None


def test_mark_as_done_with_htmx_swaps_the_button_and_the_progress(client, learner, enrolment):
    course = enrolment.course
    first, second = lessons_of(course)[:2]
    client.force_login(learner)
    client.get(url(course, first))

    response = client.post(done_url(course, first), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="lesson-action"')
    assert "You have marked this lesson as done." in html
    assert (
        f'id="lesson-primary-action" class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="{url(course, second)}"'
        in html
    )
    assert 'id="lesson-outline"' in html and 'hx-swap-oob="true"' in html
    assert '<progress id="course-progress" class="academy-progress" max="100" value="25"' in html
    assert "1 of 4 lessons done (25 %)" in html
    assert (
        '<div id="lesson-status" hx-swap-oob="innerHTML">Lesson marked as done. 1 of 4 lessons done.</div>'
        in html
    )


def test_a_done_lesson_shows_the_next_step_instead_of_the_button(client, learner, enrolment):
    course = enrolment.course
    first = lessons_of(course)[0]
    study_lesson(enrolment=enrolment, lesson=first)
    client.force_login(learner)

    html = client.get(url(course, first)).content.decode()

    assert "Mark as done" not in html
    assert "Go to the next lesson" in html


def test_mark_as_done_needs_a_post(client, learner, enrolment):
    client.force_login(learner)

    response = client.get(done_url(enrolment.course, lessons_of(enrolment.course)[0]))

    assert response.status_code == 405
    assert not LessonProgress.objects.exists()


def test_mark_as_done_twice_counts_once(client, learner, enrolment):
    client.force_login(learner)
    first = lessons_of(enrolment.course)[0]
    client.get(url(enrolment.course, first))

    client.post(done_url(enrolment.course, first))
    client.post(done_url(enrolment.course, first))

    assert Enrolment.objects.get().lessons_completed == 1


# Queries -------------------------------------------------------------------------------------


def test_the_lesson_page_needs_at_most_10_queries(
    client, learner, count_queries, courses_queries_only
):
    client.force_login(learner)
    small = make_course(lessons=3)
    large = make_course(lessons=20, per_module=5)
    for course in (small, large):
        enrolment = enrol(user=learner, course=course)
        study_lesson(enrolment=enrolment, lesson=lessons_of(course)[0])
        client.get(url(course, lessons_of(course)[0]))

    first_visit_small = count_queries(lambda: client.get(url(small, lessons_of(small)[1])))
    first_visit_large = count_queries(lambda: client.get(url(large, lessons_of(large)[1])))
    next_small = count_queries(lambda: client.get(url(small, lessons_of(small)[0])))
    next_large = count_queries(lambda: client.get(url(large, lessons_of(large)[0])))
    reload = count_queries(lambda: client.get(url(large, lessons_of(large)[0])))

    assert first_visit_small == first_visit_large <= 10
    assert next_small == next_large <= 10
    assert reload <= 10


def test_mark_as_done_with_htmx_stays_small(client, learner, count_queries, courses_queries_only):
    client.force_login(learner)
    course = make_course(lessons=12)
    enrolment = enrol(user=learner, course=course)
    client.get(url(course, lessons_of(course)[0]))

    queries = count_queries(
        lambda: client.post(done_url(course, lessons_of(course)[0]), HTTP_HX_REQUEST="true")
    )

    assert queries <= 14
    assert enrolment.progress.filter(completed_at__isnull=False).count() == 1


def test_a_lesson_never_opened_cannot_be_marked_done(client, learner, enrolment):
    course = enrolment.course
    first = lessons_of(course)[0]
    client.force_login(learner)

    response = client.post(done_url(course, first), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Open and read the lesson first" in response.content.decode()
    assert not LessonProgress.objects.exists()
    plain = client.post(done_url(course, first), follow=True)
    assert "Open and read the lesson first" in plain.content.decode()
    assert Enrolment.objects.get().lessons_completed == 0


def test_an_accredited_course_counts_half_the_stated_minutes_first(client, learner, enrolment):
    course = enrolment.course
    course.minimum_study = True
    course.save(update_fields=["minimum_study"])
    first = lessons_of(course)[0]
    first.minutes = 6
    first.save(update_fields=["minutes"])
    client.force_login(learner)
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=UTC), tick=False) as clock:
        page = client.get(url(course, first)).content.decode()
        assert "after at least 3 minutes on it" in page
        clock.shift(timedelta(seconds=70))

        early = client.post(done_url(course, first), HTTP_HX_REQUEST="true").content.decode()

        assert "in about 2 minutes" in early
        assert LessonProgress.objects.get().completed_at is None
        clock.shift(timedelta(seconds=115))
        client.post(done_url(course, first))

    progress = LessonProgress.objects.get()
    assert progress.completed_at is not None
    assert progress.seconds_spent == 185


def test_a_course_without_minimum_study_needs_only_the_opening(client, learner, enrolment):
    course = enrolment.course
    first = lessons_of(course)[0]
    client.force_login(learner)
    client.get(url(course, first))

    client.post(done_url(course, first))

    assert LessonProgress.objects.get().completed_at is not None
