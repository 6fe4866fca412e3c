"""The "Certificate" section of the course page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import CourseEvaluation
from tests.certificates.factories import AccreditationFactory, CertificateFactory
from tests.certificates.helpers import one_lesson_course
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def _page(client, course):
    return client.get(reverse("courses:course", args=[course.slug])).content.decode()


def test_an_issued_certificate_links_to_pdf_and_verification(client, learner):
    certificate = CertificateFactory(enrolment__user=learner)
    client.force_login(learner)
    html = _page(client, certificate.enrolment.course)
    assert certificate.code in html
    assert reverse("certificates:pdf", args=[certificate.code]) in html
    assert reverse("certificates:verify", args=[certificate.code]) in html


def test_an_accredited_completion_asks_for_the_evaluation(client, learner):
    course = one_lesson_course()
    AccreditationFactory(course=course)
    EnrolmentFactory(user=learner, course=course, completed_at=timezone.now(), version_completed=1)
    client.force_login(learner)
    html = _page(client, course)
    assert "Finish your certificate" in html
    assert reverse("certificates:finish", args=[course.slug]) in html


def test_a_missing_registration_number_is_asked_for(client, learner):
    course = one_lesson_course()
    accreditation = AccreditationFactory(course=course)
    enrolment = EnrolmentFactory(
        user=learner, course=course, completed_at=timezone.now(), version_completed=1
    )
    CourseEvaluation.objects.create(
        enrolment=enrolment,
        relevance=3,
        quality=3,
        minutes_reported=30,
        accreditation=accreditation,
    )
    client.force_login(learner)
    assert "Add your registration number" in _page(client, course)


def test_no_section_before_completion(client, learner):
    course = one_lesson_course()
    EnrolmentFactory(user=learner, course=course)
    client.force_login(learner)
    assert 'id="certificate-heading"' not in _page(client, course)


def test_a_certificate_about_to_expire_offers_renewal(client, learner):
    certificate = CertificateFactory(
        enrolment__user=learner, expires_on=timezone.localdate() + timezone.timedelta(days=10)
    )
    client.force_login(learner)
    html = _page(client, certificate.enrolment.course)
    assert reverse("certificates:renew", args=[certificate.enrolment.course.slug]) in html


def test_someone_elses_certificate_is_not_shown(client, learner, outsider):
    certificate = CertificateFactory(enrolment__user=learner)
    client.force_login(outsider)
    assert certificate.code not in _page(client, certificate.enrolment.course)
