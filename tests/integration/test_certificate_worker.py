"""Certificates on a real Celery worker (in a thread) with Redis as broker: issued after the
completing transaction commits, once, also when the first try dies half-way.

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import pytest

from certificates import services, tasks
from certificates.models import Certificate
from courses.services import enrol, lesson_complete, lesson_open
from tests.certificates.helpers import one_lesson_course
from tests.factories import UserFactory
from tests.integration.helpers import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _complete(user, course):
    enrolment = enrol(user=user, course=course)
    lesson = course.lessons.get()
    lesson_open(enrolment=enrolment, lesson=lesson)
    lesson_complete(enrolment=enrolment, lesson=lesson)  # commits: the handler queues the task
    return enrolment


def test_completing_a_course_issues_the_certificate_on_the_worker(celery_worker):
    enrolment = _complete(UserFactory(name="Ayşe Kılıç"), one_lesson_course())

    assert wait_for(lambda: Certificate.objects.filter(enrolment=enrolment).exists())
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.holder_name == "Ayşe Kılıç"
    assert bytes(certificate.pdf).startswith(b"%PDF")


def test_a_task_that_dies_half_way_is_retried_and_issues_once(celery_worker, monkeypatch):
    real_render = services.render_certificate_pdf
    calls = []

    def dies_the_first_time(certificate):
        calls.append(certificate.code)
        if len(calls) == 1:
            raise ConnectionError("lost the database half-way")
        return real_render(certificate)

    monkeypatch.setattr(services, "render_certificate_pdf", dies_the_first_time)
    monkeypatch.setattr(tasks, "RETRY_SECONDS", 0.2)
    enrolment = _complete(UserFactory(), one_lesson_course())

    assert wait_for(lambda: Certificate.objects.filter(enrolment=enrolment).exists())
    assert len(calls) == 2
    tasks.issue_certificate.delay(enrolment.pk).get(timeout=30)  # a duplicate delivery
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
