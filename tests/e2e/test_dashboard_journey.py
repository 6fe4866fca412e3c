"""An analyst with two-factor authentication opens the dashboard, filters it (htmx; the URL
keeps the filter), sees the chart and its table, and downloads the XLSX; every state passes
axe-core (WCAG 2.1 AA). Uses the shared fixtures of tests/e2e/conftest.py."""

import re

import pytest
from openpyxl import load_workbook

from accounts.models import AuditEvent
from tests.factories import GroupFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp
from tests.reporting.dashboard_data import add_learners, make_course

pytestmark = pytest.mark.e2e


@pytest.fixture
def police(db):
    organisation = OrganisationFactory(
        name="Politieacademie", slug="politieacademie", kind="police"
    )
    unit = OrganisationFactory(name="Eenheid Noord", slug="eenheid-noord", parent=organisation)
    working = make_course("Working with sex workers", "working")
    signals = make_course("Signals of exploitation", "signals")
    group = GroupFactory(organisation=organisation, name="Klas 2025-A")
    add_learners(organisation, working, count=8, completed=6, group=group)
    add_learners(organisation, signals, count=6, completed=5)
    add_learners(unit, working, count=5, completed=5)
    return organisation


@pytest.fixture
def analyst(police):
    user = MemberFactory(
        organisation=police,
        role="analyst",
        user__name="Anna Analyst",
        user__preferred_language="en",
    ).user
    give_totp(user, recovery_codes=False)
    return user


def test_an_analyst_filters_the_dashboard_and_downloads_the_xlsx(
    page, log_in, axe_check, police, analyst, tmp_path
):
    log_in(analyst)

    page.goto("/start/")
    page.get_by_role("heading", level=1, name="Dashboard of Politieacademie").wait_for()
    page.get_by_role("table", name="Per course").wait_for()
    page.locator("canvas[data-chart-source]").wait_for(
        state="visible"
    )  # the chart drew (script allowed)
    page.get_by_role("table", name="Completions per week").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Eenheid Noord").click()
    page.wait_for_url(re.compile(r"organisation=eenheid-noord"))
    page.get_by_role("status").filter(has_text="Eenheid Noord").wait_for()
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/dashboard/politieacademie/$"))
    assert page.get_by_label("Sub-organisation", exact=True).input_value() == ""

    page.get_by_label("Course", exact=True).select_option(label="Signals of exploitation")
    page.get_by_role("status").filter(has_text="Signals of exploitation").wait_for()
    page.wait_for_url(re.compile(r"course=signals"))
    rows = page.get_by_role("table", name="Per course").get_by_role("row")
    assert rows.count() == 2  # the header and the one course
    page.locator("canvas[data-chart-source]").wait_for(state="visible")  # redrawn after the swap
    axe_check(page)

    page.get_by_label("Period", exact=True).select_option(label="Choose dates")
    page.get_by_role("alert").filter(has_text="Some filters could not be used").wait_for()
    page.get_by_text("Give the first day of the period.").wait_for()
    axe_check(page)
    page.get_by_label("Period", exact=True).select_option(label="This year")
    page.wait_for_url(re.compile(r"period=year"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all tables (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("politieacademie-dashboard-")
    path = tmp_path / "dashboard.xlsx"
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames[:2] == ["Key figures", "Per course"]
    courses = [row for row in workbook["Per course"].iter_rows(values_only=True)]
    assert [row[0] for row in courses[1:]] == ["Signals of exploitation"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.organisation == police and event.data["format"] == "xlsx"
    assert event.data["filters"]["course"] == "signals"


def test_the_chart_draws_and_redraws_under_the_content_security_policy(
    browser, live_server, police, analyst
):
    """The shared ``page`` bypasses the CSP (for axe); this one keeps it, as users have it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    context = browser.new_context(base_url=live_server.url)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto("/dashboard/politieacademie/")
        chart = page.locator("canvas[data-chart-source]")
        chart.wait_for(state="visible")
        page.get_by_label("Course", exact=True).select_option(label="Signals of exploitation")
        page.wait_for_url(re.compile(r"course=signals"))
        page.get_by_role("link", name="Clear filters").click()
        page.wait_for_url(re.compile(r"/dashboard/politieacademie/$"))
        chart.wait_for(state="visible")
        assert chart.bounding_box()["height"] > 100
        assert not [text for text in console if "Content Security Policy" in text], console
    finally:
        context.close()
