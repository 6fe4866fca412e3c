"""My learning: a completed course whose certificate was issued links to "My certificates"."""

from datetime import UTC, datetime

from django.urls import reverse

from courses.services import enrol, enrolment_certificate_issued
from tests.courses.factories import make_course, study_lesson

URL = reverse("courses:my_learning")
ISSUED = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def completed(user, **course_fields):
    enrolment = enrol(user=user, course=make_course(lessons=1, **course_fields))
    study_lesson(enrolment=enrolment, lesson=enrolment.course.lessons.get())
    return enrolment


def certified(user, **course_fields):
    enrolment = completed(user, **course_fields)
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=ISSUED)
    return enrolment


def completed_rows(html: str) -> str:
    return html.split('id="completed-heading"', 1)[1]


def test_a_certified_completion_links_to_my_certificates(client, learner):
    certified(learner, title_nl="Met certificaat")
    completed(learner, title_nl="Zonder certificaat")
    client.force_login(learner)

    html = completed_rows(client.get(URL).content.decode())

    link = f'href="{reverse("certificates:mine")}"'
    assert html.count(link) == 1
    assert "View certificate" in html
    assert '<span class="visually-hidden">: Met certificaat</span>' in html
    assert html.count("Not issued") == 1


def test_a_course_in_progress_has_no_certificate_link(client, learner):
    enrolment = enrol(user=learner, course=make_course(lessons=2))
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=ISSUED)  # as of old
    client.force_login(learner)

    html = client.get(URL).content.decode()

    assert "View certificate" not in html


def test_someone_elses_certificate_is_not_linked(client, learner, outsider):
    certified(outsider)
    client.force_login(learner)

    assert "View certificate" not in client.get(URL).content.decode()


def test_the_links_add_no_query_per_course(client, learner, count_queries, courses_queries_only):
    certified(learner)
    client.force_login(learner)
    client.get(URL)
    small = count_queries(lambda: client.get(URL))
    for _ in range(6):
        certified(learner)

    large = count_queries(lambda: client.get(URL))

    assert client.get(URL).content.decode().count("View certificate") == 7
    assert small == large
