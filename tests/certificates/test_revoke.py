"""Revocation: with a reason, audited, shown on the verification page."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from certificates.services import RevocationRefused, certificate_revoke
from courses.models import Enrolment
from tests.certificates.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_revoking_records_who_why_and_audits(client, staff_user):
    certificate = CertificateFactory()
    Enrolment.objects.filter(pk=certificate.enrolment_id).update(
        certificate_issued_at=certificate.issued_at
    )

    revoked = certificate_revoke(
        certificate=certificate, actor=staff_user, reason="  Issued by\nmistake "
    )

    assert revoked.revoked_at is not None and revoked.revoked_by == staff_user
    assert revoked.revoked_reason == "Issued by mistake"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CERTIFICATE_REVOKED)
    assert event.actor == staff_user
    assert event.subject_user == certificate.enrolment.user
    assert event.data["code"] == certificate.code
    assert Enrolment.objects.get(pk=certificate.enrolment_id).certificate_issued_at is None
    html = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "has been revoked" in html and "Issued by mistake" in html


def test_a_revocation_needs_a_reason(staff_user):
    certificate = CertificateFactory()
    with pytest.raises(RevocationRefused):
        certificate_revoke(certificate=certificate, actor=staff_user, reason="   ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE_REVOKED).exists()


def test_revoking_twice_keeps_the_first_revocation(staff_user):
    certificate = CertificateFactory()
    first = certificate_revoke(certificate=certificate, actor=staff_user, reason="First")
    second = certificate_revoke(certificate=certificate, actor=staff_user, reason="Second")
    assert second.revoked_reason == "First" and second.revoked_at == first.revoked_at
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE_REVOKED).count() == 1
