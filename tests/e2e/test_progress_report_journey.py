"""The coordinator in the browser: the national overview, a progress report made by the task
(Celery runs eagerly in tests) with its status page, the print view (axe clean), and the XLSX and
PDF downloads."""

import io

import openpyxl
import pytest
from pypdf import PdfReader

from organisations.models import Theme
from tests.mfa import give_totp
from tests.reporting.national_data import add_partner

pytestmark = pytest.mark.e2e


@pytest.fixture
def partner(db):
    return add_partner(
        name="Politie Eenheid Noord",
        kind="police",
        theme=Theme.POLICE,
        course_title="Recognising exploitation",
        enrolled=14,
        completed=9,
        classroom=6,
        target=30,
    )


def test_the_coordinator_makes_and_downloads_the_progress_report(
    page, log_in, axe_check, coordinator, partner, settings
):
    settings.LOCALE_PATHS = []  # find texts by their English msgids
    give_totp(coordinator, recovery_codes=False)
    log_in(coordinator)

    page.goto("/dashboard/national/")
    page.get_by_role("heading", level=1, name="National overview").wait_for()
    page.get_by_role("heading", level=2, name="Police").wait_for()
    page.get_by_role("rowheader", name="Politie Eenheid Noord").first.wait_for()
    axe_check(page)

    page.get_by_role("button", name="Make the progress report").click()
    page.get_by_role("heading", level=1, name="Progress report").wait_for()
    page.get_by_role("status").filter(has_text="100 % done").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Open the print view").click()
    page.get_by_text("Annex to the yearly progress letter to Parliament").wait_for()
    page.get_by_role(
        "table", name="Police: people reached and completions per partner and course"
    ).wait_for()
    page.get_by_role("img", name="Line chart of completions per quarter").wait_for()
    page.wait_for_function("() => window.Chart && Chart.getChart('national-chart') !== undefined")
    assert (
        page.evaluate("() => Chart.getChart('national-chart').data.datasets[0].label") == "Police"
    )
    axe_check(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Download the PDF file").is_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the XLSX file").click()
    workbook = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    names = [row[1] for row in workbook["Partners"].iter_rows(min_row=2, values_only=True)]
    assert "Politie Eenheid Noord" in names

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF file").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Politie Eenheid Noord" in text
    assert "Source: Academy platform" in text
