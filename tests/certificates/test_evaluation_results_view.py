"""The course evaluation results (/certificates/evaluations/): for accreditation
administrators, content authors and staff; nothing shown below ten answers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import CourseEvaluation
from tests.accounts.helpers import check_markup
from tests.factories import CourseFactory, EnrolmentFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

URL = reverse("certificates:evaluations")
COMPLETED = dt.datetime(2027, 3, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def author(content_author):
    content_author.preferred_language = "en"
    content_author.save(update_fields=["preferred_language"])
    return content_author


def _answers(course, count, relevance=4, quality=5, minutes=60):
    for _ in range(count):
        enrolment = EnrolmentFactory(course=course, completed_at=COMPLETED, version_completed=1)
        CourseEvaluation.objects.create(
            enrolment=enrolment, relevance=relevance, quality=quality, minutes_reported=minutes
        )


def test_accreditation_administrators_see_the_means_from_ten_answers(client, accreditation_admin):
    course = CourseFactory(title_nl="Zorg en sekswerk", title_en="Care and sex work", minutes=90)
    _answers(course, 10, relevance=4, quality=5, minutes=75)
    client.force_login(accreditation_admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert "Zorg en sekswerk" in html  # the administrator reads Dutch
    assert "<dt>Answers</dt><dd>10</dd>" in html
    assert "mean 75, median 75 (the course states 90)" in html
    assert "10 (100 %)" in html
    assert "Fewer than 10 answers" not in html


def test_below_ten_answers_nothing_is_shown_not_even_the_count(client, author):
    course = CourseFactory(title_en="Police and sex work")
    _answers(course, 9, relevance=2, quality=1, minutes=33)
    client.force_login(author)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Police and sex work" in html
    assert "Fewer than 10 answers: no results shown." in html
    assert "<dt>Answers</dt>" not in html
    for figure in (">9<", "33", "(100 %)", "mean"):
        assert figure not in html.split("Police and sex work", 1)[1].split("</section>")[0]


def test_staff_see_the_results(client, staff_user):
    give_totp(staff_user)
    client.force_login(staff_user)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["learner", "trainer", "org_admin", "coordinator"])
def test_everyone_else_gets_a_404(client, persona, request):
    user = request.getfixturevalue(persona)
    if persona == "org_admin":
        give_totp(user)
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_period_filters_the_answers(client, author):
    course = CourseFactory(title_en="Care and sex work")
    _answers(course, 12)
    CourseEvaluation.objects.update(
        submitted_at=dt.datetime(2027, 3, 20, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    )
    client.force_login(author)
    inside = client.get(URL, {"date_from": "2027-03-01", "date_to": "2027-03-31"})
    assert "<dt>Answers</dt><dd>12</dd>" in inside.content.decode()
    outside = client.get(URL, {"date_from": "2027-04-01", "date_to": "2027-04-30"})
    assert "No evaluations in this period." in outside.content.decode()


def test_a_bad_period_is_refused_with_a_message_per_field(client, author):
    client.force_login(author)
    response = client.get(URL, {"date_from": "2027-05-01", "date_to": "2027-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_to": ["The end date lies before the start date."]
    }
    assert response.context["results"] == []
    response = client.get(URL, {"date_from": "yesterday"})
    assert list(response.context["form"].errors) == ["date_from"]


def test_the_page_takes_the_same_queries_for_more_courses_and_answers(client, author):
    _answers(CourseFactory(), 10)
    client.force_login(author)
    client.get(URL)  # the first request of a session records it
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for count in (10, 25, 3):
        _answers(CourseFactory(), count)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["results"]) == 4
    assert len(many) == len(few)
