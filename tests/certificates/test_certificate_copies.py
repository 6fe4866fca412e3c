"""A certificate carries its enrolment's course and organisation (the key figures count an
organisation's certificates without joining its enrolments): one at a time, in a batch, and
for the certificates issued before the copy existed (the migration)."""

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue, certificates_issue_batch
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import one_lesson_course
from tests.factories import EnrolmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_rules(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    with time_machine.travel(dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def _completed(course, organisation):
    return EnrolmentFactory(
        course=course,
        organisation=organisation,
        completed_at=timezone.now(),
        version_completed=1,
    )


def test_one_certificate_copies_the_course_and_the_organisation():
    organisation = OrganisationFactory()
    enrolment = _completed(one_lesson_course(), organisation)
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    certificate.refresh_from_db()
    assert (certificate.course_id, certificate.organisation_id) == (
        enrolment.course_id,
        organisation.pk,
    )


def test_a_batch_copies_them_too():
    course, organisation = one_lesson_course(), OrganisationFactory()
    enrolments = [_completed(course, organisation) for _ in range(3)]
    assert certificates_issue_batch(enrolment_ids=[e.pk for e in enrolments]) == 3
    assert set(Certificate.objects.values_list("course_id", "organisation_id")) == {
        (course.pk, organisation.pk)
    }


def test_a_certificate_without_an_organisation_counts_for_none():
    enrolment = _completed(one_lesson_course(), None)
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    assert certificate.organisation_id is None and certificate.course_id == enrolment.course_id


def test_the_migration_fills_in_the_certificates_issued_before():
    certificate = CertificateFactory(enrolment__organisation=OrganisationFactory())
    Certificate.objects.filter(pk=certificate.pk).update(course=None, organisation=None)
    migration = import_module("certificates.migrations.0003_certificate_course_organisation")
    with connection.cursor() as cursor:
        cursor.execute(migration.COPY_FROM_ENROLMENTS)
    certificate.refresh_from_db()
    assert certificate.course_id == certificate.enrolment.course_id
    assert certificate.organisation_id == certificate.enrolment.organisation_id
    assert certificate.organisation_id is not None
