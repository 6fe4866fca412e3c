"""One learner's progress for a trainer: /trainer/groups/<id>/learners/<user_id>/."""

import pytest
from django.urls import reverse

from courses.models import LessonProgress
from tests.courses.factories import make_course
from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group
from tests.factories import GroupMemberFactory


@pytest.fixture
def group(organisation):
    return make_group(organisation, name="Dagdienst")


@pytest.fixture
def member(organisation, group):
    person = add_learners(organisation, 1, group=group)[0]
    person.name = "Sanne Smit"
    person.save(update_fields=["name"])
    return person


def url(group, user):
    return reverse("trainer:group_learner", args=[group.pk, user.pk])


def test_it_shows_lessons_done_and_last_activity_per_course_but_no_study_time(
    client, trainer, group, member, course
):
    """Trainers follow progress and completion; measured minutes are for the learner and
    accreditation only (monitoring staff behaviour needs the works council's consent)."""
    other = make_course(lessons=2, title_nl="Andere cursus")
    assign(trainer, course, group=group)
    assign(trainer, other, group=group)
    enrolment = complete_lessons(member, course, count=2)
    LessonProgress.objects.filter(enrolment=enrolment).update(seconds_spent=390)
    client.force_login(trainer)

    response = client.get(url(group, member))

    assert response.status_code == 200
    details = {d.column.course: d for d in response.context["courses"]}
    assert details[course].lessons_done == 2
    assert len(details[course].lessons) == 4
    assert details[other].lessons_done == 0
    html = response.content.decode()
    assert "Sanne Smit" in html
    assert "2 of 4" in html
    assert "Andere cursus" in html
    assert "13 min" not in html and "6 min" not in html
    assert "Time spent" not in html


def test_someone_outside_the_group_gets_404(client, trainer, organisation, group):
    stranger = add_learners(organisation, 1)[0]
    client.force_login(trainer)
    assert client.get(url(group, stranger)).status_code == 404


def test_an_outsider_trainer_gets_404(client, outsider, group, member):
    client.force_login(outsider)
    assert client.get(url(group, member)).status_code == 404


def test_the_learner_themself_gets_404(client, group, member):
    client.force_login(member)
    assert client.get(url(group, member)).status_code == 404


def test_a_group_member_cannot_see_a_colleague(client, learner, group, member):
    GroupMemberFactory(group=group, user=learner)
    client.force_login(learner)
    assert client.get(url(group, member)).status_code == 404


def test_the_assignment_learner_page_shows_a_chosen_learner(
    client, trainer, organisation, member, course
):
    assignment = assign(trainer, course, learners=[member], organisation=organisation)
    other = add_learners(organisation, 1)[0]
    client.force_login(trainer)

    ok = client.get(reverse("trainer:assignment_learner", args=[assignment.pk, member.pk]))
    missing = client.get(reverse("trainer:assignment_learner", args=[assignment.pk, other.pk]))

    assert ok.status_code == 200 and "Sanne Smit" in ok.content.decode()
    assert missing.status_code == 404


def test_the_assignment_learner_page_of_a_group_assignment(
    client, trainer, organisation, group, member, course
):
    assignment = assign(trainer, course, group=group)
    other_group = make_group(organisation, name="Nachtdienst")
    GroupMemberFactory(group=other_group, user=member)
    assign(trainer, course, learners=[member], organisation=organisation)
    client.force_login(trainer)

    response = client.get(reverse("trainer:assignment_learner", args=[assignment.pk, member.pk]))

    assert response.status_code == 200
