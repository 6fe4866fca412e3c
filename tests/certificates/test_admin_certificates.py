"""The certificates in the admin: read-only, found by code, revoked with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from certificates.models import Certificate
from tests.certificates.factories import (
    CertificateFactory,
    body,
)
from tests.factories import UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def accreditation_data(course, **overrides):
    data = {
        "course": course.pk,
        "body": body("vvn").pk,
        "status": "granted",
        "number": "VVN-123456",
        "points": "2",
        "unit": "points",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "first_version": "1",
        "last_version": "",
        "applied_on": "",
    }
    return data | overrides


# --- certificates ---------------------------------------------------------------------------


def test_the_certificate_list_shows_no_pdf_and_costs_the_same_for_more_rows(admin_client):
    first = CertificateFactory()
    url = reverse("admin:certificates_certificate_changelist")

    def page():
        with CaptureQueriesContext(connection) as context:
            response = admin_client.get(url)
        assert response.status_code == 200
        return response, context.captured_queries

    page()  # the first request of a session also records the session
    response, few = page()
    assert first.code in response.content.decode()
    for _ in range(6):
        CertificateFactory()
    response, more = page()
    assert len(more) == len(few)
    assert not any('"pdf"' in query["sql"] for query in more)
    assert "%PDF" not in response.content.decode()


def test_certificates_are_found_by_code(admin_client):
    wanted, other = CertificateFactory(), CertificateFactory()

    html = admin_client.get(
        reverse("admin:certificates_certificate_changelist"), {"q": wanted.code}
    ).content.decode()

    assert wanted.code in html and other.code not in html


def test_certificates_are_not_added_changed_or_deleted_in_the_admin(admin_client):
    certificate = CertificateFactory()

    add = admin_client.get(reverse("admin:certificates_certificate_add"))
    change = admin_client.post(
        reverse("admin:certificates_certificate_change", args=[certificate.pk]),
        {"holder_name": "Someone Else"},
    )
    delete = admin_client.post(
        reverse("admin:certificates_certificate_delete", args=[certificate.pk]), {"post": "yes"}
    )
    page = admin_client.get(
        reverse("admin:certificates_certificate_change", args=[certificate.pk])
    ).content.decode()

    assert add.status_code == 403 and change.status_code == 403 and delete.status_code == 403
    certificate.refresh_from_db()
    assert certificate.holder_name != "Someone Else"
    assert 'name="pdf"' not in page and "%PDF" not in page
    assert reverse("admin:certificates_certificate_revoke", args=[certificate.pk]) in page


def revoke_action(client, certificates, **extra):
    return client.post(
        reverse("admin:certificates_certificate_changelist"),
        {"action": "revoke_certificates", "_selected_action": [c.pk for c in certificates]} | extra,
    )


def test_revoking_from_the_list_asks_for_a_reason_first(admin_client):
    certificates = [CertificateFactory(), CertificateFactory()]

    response = revoke_action(admin_client, certificates)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/certificates/certificate/revoke.html"
    html = response.content.decode()
    assert all(c.code in html for c in certificates)
    assert 'name="reason"' in html and "Reason for the revocation" in html
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()


def test_revoking_from_the_list_with_a_reason_revokes_each_and_audits(
    admin_client, accreditation_admin
):
    certificates = [CertificateFactory(), CertificateFactory()]
    untouched = CertificateFactory()

    response = revoke_action(
        admin_client, certificates, apply="yes", reason="  Completed by someone else.  "
    )

    assert response.status_code == 302
    for certificate in certificates:
        certificate.refresh_from_db()
        assert certificate.revoked_at is not None
        assert certificate.revoked_reason == "Completed by someone else."
        assert certificate.revoked_by == accreditation_admin
    untouched.refresh_from_db()
    assert untouched.revoked_at is None
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE_REVOKED)
    assert {e.data["code"] for e in events} == {c.code for c in certificates}
    assert all(e.actor == accreditation_admin for e in events)


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoking_without_a_reason_is_refused(admin_client, reason):
    certificate = CertificateFactory()

    response = revoke_action(admin_client, [certificate], apply="yes", reason=reason)

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Give the reason for the revocation; it is shown on the verification page."
    ]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE_REVOKED).exists()


def test_a_revoked_certificate_keeps_its_first_revocation(admin_client):
    certificate = CertificateFactory()
    revoke_action(admin_client, [certificate], apply="yes", reason="First reason")

    revoke_action(admin_client, [certificate], apply="yes", reason="Second reason")

    certificate.refresh_from_db()
    assert certificate.revoked_reason == "First reason"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE_REVOKED).count() == 1


def test_a_certificate_is_revoked_from_its_own_page(admin_client):
    certificate = CertificateFactory()
    url = reverse("admin:certificates_certificate_revoke", args=[certificate.pk])

    form = admin_client.get(url)
    refused = admin_client.post(url, {"reason": ""})
    done = admin_client.post(url, {"reason": "Issued by mistake."})

    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert done.status_code == 302
    assert done["Location"] == reverse(
        "admin:certificates_certificate_change", args=[certificate.pk]
    )
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Issued by mistake."
    page = admin_client.get(done["Location"]).content.decode()
    assert "Issued by mistake." in page


def test_people_without_the_permission_cannot_revoke(client):
    certificate = CertificateFactory()
    clerk = UserFactory(is_staff=True)
    give_totp(clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("admin:certificates_certificate_revoke", args=[certificate.pk]),
        {"reason": "No."},
    )

    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
