"""My certificates and the PDF download: the holder's own only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.certificates.factories import CertificateFactory
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_my_certificates_lists_the_holders_certificates(client, learner):
    mine = CertificateFactory(enrolment__user=learner, points="2", accreditation_number="N-1")
    CertificateFactory()  # someone else's
    client.force_login(learner)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert mine.code in html
    assert "N-1" in html
    assert html.count("Download PDF") == 1


def test_completions_waiting_for_a_certificate_are_listed(client, learner):
    enrolment = EnrolmentFactory(user=learner, completed_at=timezone.now(), version_completed=1)
    client.force_login(learner)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert enrolment.course.title_nl in html
    assert "certificate not issued yet" in html


def test_my_certificates_needs_a_login(client):
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 302


def test_the_query_count_does_not_grow_with_certificates(
    client, learner, django_assert_num_queries
):
    CertificateFactory(enrolment__user=learner)
    client.force_login(learner)
    client.get(reverse("certificates:mine"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("certificates:mine"))
    for _ in range(5):
        CertificateFactory(enrolment__user=learner)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("certificates:mine"))
    assert len(six) == len(one)


def test_the_holder_downloads_the_pdf(client, learner):
    certificate = CertificateFactory(enrolment__user=learner, pdf=b"%PDF-1.4 mine")
    client.force_login(learner)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 mine"
    assert certificate.code in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_nobody_else_downloads_it(client, learner, outsider, trainer, staff_user):
    certificate = CertificateFactory(enrolment__user=learner)
    url = reverse("certificates:pdf", args=[certificate.code])
    for person in (outsider, trainer, staff_user):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_revoked_certificate_is_not_downloadable(client, learner, staff_user):
    certificate = CertificateFactory(
        enrolment__user=learner,
        revoked_at=timezone.now(),
        revoked_reason="Fraud",
        revoked_by=staff_user,
    )
    client.force_login(learner)
    assert client.get(reverse("certificates:pdf", args=[certificate.code])).status_code == 404


def test_a_malformed_code_is_a_404(client, learner):
    client.force_login(learner)
    assert client.get("/certificates/nonsense/pdf/").status_code == 404
