"""The expiry notice: 30 days before, once, in the holder's language."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from certificates.expiry import expiry_notices_send
from tests.certificates.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_the_notice_goes_out_once_30_days_before_expiry(learner):
    certificate = CertificateFactory(enrolment__user=learner, expires_on=dt.date(2027, 3, 31))

    for day in (dt.date(2027, 2, 27), dt.date(2027, 2, 28)):  # 32 and 31 days before
        with time_machine.travel(day):
            assert expiry_notices_send(today=day) == 0
    with time_machine.travel(dt.date(2027, 3, 1)):
        assert expiry_notices_send(today=dt.date(2027, 3, 1)) == 1
    for day in (dt.date(2027, 3, 1), dt.date(2027, 3, 2), dt.date(2027, 3, 30)):
        with time_machine.travel(day):
            assert expiry_notices_send(today=day) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert certificate.code in message.body
    assert "31 maart 2027" in message.body or "31 March 2027" in message.body
    assert f"/courses/{certificate.enrolment.course.slug}/" in message.body


def test_the_notice_is_in_the_holders_language(learner):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    CertificateFactory(enrolment__user=learner, expires_on=dt.date(2027, 3, 31))
    expiry_notices_send(today=dt.date(2027, 3, 10))
    assert "expires soon" in mail.outbox[0].subject


def test_no_notice_for_revoked_erased_or_unlimited_certificates(staff_user):
    CertificateFactory(expires_on=None)
    CertificateFactory(
        expires_on=dt.date(2027, 3, 31),
        revoked_at=timezone.now(),
        revoked_reason="x",
        revoked_by=staff_user,
    )
    CertificateFactory(expires_on=dt.date(2027, 3, 31), holder_erased=True, holder_name="")
    assert expiry_notices_send(today=dt.date(2027, 3, 10)) == 0
    assert mail.outbox == []
