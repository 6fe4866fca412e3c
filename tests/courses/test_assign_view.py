"""The "Assign a course" form /trainer/organisations/<id>/assign/."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, Course, Enrolment
from tests.courses.trainer_helpers import add_learners, make_group
from tests.factories import CourseFactory


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=3, name="Avondploeg")


def url(organisation):
    return reverse("trainer:assign", args=[organisation.pk])


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_it_shows_the_form_with_published_courses_groups_and_learners(
    client, trainer, organisation, group, course
):
    CourseFactory(status=Course.Status.DRAFT, title_nl="Conceptcursus")
    client.force_login(trainer)

    response = client.get(url(organisation))

    html = response.content.decode()
    assert response.status_code == 200
    assert course.title_nl in html and "Conceptcursus" not in html
    assert "Avondploeg" in html
    for member in group.members.all():
        assert f'value="{member.pk}"' in html
    for label in ("Course", "Due date", "Group", "Or choose learners", "Message to the learners"):
        assert label in html
    assert 'type="date"' in html


def test_it_assigns_a_course_to_a_group(
    client, trainer, organisation, group, course, django_capture_on_commit_callbacks
):
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(organisation),
            {"course": course.pk, "group": group.pk, "due_date": in_days(14), "message": "Succes!"},
        )

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trainer:group", args=[group.pk])
    assert assignment.group == group and assignment.assigned_by == trainer
    assert assignment.message == "Succes!"
    assert Enrolment.objects.filter(course=course, source="assigned").count() == 3
    assert len(mail.outbox) == 3


def test_it_assigns_a_course_to_chosen_learners(client, trainer, organisation, course):
    chosen = add_learners(organisation, 3)[:2]
    client.force_login(trainer)

    response = client.post(
        url(organisation),
        {"course": course.pk, "learners": [u.pk for u in chosen], "due_date": in_days(7)},
    )

    assignment = Assignment.objects.get()
    assert response["Location"] == reverse("trainer:assignment", args=[assignment.pk])
    assert set(assignment.learners.all()) == set(chosen)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"due_date": in_days(-1)}, "due_date", "The due date cannot be in the past."),
        ({"due_date": "31-31-2020"}, "due_date", "Enter a valid date"),
        ({"due_date": ""}, "due_date", "Give a due date."),
        ({"course": ""}, "course", "Choose the course to assign."),
        ({"group": ""}, "learners", "Choose a group or at least one learner."),
        ({"message": "x" * 2001}, "message", "2000"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, trainer, organisation, group, course, data, field, message
):
    client.force_login(trainer)
    post = {"course": course.pk, "group": group.pk, "due_date": in_days(10), **data}

    response = client.post(url(organisation), post)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message.split("{")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_group_and_learners_together_are_refused(client, trainer, organisation, group, course):
    client.force_login(trainer)
    other = add_learners(organisation, 1)[0]
    response = client.post(
        url(organisation),
        {"course": course.pk, "group": group.pk, "learners": [other.pk], "due_date": in_days(3)},
    )
    assert response.status_code == 400
    assert "not both" in " ".join(response.context["form"].errors["learners"])


def test_learners_of_another_organisation_are_refused(
    client, trainer, organisation, other_organisation, course
):
    stranger = add_learners(other_organisation, 1)[0]
    client.force_login(trainer)

    response = client.post(
        url(organisation), {"course": course.pk, "learners": [stranger.pk], "due_date": in_days(3)}
    )

    assert response.status_code == 400
    assert "not a member of this organisation" in " ".join(
        response.context["form"].errors["learners"]
    )
    assert not Assignment.objects.exists()


def test_a_course_already_assigned_to_the_group_is_refused(
    client, trainer, organisation, group, course
):
    client.force_login(trainer)
    data = {"course": course.pk, "group": group.pk, "due_date": in_days(3)}
    client.post(url(organisation), data)

    response = client.post(url(organisation), data)

    assert response.status_code == 400
    assert "already assigned" in " ".join(response.context["form"].errors["course"])
    assert Assignment.objects.count() == 1


def test_searching_learners_keeps_what_was_filled_in(client, trainer, organisation, course):
    people = add_learners(organisation, 3)
    people[0].name = "Fatima de Vries"
    people[0].save(update_fields=["name"])
    client.force_login(trainer)

    response = client.get(
        url(organisation),
        {"q": "fatima", "course": course.pk, "due_date": in_days(5), "learners": [people[2].pk]},
    )

    html = response.content.decode()
    options = response.context["learner_options"]
    assert {u.pk for u in options} == {people[0].pk, people[2].pk}  # the chosen one stays
    assert f'value="{in_days(5)}"' in html
    assert f'<option value="{course.pk}" selected>' in html
    assert f'id="learner-{people[2].pk}" checked' in html


def test_the_group_can_be_chosen_in_advance(client, trainer, organisation, group):
    client.force_login(trainer)
    html = client.get(url(organisation), {"group": group.pk}).content.decode()
    assert f'<option value="{group.pk}" selected>' in html


def test_an_outsider_trainer_gets_404(client, outsider, organisation):
    client.force_login(outsider)
    assert client.get(url(organisation)).status_code == 404
    assert client.post(url(organisation), {}).status_code == 404


def test_a_learner_gets_404(client, learner, organisation):
    client.force_login(learner)
    assert client.get(url(organisation)).status_code == 404
