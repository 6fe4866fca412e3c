"""The batch issuance of the sweep and back-fills: the same rules as one at a time."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate, CourseEvaluation
from certificates.services import certificate_issue, certificates_issue_batch
from courses.models import Enrolment
from tests.certificates.factories import AccreditationFactory
from tests.certificates.helpers import one_lesson_course
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def _completed(course, **fields):
    return EnrolmentFactory(
        course=course, completed_at=timezone.now(), version_completed=1, **fields
    )


def test_a_batch_applies_every_rule(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    plain = one_lesson_course()
    accredited = one_lesson_course()
    accreditation = AccreditationFactory(course=accredited)
    ready = _completed(plain)
    before_rules = EnrolmentFactory(
        course=plain, completed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), version_completed=1
    )
    not_completed = EnrolmentFactory(course=plain)
    waits_for_evaluation = _completed(accredited)
    with_points = _completed(accredited, user__vvn_number="1234567")
    CourseEvaluation.objects.create(
        enrolment=with_points,
        relevance=4,
        quality=4,
        minutes_reported=20,
        accreditation=accreditation,
    )
    already = _completed(plain)
    first = certificate_issue(enrolment_id=already.pk)

    ids = [
        e.pk
        for e in (ready, before_rules, not_completed, waits_for_evaluation, with_points, already)
    ]
    assert certificates_issue_batch(enrolment_ids=ids) == 2

    issued = {c.enrolment_id: c for c in Certificate.objects.all()}
    assert set(issued) == {ready.pk, with_points.pk, already.pk}
    assert issued[already.pk].code == first.code
    assert issued[with_points.pk].points == accreditation.points
    assert issued[with_points.pk].registration_number == "1234567"
    assert issued[ready.pk].points is None
    assert bytes(issued[ready.pk].pdf).startswith(b"%PDF")
    assert Enrolment.objects.get(pk=ready.pk).certificate_issued_at is not None
    assert certificates_issue_batch(enrolment_ids=ids) == 0


def test_a_batch_reads_once_whatever_its_size():
    course = one_lesson_course()
    small = [_completed(course).pk for _ in range(2)]
    large = [_completed(course).pk for _ in range(12)]
    with CaptureQueriesContext(connection) as few:
        certificates_issue_batch(enrolment_ids=small)
    with CaptureQueriesContext(connection) as many:
        certificates_issue_batch(enrolment_ids=large)
    assert len(many) == len(few)
    assert Certificate.objects.count() == 14
