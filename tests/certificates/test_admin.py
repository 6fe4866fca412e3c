"""The admin of accreditation administrators: bodies, accreditations (validated, audited),
certificates (read-only, revoked with a reason) and course reviewers (audited)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from certificates.models import Accreditation
from courses.access import reviews_courses_cached
from courses.models import CourseReviewer
from tests.certificates.conftest import make_accreditation_admin
from tests.certificates.factories import (
    AccreditationFactory,
    AppliedAccreditationFactory,
    CertificateFactory,
    body,
)
from tests.factories import CourseFactory, UserFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def accreditation_data(course, **overrides):
    data = {
        "course": course.pk,
        "body": body("vvn").pk,
        "status": "granted",
        "number": "VVN-123456",
        "points": "2",
        "unit": "points",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "first_version": "1",
        "last_version": "",
        "applied_on": "",
    }
    return data | overrides


# --- who gets in ----------------------------------------------------------------------------


def test_an_accreditation_admin_reaches_the_pages_of_the_role(admin_client):
    course = CourseFactory()
    accreditation = AccreditationFactory(course=course)
    certificate = CertificateFactory()
    pages = [
        reverse("admin:index"),
        reverse("admin:certificates_accreditation_changelist"),
        reverse("admin:certificates_accreditation_add"),
        reverse("admin:certificates_accreditation_change", args=[accreditation.pk]),
        reverse("admin:certificates_accreditationbody_changelist"),
        reverse("admin:certificates_certificate_changelist"),
        reverse("admin:certificates_certificate_change", args=[certificate.pk]),
        reverse("admin:courses_coursereviewer_changelist"),
        reverse("admin:courses_coursereviewer_add"),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_auditevent_changelist",
        "admin:courses_enrolment_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_an_accreditation_admin_does_not_reach_people_or_learning_records(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 403


def test_an_accreditation_admin_may_not_delete_accreditations_or_edit_bodies(admin_client):
    accreditation = AccreditationFactory()
    vvn = body("vvn")

    delete = admin_client.post(
        reverse("admin:certificates_accreditation_delete", args=[accreditation.pk]),
        {"post": "yes"},
    )
    change_body = admin_client.post(
        reverse("admin:certificates_accreditationbody_change", args=[vvn.pk]),
        {"slug": "vvn", "name": "Changed", "short_name": "X", "registry": "Y", "register": "vvn"},
    )

    assert delete.status_code == 403
    assert Accreditation.objects.filter(pk=accreditation.pk).exists()
    assert change_body.status_code == 403
    vvn.refresh_from_db()
    assert vvn.name != "Changed"


def test_the_admin_asks_an_accreditation_admin_for_two_factor_authentication_first(client):
    person = make_accreditation_admin(totp=False)
    client.force_login(person)

    for url in ("/admin/", reverse("admin:certificates_accreditation_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_the_role_opens_the_admin_without_staff_status_and_nothing_staff_may(client):
    """The admin site lets the role in (academy.admin_site); staff status, which would open
    every organisation, member names and the audit log, is not needed and not given."""
    person = make_accreditation_admin(staff=False)
    client.force_login(person)

    assert client.get(reverse("admin:certificates_accreditation_changelist")).status_code == 200
    assert client.get(reverse("organisations:overview")).status_code in (403, 404)
    assert client.get(reverse("audit_log")).status_code in (403, 404)


def test_a_person_without_staff_or_the_role_does_not_open_the_admin(client, learner):
    client.force_login(learner)
    response = client.get(reverse("admin:certificates_accreditation_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_content_author_with_staff_status_sees_no_certificates(client):
    author = UserFactory(is_staff=True)
    author.groups.add(Group.objects.get_or_create(name="content author")[0])
    give_totp(author)
    client.force_login(author)

    assert client.get(reverse("admin:certificates_certificate_changelist")).status_code == 403
    assert client.get(reverse("admin:certificates_accreditation_changelist")).status_code == 403


# --- accreditations: validation -------------------------------------------------------------


def errors_of(response) -> dict:
    return response.context["adminform"].form.errors


def test_a_granted_accreditation_needs_number_points_and_period(admin_client):
    course = CourseFactory()
    data = accreditation_data(course, number="", points="", valid_from="", valid_until="")

    response = admin_client.post(reverse("admin:certificates_accreditation_add"), data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert errors["number"] == ["A granted accreditation needs the number the body gave."]
    assert errors["points"] == ["A granted accreditation needs its points (more than 0)."]
    assert errors["valid_from"] == ["A granted accreditation needs the first day it is valid."]
    assert errors["valid_until"] == ["A granted accreditation needs the last day it is valid."]
    assert "__all__" not in errors  # no generic constraint message on top
    assert not Accreditation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCREDITATION_CHANGED).exists()


def test_the_period_and_versions_must_be_in_order_and_points_positive(admin_client):
    course = CourseFactory()
    data = accreditation_data(
        course,
        points="0",
        valid_from="2026-06-01",
        valid_until="2026-05-31",
        first_version="3",
        last_version="2",
    )

    response = admin_client.post(reverse("admin:certificates_accreditation_add"), data)

    errors = errors_of(response)
    assert errors["points"] == ["Points must be more than 0."]
    assert errors["valid_until"] == ["The last day cannot lie before the first day."]
    assert errors["last_version"] == ["The last version covered cannot be lower than the first."]
    assert not Accreditation.objects.exists()


def test_a_number_is_used_once_per_body(admin_client):
    AccreditationFactory(number="VVN-123456")
    course = CourseFactory()

    response = admin_client.post(
        reverse("admin:certificates_accreditation_add"), accreditation_data(course)
    )

    assert errors_of(response)["number"] == [
        "Another accreditation of this body already has this number."
    ]
    assert Accreditation.objects.count() == 1


def test_an_application_needs_no_number_or_points(admin_client, accreditation_admin):
    course = CourseFactory(slug="hulp-en-zorg")
    data = accreditation_data(
        course, status="applied", number="", points="", valid_from="", valid_until=""
    )

    response = admin_client.post(reverse("admin:certificates_accreditation_add"), data)

    assert response.status_code == 302, errors_of(response)
    accreditation = Accreditation.objects.get()
    assert accreditation.status == "applied" and accreditation.points is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCREDITATION_CHANGED)
    assert event.actor == accreditation_admin
    assert event.summary == "Accreditation V&VN for hulp-en-zorg: new → applied"
    assert event.data["old_status"] is None and event.data["new_status"] == "applied"
    assert "course" in event.data["fields"] and "status" in event.data["fields"]


# --- accreditations: audit ------------------------------------------------------------------


def test_granting_an_applied_accreditation_is_audited_with_the_changed_fields(
    admin_client, accreditation_admin
):
    course = CourseFactory(slug="hulp-en-zorg")
    accreditation = AppliedAccreditationFactory(course=course)

    response = admin_client.post(
        reverse("admin:certificates_accreditation_change", args=[accreditation.pk]),
        accreditation_data(course, points="1.5"),
    )

    assert response.status_code == 302, errors_of(response)
    accreditation.refresh_from_db()
    assert accreditation.status == "granted" and accreditation.points == Decimal("1.5")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCREDITATION_CHANGED)
    assert event.summary == "Accreditation V&VN for hulp-en-zorg: applied → granted"
    assert event.actor == accreditation_admin
    assert event.data["old_status"] == "applied" and event.data["new_status"] == "granted"
    assert set(event.data["fields"]) == {"status", "number", "points", "valid_from", "valid_until"}
    assert event.data["number"] == "VVN-123456"


def test_a_superuser_deletes_an_unused_accreditation_and_it_is_audited(client, superuser):
    accreditation = AppliedAccreditationFactory(course=CourseFactory(slug="zorg"))
    client.force_login(superuser)

    response = client.post(
        reverse("admin:certificates_accreditation_delete", args=[accreditation.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not Accreditation.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCREDITATION_CHANGED)
    assert event.summary == "Accreditation V&VN for zorg: applied → deleted"
    assert event.data["accreditation"] == accreditation.pk
    assert event.data["new_status"] is None


def test_an_accreditation_with_certificates_is_not_deleted_and_the_page_says_why(client, superuser):
    accreditation = AccreditationFactory()
    certificate = CertificateFactory(accreditation=accreditation)
    client.force_login(superuser)
    url = reverse("admin:certificates_accreditation_delete", args=[accreditation.pk])

    page = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert page.status_code == 200 and response.status_code == 200
    assert page.context["protected"] and not page.context["perms_lacking"]
    assert certificate.code in response.content.decode()  # "protected related objects: …"
    assert Accreditation.objects.filter(pk=accreditation.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCREDITATION_CHANGED).exists()


def test_the_list_filters_and_costs_the_same_for_more_rows(admin_client):
    AccreditationFactory()
    url = reverse("admin:certificates_accreditation_changelist")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(url, {"status__exact": "granted"}).status_code == 200
        return len(context.captured_queries)

    count()  # the first request of a session also records the session
    few = count()
    for _ in range(5):
        AccreditationFactory()
    assert count() == few


# --- course reviewers -----------------------------------------------------------------------


def reviewer_data(course, email, **overrides):
    return {
        "email": email,
        "course": course.pk,
        "on_behalf_of": "V&VN Kwaliteitsregister",
        "valid_until": "",
    } | overrides


def test_granting_reviewer_access_by_email_is_audited(
    admin_client, accreditation_admin, django_capture_on_commit_callbacks
):
    assessor = UserFactory(email="beoordelaar@example.org")
    course = CourseFactory(slug="hulp-en-zorg")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:courses_coursereviewer_add"),
            reviewer_data(course, "Beoordelaar@Example.org", valid_until="2099-01-31"),
        )

    assert response.status_code == 302
    row = CourseReviewer.objects.get()
    assert row.user == assessor and row.course == course
    assert row.valid_until == dt.date(2099, 1, 31)
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVIEWER_CHANGED)
    assert event.actor == accreditation_admin and event.subject_user == assessor
    assert event.summary == "Reviewer access to hulp-en-zorg (V&VN Kwaliteitsregister): granted"
    assert event.data["valid_until"] == "2099-01-31"
    assert reviews_courses_cached(assessor)  # the header link shows from the next page on


def test_reviewer_access_needs_an_existing_account_and_is_given_once(admin_client):
    course = CourseFactory()
    assessor = UserFactory()
    CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="SKJ")
    url = reverse("admin:courses_coursereviewer_add")

    unknown = admin_client.post(url, reviewer_data(course, "nobody@example.org"))
    twice = admin_client.post(url, reviewer_data(course, assessor.email))

    assert unknown.context["adminform"].form.errors["email"] == [
        "There is no active account with this e-mail address. Ask the assessor to sign up first."
    ]
    assert twice.context["adminform"].form.errors["email"] == [
        "This person already has review access to this course."
    ]
    assert CourseReviewer.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVIEWER_CHANGED).exists()


def test_changing_and_withdrawing_reviewer_access_is_audited(
    admin_client, django_capture_on_commit_callbacks
):
    assessor = UserFactory()
    course = CourseFactory(slug="zorg")
    row = CourseReviewer.objects.create(user=assessor, course=course, on_behalf_of="V&VN")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:courses_coursereviewer_change", args=[row.pk]),
            reviewer_data(course, assessor.email, valid_until="2026-01-31"),
        )
    row.refresh_from_db()
    assert row.valid_until == dt.date(2026, 1, 31)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:courses_coursereviewer_delete", args=[row.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not CourseReviewer.objects.exists()
    summaries = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.REVIEWER_CHANGED)
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Reviewer access to zorg (V&VN Kwaliteitsregister): changed",
        "Reviewer access to zorg (V&VN Kwaliteitsregister): withdrawn",
    ]
    assert not reviews_courses_cached(assessor)
