"""The attendance list of an accreditation (/certificates/attendance/): the preview, the two
CSV files, the Dutch name splitting, the audit log and who may see it."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from certificates.attendance import NameParts, split_dutch_name
from certificates.models import CourseEvaluation
from tests.accounts.helpers import check_markup
from tests.certificates.factories import (
    AccreditationFactory,
    AppliedAccreditationFactory,
    CertificateFactory,
    body,
)
from tests.factories import CourseFactory, EnrolmentFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

URL = reverse("certificates:attendance")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HEADER = [
    "Registration number",
    "Initials",
    "Tussenvoegsel",
    "Surname",
    "Completion date",
    "Points",
    "Accreditation number",
]


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)


@pytest.fixture
def accreditation(db):
    return AccreditationFactory(
        course=CourseFactory(title_en="Care and sex work"),
        number="VVN-500100",
        points=Decimal("1.50"),
    )


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMSTERDAM)


def _certificate(accreditation, name, day, number="123456", **extra):
    completed = _at(day)
    enrolment = EnrolmentFactory(
        course=accreditation.course,
        user__name=name,
        completed_at=completed,
        version_completed=1,
    )
    options = {
        "enrolment": enrolment,
        "holder_name": name,
        "completed_at": completed,
        "accreditation": accreditation,
        "accreditation_body": accreditation.body.name,
        "accreditation_number": accreditation.number,
        "points": accreditation.points,
        "points_unit": accreditation.unit,
        "register": accreditation.body.register,
        "registration_number": number,
    }
    options.update(extra)
    return CertificateFactory(**options)


def _waiting(accreditation, name, email, day, chose=True, **user_fields):
    """A completion whose learner chose the accreditation, without a certificate."""
    enrolment = EnrolmentFactory(
        course=accreditation.course,
        user__name=name,
        user__email=email,
        completed_at=_at(day),
        version_completed=1,
        **{f"user__{field}": value for field, value in user_fields.items()},
    )
    CourseEvaluation.objects.create(
        enrolment=enrolment,
        relevance=4,
        quality=4,
        minutes_reported=60,
        accreditation=accreditation if chose else None,
    )
    return enrolment


def _query(chosen, **extra):
    return {"accreditation": chosen.pk, "date_from": "2027-01-01", "date_to": "2027-12-31", **extra}


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(
        part if isinstance(part, bytes) else part.encode() for part in response.streaming_content
    ).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- the name splitter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Anna Maria de Vries", ("A.M.", "de", "Vries")),
        ("Jan van der Berg", ("J.", "van der", "Berg")),
        ("Sanne van den Heuvel", ("S.", "van den", "Heuvel")),
        ("Kees van 't Hek", ("K.", "van 't", "Hek")),
        ("Joost in 't Veld", ("J.", "in 't", "Veld")),
        ("Marieke de la Cruz", ("M.", "de la", "Cruz")),
        ("Fatima ter Horst", ("F.", "ter", "Horst")),
        ("Bram ten Cate", ("B.", "ten", "Cate")),
        ("Pim den Uyl", ("P.", "den", "Uyl")),
        ("Lieke op de Beek", ("L.", "op de", "Beek")),
        ("Lisa Berg-de Vries", ("L.", "", "Berg-de Vries")),
        ("Jan-Willem van den Berg-de Vries", ("J.W.", "van den", "Berg-de Vries")),
        ("Pieter De Smet", ("P.", "", "De Smet")),
        ("IJsbrand Yılmaz", ("IJ.", "", "Yılmaz")),
        ("A.M. Jansen", ("A.M.", "", "Jansen")),
        ("Agnieszka Wiśniewska-Kowalczyk", ("A.", "", "Wiśniewska-Kowalczyk")),
        ("Mohammed", ("", "", "Mohammed")),
        ("  ", ("", "", "")),
    ],
)
def test_it_splits_dutch_names_as_registries_want_them(name, parts):
    assert split_dutch_name(name) == NameParts(*parts)


# --- the page -------------------------------------------------------------------------------


def test_an_administrator_sees_a_preview_and_a_download_link(
    client, accreditation_admin, accreditation
):
    _certificate(accreditation, "Anna Maria de Vries", "2027-03-15", number="123456")
    _certificate(accreditation, "Jan van der Berg", "2027-02-01", number="7654321")
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation))
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert response.context["rows"] == [
        ["7654321", "J.", "van der", "Berg", "2027-02-01", "1.5", "VVN-500100"],
        ["123456", "A.M.", "de", "Vries", "2027-03-15", "1.5", "VVN-500100"],
    ]
    assert response.context["row_count"] == 2
    assert "Download CSV" in html
    assert "format=csv" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_form_alone_shows_without_a_choice(client, accreditation_admin, accreditation):
    AppliedAccreditationFactory(course=accreditation.course, body=body("skj"))
    client.force_login(accreditation_admin)
    response = client.get(URL)
    assert response.status_code == 200
    choices = [label for value, label in response.context["form"].fields["accreditation"].choices]
    assert len(choices) == 2  # the empty label and the granted one; never the applied one
    assert "VVN-500100" in choices[1]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"date_to": "2026-12-31"}, "date_to", "The end date lies before the start date."),
        (
            {"date_from": "2021-01-01", "date_to": "2027-01-02"},
            "date_to",
            "Choose a period of at most 5 years.",
        ),
        ({"date_from": ""}, "date_from", "Enter the first day."),
        ({"accreditation": "999999"}, "accreditation", "Choose one of the accreditations listed."),
    ],
)
def test_bad_input_gets_a_message_per_field_and_no_file(
    client, accreditation_admin, accreditation, extra, field, message
):
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation, format="csv", **extra))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors == {field: [message]}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_applied_accreditation_cannot_be_chosen(client, accreditation_admin, accreditation):
    applied = AppliedAccreditationFactory(course=accreditation.course, body=body("skj"))
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(applied))
    assert list(response.context["form"].errors) == ["accreditation"]


def test_staff_may_download_it(client, staff_user, accreditation):
    give_totp(staff_user)
    client.force_login(staff_user)
    assert client.get(URL, _query(accreditation, format="csv")).status_code == 200


@pytest.mark.parametrize("persona", ["learner", "trainer", "analyst", "content_author", "outsider"])
def test_everyone_else_gets_a_404(client, persona, request, accreditation):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.get(URL, _query(accreditation, format="csv")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the CSV ---------------------------------------------------------------------------------


def test_the_csv_has_the_registry_columns_and_only_the_right_certificates(
    client, accreditation_admin, accreditation
):
    _certificate(accreditation, "Lieke op de Beek", "2027-05-02", number="110012345")
    _certificate(accreditation, "Revoked Person", "2027-05-03").__class__.objects.filter(
        holder_name="Revoked Person"
    ).update(revoked_at=timezone.now(), revoked_reason="Fraud")
    _certificate(accreditation, "Too Early", "2026-12-31")
    other = AccreditationFactory(course=accreditation.course, body=body("skj"))
    _certificate(other, "Other Accreditation", "2027-05-04")
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation, format="csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-vvn-500100-2027-01-01-2027-12-31.csv"'
    )
    assert _csv(response) == [
        HEADER,
        ["110012345", "L.", "op de", "Beek", "2027-05-02", "1.5", "VVN-500100"],
    ]


def test_the_date_of_birth_is_a_column_only_when_the_register_asks_for_it(
    client, accreditation_admin, accreditation
):
    certificate = _certificate(accreditation, "Fatima ter Horst", "2027-04-01")
    user = certificate.enrolment.user
    user.date_of_birth = dt.date(1984, 5, 17)
    user.save(update_fields=["date_of_birth"])
    client.force_login(accreditation_admin)
    without = _csv(client.get(URL, _query(accreditation, format="csv")))
    assert "Date of birth" not in without[0]
    assert "1984-05-17" not in without[1]
    accreditation.requires_date_of_birth = True
    accreditation.save(update_fields=["requires_date_of_birth"])
    with_birth = _csv(client.get(URL, _query(accreditation, format="csv")))
    assert with_birth[0] == HEADER[:4] + ["Date of birth"] + HEADER[4:]
    assert with_birth[1] == [
        "123456",
        "F.",
        "ter",
        "Horst",
        "1984-05-17",
        "2027-04-01",
        "1.5",
        "VVN-500100",
    ]


def test_formulas_in_names_are_neutralised(client, accreditation_admin, accreditation):
    _certificate(accreditation, '=HYPERLINK("http://evil.example","klik")', "2027-04-01")
    _certificate(accreditation, "Anna -2+3", "2027-04-02")
    _waiting(accreditation, "@SUM(A1:A9)", "at@example.org", "2027-04-03", vvn_number="")
    client.force_login(accreditation_admin)
    rows = _csv(client.get(URL, _query(accreditation, format="csv")))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[2][1:4] == ["A.", "", "'-2+3"]
    missing = _csv(client.get(URL, _query(accreditation, format="csv", part="missing")))
    assert missing[1][0] == "'@SUM(A1:A9)"
    for row in rows[1:] + missing[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_erased_holders_keep_their_row_without_name_or_number(
    client, accreditation_admin, accreditation
):
    certificate = _certificate(accreditation, "", "2027-04-01", number="", holder_erased=True)
    user = certificate.enrolment.user
    user.date_of_birth = dt.date(1984, 5, 17)  # would have been erased too; never shown
    user.save(update_fields=["date_of_birth"])
    accreditation.requires_date_of_birth = True
    accreditation.save(update_fields=["requires_date_of_birth"])
    client.force_login(accreditation_admin)
    rows = _csv(client.get(URL, _query(accreditation, format="csv")))
    assert rows[1] == ["", "", "", "", "", "2027-04-01", "1.5", "VVN-500100"]


def test_every_download_is_audited(client, accreditation_admin, accreditation):
    _certificate(accreditation, "Anna de Vries", "2027-04-01")
    _certificate(accreditation, "Bram ten Cate", "2027-04-02")
    client.force_login(accreditation_admin)
    b"".join(client.get(URL, _query(accreditation, format="csv")).streaming_content)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == accreditation_admin
    assert event.summary == "Attendance list VVN-500100 2027-01-01–2027-12-31"
    assert event.data["rows"] == 2
    assert event.data["accreditation"] == accreditation.pk
    assert event.data["part"] == "attendance"
    client.get(URL, _query(accreditation, format="csv", part="missing"))
    missing = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).first()
    assert missing.data["part"] == "missing" and missing.data["rows"] == 0


def test_the_list_takes_the_same_queries_for_more_rows(client, accreditation_admin, accreditation):
    _certificate(accreditation, "Anna de Vries", "2027-04-01")
    _waiting(accreditation, "Bram ten Cate", "bram@example.org", "2027-04-02")
    client.force_login(accreditation_admin)
    client.get(URL)  # the first request of a session records it

    def measure(**extra):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, _query(accreditation, **extra))
            if extra:
                b"".join(response.streaming_content)
        return len(queries)

    few = (measure(), measure(format="csv"), measure(format="csv", part="missing"))
    for index in range(6):
        _certificate(accreditation, f"Person {index} van Dam", f"2027-06-0{index + 1}")
        _waiting(accreditation, f"Waiting {index}", f"w{index}@example.org", "2027-06-10")
    many = (measure(), measure(format="csv"), measure(format="csv", part="missing"))
    assert many == few


# --- completions without a registration number --------------------------------------------


def test_completions_waiting_for_a_number_are_listed_to_chase(
    client, accreditation_admin, accreditation
):
    _waiting(accreditation, "Sanne van den Heuvel", "sanne@example.org", "2027-03-02")
    _waiting(accreditation, "Has Number", "has@example.org", "2027-03-03", vvn_number="123456")
    _waiting(accreditation, "No Points", "none@example.org", "2027-03-04", chose=False)
    _waiting(accreditation, "Before Rules", "early@example.org", "2026-11-20")
    gone = _waiting(accreditation, "", "deleted-1@invalid.example", "2027-03-05")
    gone.user.anonymised_at = timezone.now()
    gone.user.save(update_fields=["anonymised_at"])
    certified = _waiting(accreditation, "Certified", "cert@example.org", "2027-03-06")
    CertificateFactory(
        enrolment=certified, completed_at=certified.completed_at, accreditation=accreditation
    )
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation, date_from="2026-11-01"))
    assert response.context["missing_rows"] == [
        ["Sanne van den Heuvel", "sanne@example.org", "2027-03-02", "registration number"]
    ]
    assert response.context["missing_count"] == 1
    assert "Sanne van den Heuvel" in response.content.decode()
    rows = _csv(client.get(URL, _query(accreditation, format="csv", part="missing")))
    assert rows == [
        ["Name", "E-mail address", "Completion date", "Missing"],
        ["Sanne van den Heuvel", "sanne@example.org", "2027-03-02", "registration number"],
    ]


def test_a_missing_date_of_birth_is_listed_when_the_register_asks_for_it(
    client, accreditation_admin, accreditation
):
    accreditation.requires_date_of_birth = True
    accreditation.save(update_fields=["requires_date_of_birth"])
    _waiting(accreditation, "Pim den Uyl", "pim@example.org", "2027-03-02", vvn_number="123456")
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation))
    assert response.context["missing_rows"] == [
        ["Pim den Uyl", "pim@example.org", "2027-03-02", "date of birth"]
    ]


def test_completions_outside_the_accreditation_are_not_listed(
    client, accreditation_admin, accreditation
):
    accreditation.valid_until = dt.date(2027, 2, 28)
    accreditation.last_version = 1
    accreditation.save(update_fields=["valid_until", "last_version"])
    _waiting(accreditation, "After Period", "after@example.org", "2027-03-02")
    newer = _waiting(accreditation, "Newer Version", "newer@example.org", "2027-02-02")
    newer.version_completed = 2
    newer.save(update_fields=["version_completed"])
    _waiting(accreditation, "Covered", "covered@example.org", "2027-02-03")
    client.force_login(accreditation_admin)
    response = client.get(URL, _query(accreditation))
    assert [row[0] for row in response.context["missing_rows"]] == ["Covered"]
