"""The progress report task: it makes the XLSX and the PDF from the same figures as the page,
runs once per report, and keeps spreadsheet formulas out."""

import io

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.models import Theme
from reporting.models import ProgressReport
from reporting.national import overview_tables
from reporting.tasks import make_progress_report
from tests.mfa import give_totp
from tests.reporting.national_data import Tables, add_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(db):
    return [
        add_partner(
            name="Politie Eenheid Noord",
            kind="police",
            theme=Theme.POLICE,
            course_title="Recognising exploitation",
            enrolled=14,
            completed=9,
            classroom=6,
            target=30,
        ),
        add_partner(
            name='=HYPERLINK("http://evil.example")',
            kind="bank",
            theme=Theme.BUSINESS_SERVICES,
            course_title="Respect at the counter",
            enrolled=11,
            completed=7,
        ),
    ]


@pytest.fixture
def report(coordinator, partners):
    today = timezone.localdate()
    return ProgressReport.objects.create(
        requested_by=coordinator,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_task_makes_the_xlsx_and_the_pdf(report):
    assert make_progress_report.delay(report.pk).get() == "done"

    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == ("done", 100, "")
    assert report.finished_at is not None
    assert bytes(report.pdf).startswith(b"%PDF")
    workbook = openpyxl.load_workbook(io.BytesIO(bytes(report.xlsx)))
    assert workbook.sheetnames == ["About", "Partners", "Attitude", "Trend"]
    assert {theme["theme"] for theme in report.data["themes"]} == {theme.value for theme in Theme}


def test_running_it_again_changes_nothing(report):
    make_progress_report(report.pk)
    report.refresh_from_db()
    first = (bytes(report.xlsx), bytes(report.pdf), report.finished_at, report.data)

    assert make_progress_report(report.pk) == "done"

    report.refresh_from_db()
    assert (bytes(report.xlsx), bytes(report.pdf), report.finished_at, report.data) == first


def test_a_report_being_made_is_not_taken_twice(report):
    ProgressReport.objects.filter(pk=report.pk).update(status="running", progress=40)

    assert make_progress_report(report.pk) == "running"

    report.refresh_from_db()
    assert (report.progress, report.xlsx) == (40, None)


def test_a_failed_report_is_marked_and_may_be_made_again(report, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("reporting.national.overview_data", broken)
    assert make_progress_report(report.pk) is None
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", "database went away")

    monkeypatch.undo()
    assert make_progress_report(report.pk) == "done"


def test_the_pdf_is_an_annex_with_the_themes_and_figures(report):
    make_progress_report(report.pk)
    report.refresh_from_db()

    text = pdf_text(bytes(report.pdf))

    assert "Annex to the yearly progress letter to Parliament" in text
    assert f"Year {report.period_start.year}" in text
    assert f"Generated on {timezone.localdate():%-d}" in text
    assert "Source: Academy platform" in text
    for theme in Theme:
        assert str(theme.label) in text
    assert "Politie Eenheid Noord Recognising exploitation 20 9 6 15 30 50 %" in text
    reader = pypdf.PdfReader(io.BytesIO(bytes(report.pdf)))
    assert reader.metadata.subject == "Annex to the yearly progress letter to Parliament"
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts


def test_the_xlsx_cells_equal_the_print_view(report, coordinator):
    make_progress_report(report.pk)
    report.refresh_from_db()
    give_totp(coordinator, recovery_codes=False)
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("national:report_print", args=[report.pk])).content.decode()
    tables = Tables(page).tables
    workbook = openpyxl.load_workbook(io.BytesIO(bytes(report.xlsx)))

    def text(value) -> str:
        if isinstance(value, float):
            return f"{round(value * 100)} %"
        return str(value).removeprefix("'")

    sheet_rows = [
        [text(cell) for cell in row]
        for row in workbook["Partners"].iter_rows(min_row=2, values_only=True)
    ]
    page_rows = []
    for theme in overview_tables(report.data):
        for row in tables.get(f"{theme['slug']}-partners", [])[1:]:
            page_rows.append([theme["label"], *row])
    assert page_rows and sheet_rows == page_rows

    trend_rows = [
        [str(cell) for cell in row]
        for row in workbook["Trend"].iter_rows(min_row=2, values_only=True)
    ]
    page_trend = []
    for theme in overview_tables(report.data):
        for row in tables.get(f"{theme['slug']}-trend", [])[1:]:
            page_trend.append([theme["label"], *row])
    assert trend_rows == page_trend


def test_texts_that_look_like_formulas_are_neutralised(report):
    make_progress_report(report.pk)
    report.refresh_from_db()
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(report.xlsx)))["Partners"]

    partners = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert '\'=HYPERLINK("http://evil.example")' in partners
    assert not any(str(name).startswith("=") for name in partners)
