"""Enrolling: the ``enrol`` service and the self-enrol button on the course page."""

from django.urls import reverse

from courses.models import Course, Enrolment
from courses.services import enrol
from tests.factories import MemberFactory, UserFactory


def enrol_url(course):
    return reverse("courses:enrol", args=[course.slug])


# The service ---------------------------------------------------------------------------------


def test_it_enrols_with_the_course_version_and_the_learners_organisation(
    learner, organisation, course
):
    course.version = 3
    course.save(update_fields=["version"])

    enrolment = enrol(user=learner, course=course)

    assert enrolment.user == learner and enrolment.course == course
    assert enrolment.organisation == organisation
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.version_started == 3
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (0, 0)
    assert enrolment.started_at is None and enrolment.completed_at is None


def test_it_is_idempotent(learner, course):
    first = enrol(user=learner, course=course)

    second = enrol(user=learner, course=course, source=Enrolment.Source.ASSIGNED)

    assert second.pk == first.pk
    assert second.source == Enrolment.Source.SELF
    assert Enrolment.objects.count() == 1


def test_it_uses_the_first_membership_when_the_learner_has_several(
    learner, organisation, other_organisation, course
):
    MemberFactory(user=learner, organisation=other_organisation)

    assert enrol(user=learner, course=course).organisation == organisation


def test_it_takes_an_explicit_organisation_and_source(learner, other_organisation, course):
    enrolment = enrol(
        user=learner,
        course=course,
        organisation=other_organisation,
        source=Enrolment.Source.ASSIGNED,
    )

    assert enrolment.organisation == other_organisation
    assert enrolment.source == Enrolment.Source.ASSIGNED


def test_a_person_without_organisation_is_enrolled_without_one(db, course):
    person = UserFactory()

    assert enrol(user=person, course=course).organisation is None


# The view ------------------------------------------------------------------------------------


def test_a_learner_enrols_with_the_button(client, learner, course):
    client.force_login(learner)

    response = client.post(enrol_url(course))

    assert response.status_code == 302
    assert response.url == reverse("courses:course", args=[course.slug])
    assert Enrolment.objects.filter(user=learner, course=course).exists()
    page = client.get(response.url)
    assert "You are enrolled" in page.content.decode()
    assert "Start the course" in page.content.decode()


def test_enrolling_twice_keeps_one_enrolment(client, learner, course):
    client.force_login(learner)

    client.post(enrol_url(course))
    client.post(enrol_url(course))

    assert Enrolment.objects.filter(user=learner).count() == 1


def test_someone_of_another_organisation_may_enrol_in_a_public_course(
    client, outsider, other_organisation, course
):
    client.force_login(outsider)

    client.post(enrol_url(course))

    assert Enrolment.objects.get(user=outsider).organisation == other_organisation


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_saved(client, course):
    response = client.post(enrol_url(course))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Enrolment.objects.count() == 0


def test_enrolling_needs_a_post(client, learner, course):
    client.force_login(learner)

    assert client.get(enrol_url(course)).status_code == 405
    assert Enrolment.objects.count() == 0


def test_a_draft_course_is_not_found(client, learner, course):
    course.status = Course.Status.DRAFT
    course.save(update_fields=["status"])
    client.force_login(learner)

    assert client.post(enrol_url(course)).status_code == 404
    assert Enrolment.objects.count() == 0


def test_an_unknown_course_is_not_found(client, learner):
    client.force_login(learner)

    assert client.post(reverse("courses:enrol", args=["bestaat-niet"])).status_code == 404
