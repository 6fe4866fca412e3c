"""Reminders, unassigning and moving the due date from the trainer pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, Enrolment
from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=3, name="Vroege dienst")


@pytest.fixture
def assignment(trainer, group, course):
    return assign(trainer, course, group=group)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- reminders ------------------------------------------------------------------------------


def test_a_trainer_sends_a_reminder_to_those_not_done(
    client, trainer, group, course, assignment, django_capture_on_commit_callbacks
):
    complete_lessons(group.members.first(), course)
    mail.outbox.clear()
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("trainer:remind", args=[assignment.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("trainer:group", args=[group.pk])
    assert len(mail.outbox) == 2
    assert any("2 learners" in m for m in messages_of(response))
    assert "Reminder sent today" in response.content.decode()


def test_a_second_reminder_on_the_same_day_is_refused(client, trainer, assignment):
    client.force_login(trainer)
    client.post(reverse("trainer:remind", args=[assignment.pk]))

    response = client.post(reverse("trainer:remind", args=[assignment.pk]), follow=True)

    assert any("already sent today" in m for m in messages_of(response))


def test_reminding_needs_a_post(client, trainer, assignment):
    client.force_login(trainer)
    assert client.get(reverse("trainer:remind", args=[assignment.pk])).status_code == 405


def test_an_outsider_cannot_send_reminders(client, outsider, assignment):
    client.force_login(outsider)
    assert client.post(reverse("trainer:remind", args=[assignment.pk])).status_code == 404
    assert Assignment.objects.get().last_reminded_at is None


def test_a_learner_cannot_send_reminders(client, learner, assignment):
    client.force_login(learner)
    assert client.post(reverse("trainer:remind", args=[assignment.pk])).status_code == 404


# --- unassigning ----------------------------------------------------------------------------


def test_unassigning_asks_for_confirmation_first(client, trainer, assignment, course):
    client.force_login(trainer)

    response = client.get(reverse("trainer:unassign", args=[assignment.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, unassign the course" in html
    assert "3 members" in html
    assert Assignment.objects.get().unassigned_at is None


def test_unassigning_keeps_the_learners_progress(client, trainer, group, course, assignment):
    complete_lessons(group.members.first(), course, count=1)
    client.force_login(trainer)

    response = client.post(reverse("trainer:unassign", args=[assignment.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("trainer:group", args=[group.pk])
    assert Assignment.objects.get().unassigned_at is not None
    assert Enrolment.objects.filter(course=course).count() == 3
    assert "No course is assigned to this group yet." in response.content.decode()
    # a second attempt finds nothing to unassign
    assert client.post(reverse("trainer:unassign", args=[assignment.pk])).status_code == 404


def test_an_outsider_cannot_unassign(client, outsider, assignment):
    client.force_login(outsider)
    assert client.get(reverse("trainer:unassign", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("trainer:unassign", args=[assignment.pk])).status_code == 404
    assert Assignment.objects.get().unassigned_at is None


# --- the due date ---------------------------------------------------------------------------


def test_the_due_date_can_be_moved(client, trainer, group, assignment):
    new_date = timezone.localdate() + timedelta(days=40)
    client.force_login(trainer)

    response = client.post(
        reverse("trainer:due_date", args=[assignment.pk]), {"due_date": new_date.isoformat()}
    )

    assert response.status_code == 302
    assert Assignment.objects.get().due_date == new_date


@pytest.mark.parametrize("value", ["", "gisteren", "yesterday"])
def test_a_bad_due_date_is_refused_and_nothing_changes(client, trainer, assignment, value):
    if value == "yesterday":
        value = (timezone.localdate() - timedelta(days=1)).isoformat()
    client.force_login(trainer)

    response = client.post(reverse("trainer:due_date", args=[assignment.pk]), {"due_date": value})

    assert response.status_code == 400
    assert response.context["form"].errors["due_date"]
    assert Assignment.objects.get().due_date == assignment.due_date


def test_an_outsider_cannot_move_the_due_date(client, outsider, assignment):
    client.force_login(outsider)
    response = client.post(
        reverse("trainer:due_date", args=[assignment.pk]),
        {"due_date": (timezone.localdate() + timedelta(days=50)).isoformat()},
    )
    assert response.status_code == 404
    assert Assignment.objects.get().due_date == assignment.due_date


# --- the page of an assignment to chosen learners -------------------------------------------


def test_the_assignment_page_shows_the_chosen_learners(client, trainer, organisation, course):
    chosen = add_learners(organisation, 2)
    assignment = assign(
        trainer, course, learners=chosen, organisation=organisation, message="Voor 1 juli"
    )
    client.force_login(trainer)

    response = client.get(reverse("trainer:assignment", args=[assignment.pk]))

    assert response.status_code == 200
    assert {row.learner for row in response.context["rows"]} == set(chosen)
    html = response.content.decode()
    assert "Voor 1 juli" in html
    assert "Send a reminder to those not done" in html


def test_a_group_assignment_page_leads_to_the_group(client, trainer, group, assignment):
    client.force_login(trainer)
    response = client.get(reverse("trainer:assignment", args=[assignment.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("trainer:group", args=[group.pk]) + f"?course={assignment.pk}"
    )


def test_an_outsider_cannot_open_an_assignment(client, outsider, trainer, organisation, course):
    assignment = assign(
        trainer, course, learners=add_learners(organisation, 1), organisation=organisation
    )
    client.force_login(outsider)
    assert client.get(reverse("trainer:assignment", args=[assignment.pk])).status_code == 404
