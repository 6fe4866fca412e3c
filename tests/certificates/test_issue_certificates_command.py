"""``manage.py issue_certificates --course SLUG``: back-fill under the rules, list the rest."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from certificates.models import Certificate
from tests.certificates.factories import AccreditationFactory
from tests.certificates.helpers import one_lesson_course
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC))
def test_it_certifies_completions_under_the_rules_and_lists_earlier_ones(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    course = one_lesson_course()
    after = [
        EnrolmentFactory(
            course=course, completed_at=dt.datetime(2026, 12, d, tzinfo=dt.UTC), version_completed=1
        )
        for d in (2, 3, 4)
    ]
    before = EnrolmentFactory(
        course=course, completed_at=dt.datetime(2026, 11, 15, tzinfo=dt.UTC), version_completed=1
    )
    EnrolmentFactory(course=course)  # not completed
    other = EnrolmentFactory(
        completed_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC), version_completed=1
    )

    out = io.StringIO()
    call_command("issue_certificates", course=course.slug, stdout=out)

    assert set(Certificate.objects.values_list("enrolment_id", flat=True)) == {e.pk for e in after}
    assert f"enrolment {before.pk}" in out.getvalue()
    assert "3 certificates issued" in out.getvalue()
    assert not Certificate.objects.filter(enrolment=other).exists()

    again = io.StringIO()
    call_command("issue_certificates", course=course.slug, stdout=again)
    assert "0 certificates issued" in again.getvalue()
    assert Certificate.objects.count() == 3


@time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC))
def test_it_counts_completions_waiting_for_an_evaluation():
    course = one_lesson_course()
    AccreditationFactory(course=course)
    EnrolmentFactory(
        course=course, completed_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC), version_completed=1
    )
    out = io.StringIO()
    call_command("issue_certificates", course=course.slug, stdout=out)
    assert "0 certificates issued; 1 completions wait" in out.getvalue()


def test_an_unknown_course_is_an_error():
    with pytest.raises(CommandError, match="No course with slug 'nope'"):
        call_command("issue_certificates", course="nope")
