"""The national overview (coordinators and staff), the form that starts a progress report, its
status page, print view and downloads, and the targets in the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from organisations.models import Theme
from reporting.models import ProgressReport, Target
from tests.mfa import give_totp
from tests.reporting.national_data import Tables, add_partner

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("national:overview")
START = reverse("national:report_start")


@pytest.fixture
def police_partner(db):
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


@pytest.fixture
def coordinator_client(client, coordinator):
    give_totp(coordinator, recovery_codes=False)
    client.force_login(coordinator)
    return client


def this_year() -> str:
    return str(timezone.localdate().year)


def test_it_shows_partners_per_theme_with_their_figures(coordinator_client, police_partner):
    response = coordinator_client.get(OVERVIEW)

    assert response.status_code == 200
    html = response.content.decode()
    for theme in Theme:
        assert f">{theme.label}</h2>" in html
    table = Tables(html).tables[f"theme-{Theme.POLICE.value}-partners"]
    assert table[0][:3] == ["Partner", "Course", "Reached"]
    # reached 14 + 6 in class; completed 9 online + 6 in class = 15 of the target 30 (50 %)
    assert table[1] == [
        "Politie Eenheid Noord",
        "Recognising exploitation",
        "20",
        "9",
        "6",
        "15",
        "30",
        "50 %",
    ]
    assert 'id="national-chart-data"' in html
    assert "<script>" not in html.replace('<script id="national-chart-data"', "")


def test_staff_see_it_too(client, staff_user, police_partner):
    give_totp(staff_user, recovery_codes=False)
    client.force_login(staff_user)
    assert client.get(OVERVIEW).status_code == 200


@pytest.mark.parametrize("persona", ["analyst", "org_admin", "learner", "trainer"])
def test_people_of_an_organisation_get_404(client, request, persona, police_partner):
    user = request.getfixturevalue(persona)
    give_totp(user, recovery_codes=False)
    client.force_login(user)
    assert client.get(OVERVIEW).status_code == 404
    assert client.post(START, {"report-period": this_year()}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_period_not_on_offer_is_refused_with_a_message(coordinator_client, police_partner):
    response = coordinator_client.get(OVERVIEW, {"period": "1999"})

    assert response.status_code == 400
    assert "Choose one of the periods in the list." in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_partners(coordinator_client, police_partner):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(OVERVIEW).status_code == 200
        return len(queries)

    count()  # warm up: per-process caches
    few = count()
    for index in range(3):
        add_partner(
            name=f"Bank {index}",
            kind="bank",
            theme=Theme.BUSINESS_SERVICES,
            course_title=f"Banking course {index}",
            enrolled=6,
            completed=5,
            target=10,
        )
    ProgressReport.objects.create(period_start="2024-01-01", period_end="2024-12-31")
    assert count() == few


def test_starting_a_report_makes_it_and_shows_the_links(
    coordinator_client, coordinator, police_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(START, {"report-period": this_year()})

    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("national:report", args=[report.pk])
    assert report.requested_by == coordinator
    assert (report.status, report.progress) == (ProgressReport.Status.DONE, 100)
    assert report.period_start.isoformat() == f"{this_year()}-01-01"
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Open the print view" in page
    assert reverse("national:report_xlsx", args=[report.pk]) in page
    assert 'hx-trigger="every 2s"' not in page


def test_starting_a_report_for_a_bad_period_saves_nothing(coordinator_client):
    response = coordinator_client.post(START, {"report-period": "2000-Q9"})

    assert response.status_code == 400
    assert "Choose one of the periods in the list." in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_status_page_polls_while_the_report_is_being_made(coordinator_client):
    report = ProgressReport.objects.create(
        period_start="2024-01-01", period_end="2024-12-31", status="running", progress=40
    )
    url = reverse("national:report", args=[report.pk])

    response = coordinator_client.get(url, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert '<progress id="report-progress" class="academy-progress" max="100" value="40">' in html
    assert "40 % done" in html
    assert "<h1" not in html  # the partial only
    assert (
        coordinator_client.get(reverse("national:report_print", args=[report.pk])).status_code
        == 404
    )
    assert (
        coordinator_client.get(reverse("national:report_pdf", args=[report.pk])).status_code == 404
    )


def test_reports_are_hidden_from_analysts(client, analyst, coordinator_client, police_partner):
    report = ProgressReport.objects.create(period_start="2024-01-01", period_end="2024-12-31")
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    for name in (
        "national:report",
        "national:report_print",
        "national:report_xlsx",
        "national:report_pdf",
    ):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404


def test_downloads_are_audited(
    coordinator_client, coordinator, police_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(START, {"report-period": this_year()})
    report = ProgressReport.objects.get()

    xlsx = coordinator_client.get(reverse("national:report_xlsx", args=[report.pk]))
    pdf = coordinator_client.get(reverse("national:report_pdf", args=[report.pk]))

    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=coordinator)
    assert sorted(event.data["format"] for event in events) == ["pdf", "xlsx"]
    assert all(event.data["progress_report"] == report.pk for event in events)


def test_a_coordinator_with_admin_access_sets_a_target(client, coordinator, police_partner):
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    give_totp(coordinator, recovery_codes=False)
    client.force_login(coordinator)
    url = reverse("admin:reporting_target_add")
    year = timezone.localdate().year
    data = {
        "organisation": police_partner.organisation.pk,
        "course": "",
        "year": year,
        "completions": 100,
        "label": "Police staff trained",
    }

    assert client.post(url, data).status_code == 302
    duplicate = client.post(url, data)

    assert duplicate.status_code == 200
    assert Target.objects.filter(organisation=police_partner.organisation, course=None).count() == 1


def test_a_target_over_all_courses_gets_its_own_row(coordinator_client, police_partner):
    Target.objects.create(
        organisation=police_partner.organisation,
        course=None,
        year=timezone.localdate().year,
        completions=60,
        label="Police staff trained",
    )

    html = coordinator_client.get(OVERVIEW).content.decode()

    rows = Tables(html).tables[f"theme-{Theme.POLICE.value}-partners"][1:]
    assert [row[1] for row in rows] == ["Recognising exploitation", "All courses"]
    assert rows[1][2:] == ["20", "9", "6", "15", "60", "25 %"]
