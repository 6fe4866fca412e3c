"""Formula injection ("CSV injection"): no cell of any download starts a formula.

Every export of the platform — the trainer's group and assignment CSV (formatted by PostgreSQL
itself, and in Python elsewhere), the dashboard's CSV tables and workbook, the progress report
workbook, the attendance list and its "missing" part, the results of an invitation upload — is
fed names, e-mail addresses, group, organisation and course names that start like a formula.
Each such cell must come out with the leading apostrophe of ``accounts.spreadsheets.csv_safe``,
the one rule all exports share; the personal-data download is JSON (no cells at all)."""

import ast
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.spreadsheets import FORMULA_PATTERN, FORMULA_STARTS, csv_safe
from courses.services.assignments import assignment_create
from organisations.models import GroupMember, InvitationBatch, Theme
from reporting.models import ProgressReport
from reporting.tasks import make_progress_report
from tests.apps import OUR_APPS
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    GroupFactory,
    LessonFactory,
    MemberFactory,
    OrganisationFactory,
)
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
EMAIL_PAYLOADS = ["=1+1@example.org", "+31@example.org", "-2+3@example.org"]


# --- reading the files --------------------------------------------------------------------


def _text(response) -> str:
    if response.streaming:
        body = b"".join(
            part if isinstance(part, bytes) else part.encode()
            for part in response.streaming_content
        )
    else:
        body = response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:]


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return [cell for row in csv.reader(io.StringIO(_text(response))) for cell in row]


def xlsx_cells(data: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                cells.append(cell.value)
    return cells


def assert_neutralised(cells, payloads):
    """No text cell starts a formula, and every payload is there with its apostrophe."""
    texts = [cell for cell in cells if isinstance(cell, str)]
    dangerous = [cell for cell in texts if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous
    for payload in payloads:
        assert any(payload in cell for cell in texts), payload
        assert all(cell == "'" + payload for cell in texts if cell.endswith(payload)), [
            cell for cell in texts if cell.endswith(payload)
        ]


# --- the one rule -------------------------------------------------------------------------


def test_csv_safe_neutralises_every_formula_start():
    for payload in PAYLOADS + EMAIL_PAYLOADS:
        assert csv_safe(payload) == "'" + payload
    for harmless in ["Anna", "", "06-12345678", "a=b", "'=already", "31", "é=1"]:
        assert csv_safe(harmless) == harmless
    assert csv_safe(None) == ""
    assert csv_safe(-3) == "'-3"  # only numbers the exports keep as numbers stay numbers


def test_the_database_pattern_is_the_same_rule():
    """The trainer export lets PostgreSQL neutralise (``COPY``): its pattern is derived from
    ``FORMULA_STARTS`` and agrees with ``csv_safe`` on every first character, in Python's and
    in the database's regular expressions."""
    samples = [chr(code) + "x" for code in range(1, 128)] + PAYLOADS + ["", "é", "'=1"]
    for sample in samples:
        assert bool(re.match(FORMULA_PATTERN, sample)) == (csv_safe(sample) != sample), sample
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sample in samples:
                cursor.execute("SELECT %s ~ %s", [sample, FORMULA_PATTERN])
                assert cursor.fetchone()[0] == (csv_safe(sample) != sample), repr(sample)


APPS = OUR_APPS
WRITERS = re.compile(r"csv\.writer\(|Workbook\(|TO STDOUT \(FORMAT csv\)")
# a tuple of formula starts, or a regular-expression class of them (outside the one module)
OWN_RULES = re.compile(
    r"""startswith\(\s*\(\s*["'][=+\-@]|\[\^?-?[=+@]{2}|["']=["']\s*,\s*["'][+\-@]["']"""
)


def _sources():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text()


def test_every_export_uses_the_one_rule():
    """Each module that writes CSV or a workbook imports ``csv_safe`` (and the SQL pattern,
    where the database writes the file) from ``accounts.spreadsheets``; no module has a rule of
    its own. The personal-data file of organisations re-writes an uploaded CSV (erasure) and
    writes no export."""
    writers = {}
    for path, source in _sources():
        relative = path.relative_to(settings.BASE_DIR).as_posix()
        if relative == "accounts/spreadsheets.py":
            continue
        assert not OWN_RULES.search(source), f"{relative} has its own formula rule"
        if WRITERS.search(source):
            imported = {
                alias.name
                for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.ImportFrom) and node.module == "accounts.spreadsheets"
                for alias in node.names
            }
            writers[relative] = imported
    exempt = {"organisations/personal_data.py"}
    assert set(writers) - exempt == {
        "certificates/attendance.py",
        "courses/trainer/exports.py",
        "organisations/views/invitations.py",
        "reporting/national_files.py",
        "reporting/views/exports.py",
    }
    for relative, imported in writers.items():
        if relative not in exempt:
            assert "csv_safe" in imported, relative
    assert "FORMULA_PATTERN" in writers["courses/trainer/exports.py"]


# --- the trainer's progress exports ---------------------------------------------------------


@pytest.fixture
def trainer_world(organisation, trainer):
    course = CourseFactory(title_nl="@SUM(A1) cursus", title_en="@SUM(A1) course")
    LessonFactory(module__course=course, course=course)
    group = GroupFactory(organisation=organisation, name="=1+1 groep")
    for index, name in enumerate(PAYLOADS):
        email = EMAIL_PAYLOADS[index] if index < len(EMAIL_PAYLOADS) else None
        extra = {"user__email": email} if email else {}
        user = MemberFactory(organisation=organisation, role="learner", user__name=name, **extra)
        GroupMember.objects.create(group=group, user=user.user)
    assignment = assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=trainer,
        due_date=timezone.localdate() + dt.timedelta(days=14),
        group=group,
        learners=(),
    )
    return group, assignment, course


def test_the_group_export_neutralises_names_addresses_and_titles(client, trainer, trainer_world):
    group, _assignment, course = trainer_world
    client.force_login(trainer)
    cells = csv_cells(client.get(reverse("trainer:group_export", args=[group.pk])))
    assert_neutralised(cells, PAYLOADS + EMAIL_PAYLOADS)
    assert f"'{course.title_nl}: status" in cells


def test_the_assignment_export_neutralises_names_and_addresses(client, trainer, trainer_world):
    _group, assignment, _course = trainer_world
    client.force_login(trainer)
    url = reverse("trainer:assignment_export", args=[assignment.pk])
    assert_neutralised(csv_cells(client.get(url)), PAYLOADS + EMAIL_PAYLOADS)


def test_the_python_path_of_the_trainer_export_neutralises_alike(trainer_world):
    """The same lines formatted in Python (SQLite): the same neutralised cells."""
    from accounts.models import User
    from courses.trainer import exports, queries
    from courses.trainer.views import _columns

    group, _assignment, _course = trainer_world
    columns = _columns(queries.active_assignments_queryset().filter(group=group))
    learners = User.objects.filter(group_memberships__group=group).order_by("pk")
    writer = exports._LineWriter()
    labels = {status: status for status in ("not_started", "in_progress", "completed", "overdue")}
    text = "".join(exports._python_lines(learners, columns, labels, writer))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(PAYLOADS)  # a carriage return inside a name starts no new row
    assert "\r" not in re.sub(r'"(?:[^"]|"")*"', "", text)  # every carriage return is quoted
    assert_neutralised([cell for row in rows for cell in row], PAYLOADS + EMAIL_PAYLOADS)


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_csv_tables_and_workbook_are_neutralised(client, analyst, organisation):
    """Course titles, group names and sub-organisation names in every table, as CSV and in the
    workbook (enough learners per cell that nothing is hidden)."""
    now = timezone.now()
    course = CourseFactory(title_nl=PAYLOADS[0], title_en=PAYLOADS[0], slug="evil")
    group = GroupFactory(organisation=organisation, name=PAYLOADS[1])
    unit = OrganisationFactory(name=PAYLOADS[2], parent=organisation)
    for member_of in (organisation, unit):
        for _ in range(5):
            user = MemberFactory(organisation=member_of, role="learner").user
            EnrolmentFactory(
                user=user,
                course=course,
                organisation=member_of,
                started_at=now,
                last_activity_at=now,
                completed_at=now,
                progress_percent=100,
            )
            if member_of == organisation:
                GroupMember.objects.create(group=group, user=user)
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    every_cell = []
    for table in ("figures", "courses", "groups", "organisations", "weeks"):
        url = reverse("reporting:export_csv", args=[organisation.slug, table])
        every_cell += csv_cells(client.get(url))
    assert_neutralised(every_cell, PAYLOADS[:3])
    response = client.get(reverse("reporting:export_xlsx", args=[organisation.slug]))
    assert response.status_code == 200
    assert_neutralised(xlsx_cells(b"".join(response.streaming_content)), PAYLOADS[:3])


# --- the progress report -----------------------------------------------------------------------


def test_the_progress_report_workbook_is_neutralised(coordinator):
    from tests.reporting.national_data import add_partner

    for index, payload in enumerate(PAYLOADS[:4]):
        add_partner(
            name=payload,
            kind="bank",
            theme=Theme.BUSINESS_SERVICES if index % 2 else Theme.POLICE,
            course_title=PAYLOADS[(index + 1) % 4],
            enrolled=10,
            completed=6,
        )
    today = timezone.localdate()
    report = ProgressReport.objects.create(
        requested_by=coordinator,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    assert make_progress_report(report.pk) == "done"
    report.refresh_from_db()
    assert_neutralised(xlsx_cells(bytes(report.xlsx)), PAYLOADS[:4])


# --- the attendance list for the registers ---------------------------------------------------


def test_the_attendance_list_and_its_missing_part_are_neutralised(client, settings):
    from certificates.models import CourseEvaluation
    from tests.certificates.conftest import make_accreditation_admin
    from tests.certificates.factories import AccreditationFactory, CertificateFactory

    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    accreditation = AccreditationFactory(number="VVN-500100", points=Decimal("1.50"))
    completed = dt.datetime(2027, 4, 1, 10, tzinfo=dt.UTC)
    for payload in PAYLOADS[:4]:
        enrolment = EnrolmentFactory(
            course=accreditation.course,
            user__name=payload,
            completed_at=completed,
            version_completed=1,
        )
        CertificateFactory(
            enrolment=enrolment,
            holder_name=payload,
            completed_at=completed,
            accreditation=accreditation,
            accreditation_body=accreditation.body.name,
            accreditation_number=accreditation.number,
            points=accreditation.points,
            points_unit=accreditation.unit,
            register=accreditation.body.register,
            registration_number="123456",
        )
    waiting = EnrolmentFactory(
        course=accreditation.course,
        user__name="@SUM(A1:A9)",
        user__email="-2+3@example.org",
        completed_at=completed,
        version_completed=1,
    )
    CourseEvaluation.objects.create(
        enrolment=waiting,
        relevance=4,
        quality=4,
        minutes_reported=60,
        accreditation=accreditation,
    )
    client.force_login(make_accreditation_admin())
    query = {
        "accreditation": accreditation.pk,
        "date_from": "2027-01-01",
        "date_to": "2027-12-31",
        "format": "csv",
    }
    url = reverse("certificates:attendance")
    listed = csv_cells(client.get(url, query))
    # the list splits names into initials, particles and surname: no cell may start a formula
    assert not [cell for cell in listed if cell.startswith(FORMULA_STARTS)]
    assert any(cell.startswith("'") for cell in listed)
    missing = csv_cells(client.get(url, {**query, "part": "missing"}))
    assert_neutralised(missing, ["@SUM(A1:A9)", "-2+3@example.org"])


# --- the results of an invitation upload ------------------------------------------------------


def test_the_results_of_an_upload_are_neutralised(client, org_admin, organisation):
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        run_by=org_admin,
        filename="people.csv",
        csv_text="email\n",
        total_rows=len(PAYLOADS),
        status=InvitationBatch.Status.DONE,
        results=[
            {"row": index + 2, "email": payload, "outcome": "rejected", "reason": payload}
            for index, payload in enumerate(PAYLOADS)
        ],
    )
    give_totp(org_admin, recovery_codes=False)
    client.force_login(org_admin)
    url = reverse("organisations:batch_results_csv", args=[organisation.slug, batch.pk])
    assert_neutralised(csv_cells(client.get(url)), PAYLOADS)


def test_an_upload_with_formulas_is_answered_with_neutralised_results(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    """The whole way: an uploaded file whose names and addresses start formulas."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = ["email,name"] + [
        f'"{email}","{name}"'
        for email, name in zip(
            ["=cmd@example.org", "+1@example.org", "@x", "-2+3@example.org"],
            ["=1+1", "+1+1", "@SUM(A1)", "-2+3"],
            strict=True,
        )
    ]
    give_totp(org_admin, recovery_codes=False)
    client.force_login(org_admin)
    upload = SimpleUploadedFile("people.csv", "\n".join(lines).encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:batch_upload", args=[organisation.slug]), {"file": upload}
        )
    assert response.status_code == 302
    batch = InvitationBatch.objects.get()
    url = reverse("organisations:batch_results_csv", args=[organisation.slug, batch.pk])
    cells = csv_cells(client.get(url))
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    assert "'@x" in cells


# --- the personal-data download -----------------------------------------------------------------


def test_the_personal_data_download_is_json_not_a_spreadsheet(client, organisation):
    from tests.accounts.helpers import reauthenticate

    user = MemberFactory(organisation=organisation, user__name=PAYLOADS[0]).user
    client.force_login(user)
    reauthenticate(client)
    response = client.post(reverse("accounts:personal_data"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert PAYLOADS[0].replace('"', '\\"') in response.content.decode()
