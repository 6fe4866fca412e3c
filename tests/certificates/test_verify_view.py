"""The public verification page: states, plain 404s, no listing, a rate limit."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from certificates.codes import new_code
from tests.certificates.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _url(code):
    return reverse("certificates:verify", args=[code])


def test_a_valid_certificate_shows_holder_course_date_and_points(client):
    certificate = CertificateFactory(
        holder_name="Şebnem Yılmaz",
        points="1.50",
        accreditation_number="VVN-123",
        accreditation_body="Kwaliteitsregister V&V (V&VN)",
        expires_on=dt.date(2030, 1, 1),
    )
    response = client.get(_url(certificate.code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in html
    assert "Şebnem Yılmaz" in html
    assert certificate.course_title_nl in html
    assert "1,5 points" in html or "1.5 points" in html
    assert "VVN-123" in html
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_an_expired_certificate_says_so(client):
    certificate = CertificateFactory(expires_on=dt.date(2026, 1, 1))
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        html = client.get(_url(certificate.code)).content.decode()
    assert "it has expired" in html
    assert "This certificate is valid." not in html


def test_a_revoked_certificate_shows_the_reason(client, staff_user):
    certificate = CertificateFactory(
        revoked_at=timezone.now(), revoked_reason="Issued by mistake", revoked_by=staff_user
    )
    html = client.get(_url(certificate.code)).content.decode()
    assert "This certificate has been revoked." in html
    assert "Issued by mistake" in html


def test_a_deleted_holder_is_not_named(client):
    certificate = CertificateFactory(holder_name="", holder_erased=True)
    html = client.get(_url(certificate.code)).content.decode()
    assert "a deleted account" in html
    assert "This certificate is valid." in html


def test_an_unknown_or_malformed_code_is_a_plain_404(client):
    CertificateFactory()
    assert client.get(_url(new_code())).status_code == 404
    assert client.get(_url("not-a-code")).status_code == 404
    assert client.get(_url("AAAA-AAAA-AAAA-AAA0")).status_code == 404  # 0 is not a sign


def test_a_code_typed_in_lower_case_leads_to_its_page(client):
    certificate = CertificateFactory()
    response = client.get(_url(certificate.code.lower().replace("-", "")))
    assert response.status_code == 302
    assert response["Location"] == _url(certificate.code)


def test_the_lookup_form_redirects_or_explains(client):
    certificate = CertificateFactory()
    response = client.get(reverse("certificates:verify_lookup"), {"code": certificate.code})
    assert response.status_code == 302 and response["Location"] == _url(certificate.code)

    response = client.get(reverse("certificates:verify_lookup"), {"code": "1234"})
    assert response.status_code == 200
    assert "This is not a verification code" in response.content.decode()


def test_there_is_no_listing(client):
    certificate = CertificateFactory()
    html = client.get(reverse("certificates:verify_lookup")).content.decode()
    assert certificate.code not in html
    assert client.get("/certificates/verify/?page=1").status_code == 200
    assert certificate.code not in client.get("/certificates/verify/?code=").content.decode()


def test_look_ups_are_rate_limited_per_address(client, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 5
    certificate = CertificateFactory()
    statuses = [client.get(_url(new_code())).status_code for _ in range(5)]
    assert statuses == [404] * 5
    response = client.get(_url(certificate.code))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    other = client.get(_url(certificate.code), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_page_takes_two_queries_at_most(client, django_assert_max_num_queries):
    certificate = CertificateFactory()
    with django_assert_max_num_queries(2):
        assert client.get(_url(certificate.code)).status_code == 200
