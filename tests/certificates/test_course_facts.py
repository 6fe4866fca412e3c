"""What the catalogue, course page and My learning say about accreditation: only the truth."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from certificates.accreditation import shown_accreditations
from certificates.models import Accreditation
from tests.certificates.factories import AccreditationFactory, AppliedAccreditationFactory, body
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _catalogue(client):
    return client.get(reverse("courses:catalogue")).content.decode()


def test_a_granted_accreditation_shows_points_body_and_number(client):
    course = CourseFactory()
    AccreditationFactory(course=course, number="VVN-481516", points="1.50")
    html = _catalogue(client)
    assert (
        "Accredited: 1,5 points (V&amp;VN)" in html or "Accredited: 1.5 points (V&amp;VN)" in html
    )
    assert "no. VVN-481516" in html
    page = client.get(reverse("courses:course", args=[course.slug])).content.decode()
    assert "VVN-481516" in page


def test_an_application_shows_as_applied_for_without_points(client):
    AppliedAccreditationFactory(course=CourseFactory())
    html = _catalogue(client)
    assert "Accreditation applied for (V&amp;VN)" in html
    assert "Accredited:" not in html
    assert "points" not in html


@pytest.mark.parametrize("status", [Accreditation.Status.EXPIRED, Accreditation.Status.WITHDRAWN])
def test_expired_and_withdrawn_accreditations_show_nothing(client, status):
    AccreditationFactory(course=CourseFactory(), status=status, number="GONE-1")
    html = _catalogue(client)
    assert "GONE-1" not in html
    assert "Accredited" not in html and "applied for" not in html


def test_a_granted_accreditation_outside_its_period_shows_nothing(client):
    AccreditationFactory(
        course=CourseFactory(),
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2025, 12, 31),
        number="OLD-1",
    )
    AccreditationFactory(
        course=CourseFactory(), body=body("aban"), valid_from=dt.date(2027, 1, 1), number="NEW-1"
    )
    html = _catalogue(client)
    assert "OLD-1" not in html and "NEW-1" not in html and "Accredited" not in html


def test_several_accreditations_per_course_granted_first():
    course = CourseFactory()
    AppliedAccreditationFactory(course=course, body=body("aban"))
    AccreditationFactory(course=course, body=body("vvn"))
    shown = shown_accreditations([course.pk])[course.pk]
    assert [(item.status, item.body) for item in shown] == [
        ("granted", "V&VN"),
        ("applied", "ABAN"),
    ]


def test_the_catalogue_query_count_does_not_grow_with_accredited_courses(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AccreditationFactory(course=CourseFactory())
    _catalogue(client)
    with CaptureQueriesContext(connection) as few:
        _catalogue(client)
    for _ in range(4):
        AccreditationFactory(course=CourseFactory())
        AppliedAccreditationFactory(course=CourseFactory())
    with CaptureQueriesContext(connection) as many:
        _catalogue(client)
    assert len(many) == len(few)
