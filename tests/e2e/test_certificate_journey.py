"""A learner completes a course, downloads the certificate PDF, follows the verification URL
printed on it (the QR code carries the same URL) and sees "valid"; axe-clean on the course
page's certificate section, My certificates and the verification page."""

import io
import re

import pytest
from pypdf import PdfReader

from certificates.models import Certificate
from tests.certificates.helpers import one_lesson_course
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.e2e


def test_finish_a_course_download_the_pdf_and_verify_it(
    page, axe_check, log_in, live_server, settings
):
    settings.LOCALE_PATHS = []  # find texts by their English msgids
    settings.SITE_URL = live_server.url
    course = one_lesson_course(title_nl="Respect aan de balie", minutes=20)
    organisation = OrganisationFactory(name="Bank Noord", kind="bank")
    learner = MemberFactory(organisation=organisation, user__name="Łucja Öztürk").user
    log_in(learner)

    page.goto(f"{live_server.url}/courses/{course.slug}/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="Start the course").click()
    page.get_by_role("button", name="Mark as done").click()
    page.get_by_text("You have marked this lesson as done.").wait_for()

    page.goto(f"{live_server.url}/courses/{course.slug}/")
    section = page.get_by_role("region", name="Certificate")
    section.get_by_text("Verification code").wait_for()
    axe_check(page)
    certificate = Certificate.objects.get(enrolment__user=learner)
    assert certificate.code in section.inner_text()

    with page.expect_download() as download_info:
        section.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Łucja Öztürk" in text
    assert "Respect aan de balie" in text
    url = re.search(r"https?://\S+/certificates/verify/[A-Z0-9-]+/", text.replace("\n", "")).group(
        0
    )
    assert certificate.code in url

    page.goto(f"{live_server.url}/certificates/")
    page.get_by_role("heading", level=1, name="My certificates").wait_for()
    page.get_by_role("link", name=certificate.code).wait_for()
    axe_check(page)

    page.context.clear_cookies()  # anyone with the code, without an account
    page.goto(url)
    page.get_by_text("This certificate is valid.").wait_for()
    assert "Łucja Öztürk" in page.content()
    axe_check(page)

    page.goto(f"{live_server.url}/certificates/verify/")
    page.get_by_label("Verification code").fill(certificate.code.lower())
    page.get_by_role("button", name="Check").click()
    page.get_by_text("This certificate is valid.").wait_for()
    axe_check(page)
