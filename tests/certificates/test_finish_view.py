"""The "finish" page: the course evaluation and registration number before an accredited
certificate (/certificates/courses/<slug>/finish/)."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from certificates.models import Certificate, CourseEvaluation
from courses.models import LessonProgress
from tests.accounts.helpers import check_markup
from tests.certificates.factories import AccreditationFactory, body
from tests.factories import CourseFactory, EnrolmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

COMPLETED = dt.datetime(2027, 3, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _english(learner):
    """The page and its messages in English (the learner's language)."""
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    with translation.override("en"):
        yield


@pytest.fixture
def course(db):
    return CourseFactory(slug="zorg-en-sekswerk", title_en="Care and sex work", minutes=90)


@pytest.fixture
def vvn(course):
    return AccreditationFactory(course=course, number="VVN-500100", points=Decimal("1.50"))


@pytest.fixture
def enrolment(learner, course, vvn):
    enrolment = EnrolmentFactory(
        user=learner, course=course, completed_at=COMPLETED, version_completed=1
    )
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=LessonFactory(module__course=course), seconds_spent=47 * 60
    )
    return enrolment


@pytest.fixture
def url(course):
    return reverse("certificates:finish", args=[course.slug])


def _data(accreditation, **fields):
    data = {
        "relevance": "4",
        "quality": "5",
        "minutes_reported": "75",
        "accreditation": str(accreditation.pk) if accreditation else "none",
    }
    data.update(fields)
    return data


def _checked(html: str) -> str:
    """The value of the checked accreditation radio."""
    match = re.search(r'<input type="radio" name="accreditation" value="(\w+)"[^>]* checked', html)
    return match.group(1) if match else ""


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_shows_the_evaluation_to_the_learner_whose_certificate_waits(
    client, learner, enrolment, url
):
    learner.vvn_number = "123456"
    learner.save(update_fields=["vvn_number"])
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert "How relevant was this course for your work?" in html
    assert "1 – not relevant" in html and "5 – very relevant" in html
    assert "The course states 90 minutes; the platform measured about 47 minutes" in html
    assert "Kwaliteitsregister V&amp;V (V&amp;VN): 1.5 points (Kwaliteitsregister V&amp;VN)" in html
    assert "None: I do not need accreditation points" in html
    assert 'value="123456"' in html  # prefilled from the profile
    assert 'name="date_of_birth"' not in html  # this register does not ask for it
    assert html.count("<legend") >= 3


def test_it_sends_visitors_to_the_login_page(client, enrolment, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_other_people_get_a_404(client, outsider, enrolment, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, _data(None)).status_code == 404
    assert not CourseEvaluation.objects.exists()


def test_an_incomplete_enrolment_gets_a_404(client, learner, enrolment, url):
    enrolment.completed_at = None
    enrolment.save(update_fields=["completed_at"])
    client.force_login(learner)
    assert client.get(url).status_code == 404


def test_a_completion_no_accreditation_covers_gets_a_404(client, learner, vvn, enrolment, url):
    vvn.valid_until = dt.date(2027, 3, 14)  # ended the day before the completion
    vvn.save(update_fields=["valid_until"])
    client.force_login(learner)
    assert client.get(url).status_code == 404


def test_it_stores_everything_and_prepares_the_certificate(
    client, learner, enrolment, vvn, url, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _data(vvn, vvn_number="123.456"))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:course", args=[enrolment.course.slug])
    assert _messages(response) == ["Thank you. Your certificate is being prepared."]
    evaluation = CourseEvaluation.objects.get(enrolment=enrolment)
    assert (evaluation.relevance, evaluation.quality, evaluation.minutes_reported) == (4, 5, 75)
    assert evaluation.accreditation == vvn
    learner.refresh_from_db()
    assert learner.vvn_number == "123456"
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert (certificate.registration_number, certificate.points) == ("123456", Decimal("1.50"))
    assert client.get(url).status_code == 404  # nothing left to finish


def test_a_forged_accreditation_is_refused_with_a_form_error(client, learner, enrolment, url):
    elsewhere = AccreditationFactory(body=body("skj"))  # another course's accreditation
    client.force_login(learner)
    response = client.post(url, _data(elsewhere, skj_number="1234567"))
    assert response.status_code == 200
    assert response.context["form"].errors["accreditation"] == [
        "Choose one of the accreditations listed."
    ]
    assert not CourseEvaluation.objects.exists()
    learner.refresh_from_db()
    assert learner.skj_number == ""


def test_a_second_submit_is_refused_with_a_message(client, learner, enrolment, vvn, url):
    client.force_login(learner)
    assert client.post(url, _data(vvn, vvn_number="123456")).status_code == 302
    response = client.post(url, _data(None, relevance="1"))
    assert response.status_code == 302
    assert _messages(response)[-1] == (
        "You have already answered the evaluation of this course. Thank you."
    )
    assert CourseEvaluation.objects.get().relevance == 4


def test_missing_answers_show_an_error_per_field_and_save_nothing(
    client, learner, enrolment, vvn, url
):
    client.force_login(learner)
    response = client.post(
        url, {"minutes_reported": "0", "accreditation": str(vvn.pk), "vvn_number": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["relevance"] == ["Choose how relevant the course was for your work."]
    assert errors["quality"] == ["Choose how good the course was."]
    assert errors["minutes_reported"] == ["Ensure this value is greater than or equal to 1."]
    assert check_markup(response.content.decode()) == []
    assert not CourseEvaluation.objects.exists()


def test_a_chosen_accreditation_needs_its_number(client, learner, enrolment, vvn, url):
    client.force_login(learner)
    response = client.post(url, _data(vvn, vvn_number=""))
    assert response.context["form"].errors["vvn_number"] == [
        "Fill in this number: the points of Kwaliteitsregister V&V (V&VN) are registered with it."
    ]
    assert not CourseEvaluation.objects.exists()


@pytest.mark.parametrize(
    ("slug", "field", "value", "message"),
    [
        ("aban", "big_number", "1234567890", "A BIG registration number has exactly 11 digits."),
        ("vvn", "vvn_number", "12345", "A Kwaliteitsregister V&VN number has 6 to 9 digits."),
        ("skj", "skj_number", "SKJ-12", "An SKJ registration number has 6 to 9 digits."),
        (
            "registerplein",
            "registerplein_number",
            "1234",
            "A Registerplein number has 5 to 9 digits.",
        ),
    ],
)
def test_it_validates_the_number_as_the_register_wants_it(
    client, learner, course, vvn, enrolment, url, slug, field, value, message
):
    accreditation = vvn if slug == "vvn" else AccreditationFactory(course=course, body=body(slug))
    client.force_login(learner)
    response = client.post(url, _data(accreditation, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not CourseEvaluation.objects.exists()
    learner.refresh_from_db()
    assert learner.registration_number(accreditation.body.register) == ""


def test_with_two_accreditations_only_the_chosen_one_needs_its_number(
    client, learner, course, enrolment, url
):
    skj = AccreditationFactory(course=course, body=body("skj"), points=Decimal("3"))
    client.force_login(learner)
    page = client.get(url).content.decode()
    assert 'name="vvn_number"' in page and 'name="skj_number"' in page
    response = client.post(url, _data(skj, skj_number="110012345", vvn_number=""))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.skj_number, learner.vvn_number) == ("110012345", "")
    assert CourseEvaluation.objects.get().accreditation == skj


def test_the_date_of_birth_is_asked_only_when_the_register_wants_it(
    client, learner, enrolment, vvn, url
):
    vvn.requires_date_of_birth = True
    vvn.save(update_fields=["requires_date_of_birth"])
    client.force_login(learner)
    assert 'type="date"' in client.get(url).content.decode()
    response = client.post(url, _data(vvn, vvn_number="123456"))
    assert response.context["form"].errors["date_of_birth"] == [
        "Enter your date of birth: the register of Kwaliteitsregister V&V (V&VN) asks for it."
    ]
    response = client.post(url, _data(vvn, vvn_number="123456", date_of_birth="2030-01-01"))
    assert response.context["form"].errors["date_of_birth"] == ["A date of birth lies in the past."]
    assert not CourseEvaluation.objects.exists()
    response = client.post(url, _data(vvn, vvn_number="123456", date_of_birth="1984-05-17"))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.date_of_birth == dt.date(1984, 5, 17)


def test_no_points_needs_no_number(client, learner, enrolment, url):
    client.force_login(learner)
    response = client.post(url, _data(None))
    assert response.status_code == 302
    assert CourseEvaluation.objects.get().accreditation is None


def test_replacing_a_number_in_the_profile_asks_for_the_password_again(
    client, learner, enrolment, vvn, url
):
    learner.vvn_number = "123456"
    learner.save(update_fields=["vvn_number"])
    client.force_login(learner)
    response = client.post(url, _data(vvn, vvn_number="654321"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not CourseEvaluation.objects.exists()
    learner.refresh_from_db()
    assert learner.vvn_number == "123456"
    # keeping the number needs no confirmation
    assert client.post(url, _data(vvn, vvn_number="123456"))["Location"] == reverse(
        "courses:course", args=[enrolment.course.slug]
    )


def test_after_the_evaluation_a_missing_number_can_be_added(
    client, learner, enrolment, vvn, url, django_capture_on_commit_callbacks
):
    CourseEvaluation.objects.create(
        enrolment=enrolment, relevance=4, quality=4, minutes_reported=60, accreditation=vvn
    )
    client.force_login(learner)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your registration number" in html
    assert 'name="relevance"' not in html
    assert _checked(html) == str(vvn.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"accreditation": str(vvn.pk), "vvn_number": "7654321"})
    assert response.status_code == 302
    assert Certificate.objects.get(enrolment=enrolment).registration_number == "7654321"
