"""Certificates in "download my data" and in account deletion."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.services import account_delete, personal_data_export
from certificates.models import Certificate, CourseEvaluation
from certificates.services import certificate_issue
from tests.certificates.factories import AccreditationFactory
from tests.certificates.helpers import complete, one_lesson_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def accredited_certificate(learner, django_capture_on_commit_callbacks):
    learner.name = "Zofia Wójcik-Łęcka"
    learner.vvn_number = "12345678"
    learner.save(update_fields=["name", "vvn_number"])
    course = one_lesson_course()
    accreditation = AccreditationFactory(course=course)
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    CourseEvaluation.objects.create(
        enrolment=enrolment,
        relevance=5,
        quality=4,
        minutes_reported=35,
        accreditation=accreditation,
    )
    return certificate_issue(enrolment_id=enrolment.pk)


def test_the_export_holds_certificates_and_evaluations(learner, accredited_certificate):
    data = personal_data_export(user=learner)
    [certificate] = data["certificates"]
    assert certificate["code"] == accredited_certificate.code
    assert certificate["holder_name"] == "Zofia Wójcik-Łęcka"
    assert certificate["registration_number"] == "12345678"
    assert certificate["points"] == "2.00"
    [evaluation] = data["course_evaluations"]
    assert (evaluation["relevance"], evaluation["quality"], evaluation["accreditation"]) == (
        5,
        4,
        "V&VN",
    )


def test_deletion_keeps_the_certificate_verifiable_without_name(
    client, learner, accredited_certificate
):
    account_delete(user=learner)

    certificate = Certificate.objects.get(pk=accredited_certificate.pk)
    assert certificate.holder_erased and certificate.holder_name == ""
    assert certificate.registration_number == ""
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(bytes(certificate.pdf))).pages
    )
    assert "Wójcik" not in text and "12345678" not in text

    html = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "a deleted account" in html
    assert "Wójcik" not in html
    assert CourseEvaluation.objects.filter(enrolment__user=learner).count() == 1
