"""Renew: the holder of an expiring or expired certificate enrols again on the current version;
completing it issues a new certificate while the current one stays valid until it expires."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from certificates.models import Certificate
from certificates.queries import State, state_of
from courses.models import Course, Enrolment
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import complete, one_lesson_course

pytestmark = pytest.mark.django_db

ISSUED = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)
EXPIRES = dt.date(2027, 12, 10)  # twelve months after the completion
SOON = dt.datetime(2027, 11, 25, 10, 0, tzinfo=dt.UTC)  # 15 days before


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)


def url(course) -> str:
    return reverse("certificates:renew", args=[course.slug])


def post_at(client, user, moment, course):
    """POST "Renew" as ``user`` at ``moment`` (logged in then: sessions expire)."""
    with time_machine.travel(moment, tick=False):
        if user is not None:
            client.force_login(user)
        return client.post(url(course))


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def in_any_language(day: dt.date) -> list[str]:
    texts = []
    for language in ("nl", "en"):
        with translation.override(language):
            texts.append(date_format(day, "j F Y"))
    return texts


@pytest.fixture
def certified(learner, django_capture_on_commit_callbacks):
    """The learner completed a course with a 12-month validity; its certificate was issued."""
    course = one_lesson_course(certificate_validity_months=12)
    with time_machine.travel(ISSUED, tick=False):
        enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.expires_on == EXPIRES
    return certificate


def test_the_holder_renews_and_is_told_until_when_the_certificate_stays_valid(
    client, learner, certified
):
    course = certified.enrolment.course
    Course.objects.filter(pk=course.pk).update(version=2)

    response = post_at(client, learner, SOON, course)

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:course", args=[course.slug])
    (text,) = message_texts(response)
    assert "You are enrolled again on the current version." in text
    assert "Your current certificate stays valid until" in text
    assert any(day in text for day in in_any_language(EXPIRES))
    enrolment = Enrolment.objects.get(pk=certified.enrolment_id)
    assert enrolment.completed_at is None
    assert enrolment.version_started == 2
    assert enrolment.certificate_issued_at is None
    assert enrolment.restarted_at == SOON
    certified.refresh_from_db()  # the old certificate stays, and verifies as valid
    assert certified.revoked_at is None
    assert state_of(certified, SOON.date()) == State.VALID


def test_completing_the_renewed_course_issues_a_new_certificate(
    client, learner, certified, django_capture_on_commit_callbacks
):
    course = certified.enrolment.course
    post_at(client, learner, SOON, course)

    later = SOON + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)

    certificates = list(Certificate.objects.filter(enrolment=enrolment).order_by("completed_at"))
    assert [c.pk for c in certificates][0] == certified.pk
    assert len(certificates) == 2
    new = certificates[1]
    assert new.code != certified.code
    assert new.completed_at == later
    assert new.expires_on == dt.date(2028, 11, 28)
    assert enrolment.certificate_issued_at == new.issued_at


def test_an_expired_certificate_can_be_renewed_too(client, learner, certified):
    after = dt.datetime(2028, 1, 5, 10, 0, tzinfo=dt.UTC)

    response = post_at(client, learner, after, certified.enrolment.course)

    assert response.status_code == 302
    (text,) = message_texts(response)
    assert "Your previous certificate expired on" in text
    assert any(day in text for day in in_any_language(EXPIRES))
    assert Enrolment.objects.get(pk=certified.enrolment_id).completed_at is None


def test_a_certificate_that_is_not_expiring_yet_cannot_be_renewed(client, learner, certified):
    early = dt.datetime(2027, 10, 1, 10, 0, tzinfo=dt.UTC)  # 70 days before

    response = post_at(client, learner, early, certified.enrolment.course)

    assert response.status_code == 404
    assert Enrolment.objects.get(pk=certified.enrolment_id).completed_at is not None


def test_a_certificate_without_expiry_cannot_be_renewed(client, learner):
    certificate = CertificateFactory(enrolment__user=learner, expires_on=None)
    client.force_login(learner)

    assert client.post(url(certificate.enrolment.course)).status_code == 404
    assert Enrolment.objects.get(pk=certificate.enrolment_id).restarted_at is None


def test_a_revoked_certificate_cannot_be_renewed(client, learner):
    certificate = CertificateFactory(
        enrolment__user=learner,
        expires_on=timezone.localdate() + dt.timedelta(days=5),
        revoked_at=timezone.now(),
        revoked_reason="Fraud",
    )
    client.force_login(learner)

    assert client.post(url(certificate.enrolment.course)).status_code == 404
    assert Enrolment.objects.get(pk=certificate.enrolment_id).restarted_at is None


def test_only_the_current_completions_certificate_counts(client, learner):
    """An older certificate of the same enrolment (an earlier completion) does not open
    renewal: the holder renews the certificate of the completion they hold now."""
    certificate = CertificateFactory(
        enrolment__user=learner, expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        completed_at=certificate.completed_at - dt.timedelta(days=400)
    )
    client.force_login(learner)

    assert client.post(url(certificate.enrolment.course)).status_code == 404


def test_someone_else_gets_404(client, outsider, certified):
    response = post_at(client, outsider, SOON, certified.enrolment.course)

    assert response.status_code == 404
    assert Enrolment.objects.get(pk=certified.enrolment_id).completed_at is not None


def test_an_unknown_course_gets_404(client, learner):
    client.force_login(learner)
    assert client.post(reverse("certificates:renew", args=["no-such-course"])).status_code == 404


def test_get_is_not_allowed(client, learner, certified):
    with time_machine.travel(SOON, tick=False):
        client.force_login(learner)
        assert client.get(url(certified.enrolment.course)).status_code == 405
    assert Enrolment.objects.get(pk=certified.enrolment_id).completed_at is not None


def test_anonymous_visitors_are_sent_to_the_login(client, certified):
    response = post_at(client, None, SOON, certified.enrolment.course)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Enrolment.objects.get(pk=certified.enrolment_id).completed_at is not None


def test_a_second_submit_gets_404_and_renews_once(client, learner, certified):
    course = certified.enrolment.course
    assert post_at(client, learner, SOON, course).status_code == 302
    assert post_at(client, learner, SOON + dt.timedelta(seconds=2), course).status_code == 404
    assert Enrolment.objects.get(pk=certified.enrolment_id).restarted_at == SOON
