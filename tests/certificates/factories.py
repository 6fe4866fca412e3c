"""Factories of the certificates tests."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from certificates.codes import new_code
from certificates.models import Accreditation, AccreditationBody, Certificate
from tests.factories import CourseFactory, EnrolmentFactory


def body(slug: str = "vvn") -> AccreditationBody:
    """One of the bodies the migration creates (vvn, aban, skj, registerplein)."""
    return AccreditationBody.objects.get(slug=slug)


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A granted accreditation of V&VN, valid through 2026 and 2027 (override as needed)."""

    class Meta:
        model = Accreditation

    course = factory.SubFactory(CourseFactory)
    body = factory.LazyFunction(lambda: body("vvn"))
    status = Accreditation.Status.GRANTED
    number = factory.Sequence(lambda n: f"VVN-{400000 + n}")
    points = Decimal("2.00")
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2027, 12, 31)


class AppliedAccreditationFactory(AccreditationFactory):
    status = Accreditation.Status.APPLIED
    number = ""
    points = None
    valid_from = None
    valid_until = None


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate row with a tiny placeholder PDF (tests of the PDF itself render one)."""

    class Meta:
        model = Certificate

    enrolment = factory.SubFactory(
        EnrolmentFactory,
        completed_at=factory.LazyFunction(timezone.now),
        version_completed=1,
    )
    course = factory.LazyAttribute(lambda o: o.enrolment.course)
    organisation = factory.LazyAttribute(lambda o: o.enrolment.organisation)
    course_version = 1
    code = factory.LazyFunction(new_code)
    holder_name = factory.LazyAttribute(lambda o: o.enrolment.user.name)
    course_title_nl = factory.LazyAttribute(lambda o: o.enrolment.course.title_nl)
    course_title_en = factory.LazyAttribute(lambda o: o.enrolment.course.title_en)
    completed_at = factory.LazyAttribute(lambda o: o.enrolment.completed_at)
    issued_at = factory.LazyFunction(timezone.now)
    study_load_minutes = 30
    pdf = b"%PDF-1.4 test"
