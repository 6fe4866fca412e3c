"""The "Download my data" page: the export service and its page."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import personal_data_export
from courses.models import LessonProgress
from tests import factories
from tests.accounts.helpers import check_markup, reauthenticate
from tests.mfa import give_totp

URL = "/accounts/profile/data/"


def _enrol(user, organisation, lessons=2):
    course = factories.CourseFactory()
    module = factories.ModuleFactory(course=course)
    enrolment = factories.EnrolmentFactory(user=user, course=course, organisation=organisation)
    for _ in range(lessons):
        lesson = factories.LessonFactory(module=module)
        LessonProgress.objects.create(
            enrolment=enrolment, lesson=lesson, completed_at=timezone.now(), seconds_spent=120
        )
    return enrolment


@pytest.mark.django_db
def test_it_exports_profile_memberships_groups_and_progress(learner, organisation):
    learner.big_number = "12345678901"
    learner.save(update_fields=["big_number"])
    group = factories.GroupFactory(organisation=organisation, name="Basisopleiding 2026-A")
    factories.GroupMemberFactory(group=group, user=learner)
    enrolment = _enrol(learner, organisation)
    give_totp(learner)

    data = personal_data_export(user=learner)

    assert data["profile"]["email"] == learner.email
    assert data["profile"]["name"] == "Lotte Learner"
    assert data["profile"]["big_number"] == "12345678901"
    assert data["memberships"] == [
        {
            "organisation": "Politieacademie",
            "role": "learner",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert data["groups"][0]["group"] == "Basisopleiding 2026-A"
    [exported] = data["enrolments"]
    assert exported["course"] == enrolment.course.slug
    assert exported["organisation"] == "Politieacademie"
    assert [lesson["seconds_spent"] for lesson in exported["lessons"]] == [120, 120]
    assert data["email_addresses"] == [{"email": learner.email, "verified": True, "primary": True}]
    assert {item["type"] for item in data["two_factor_authentication"]} == {
        "totp",
        "recovery_codes",
    }
    assert "secret" not in json.dumps(data)
    json.dumps(data)  # JSON-ready


@pytest.mark.django_db
def test_it_exports_nothing_of_other_people(learner, outsider, organisation, other_organisation):
    _enrol(outsider, other_organisation)
    data = personal_data_export(user=learner)
    assert data["enrolments"] == []
    assert outsider.email not in json.dumps(data)


@pytest.mark.django_db
def test_it_records_the_download(learner):
    personal_data_export(user=learner)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DATA_DOWNLOADED)
    assert event.subject_user == learner


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_the_enrolments(
    learner, organisation, django_assert_max_num_queries
):
    _enrol(learner, organisation)
    with django_assert_max_num_queries(40) as small:
        personal_data_export(user=learner)
    for _ in range(5):
        _enrol(learner, organisation, lessons=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = personal_data_export(user=learner)
    assert len(data["enrolments"]) == 6


@pytest.mark.django_db
def test_it_asks_for_the_password_before_showing_the_page(client, learner):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_it_downloads_the_file_after_the_password(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    page = client.get(URL)
    assert page.status_code == 200
    assert check_markup(page.content.decode()) == []
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="academy-personal-data-'
    )
    assert json.loads(response.content)["profile"]["email"] == learner.email


@pytest.mark.django_db
def test_it_replays_the_download_after_a_late_password(client, learner, password):
    client.force_login(learner)
    assert client.post(URL).status_code == 302
    response = client.post(
        reverse("account_reauthenticate") + f"?next={URL}", {"password": password}
    )
    assert response.status_code == 200
    assert json.loads(response.content)["profile"]["email"] == learner.email


@pytest.mark.django_db
def test_it_sends_visitors_to_the_login_page(client):
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
