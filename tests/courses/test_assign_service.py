"""assignment_create, assignment_unassign and the group-join handler."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.models import Assignment, Course, Enrolment, ReminderSent
from courses.services.assignments import (
    assignment_create,
    assignment_unassign,
    assignment_update_due_date,
)
from courses.services.reminders import assignment_notice_send
from organisations.services import group_add_member
from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group
from tests.factories import MemberFactory, OrganisationFactory


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=3, name="Basisteam Noord")


def test_it_assigns_a_course_to_a_group_and_enrols_every_member(
    trainer, group, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign(trainer, course, group=group, message="Graag voor de zomer.")

    members = set(group.members.values_list("pk", flat=True))
    enrolments = Enrolment.objects.filter(course=course)
    assert set(enrolments.values_list("user_id", flat=True)) == members
    assert set(enrolments.values_list("source", flat=True)) == {"assigned"}
    assert set(enrolments.values_list("organisation_id", flat=True)) == {group.organisation_id}
    assert assignment.organisation == group.organisation
    assert len(mail.outbox) == 3
    assert "Graag voor de zomer." in mail.outbox[0].body
    assert ReminderSent.objects.filter(assignment=assignment, stage="assigned").count() == 3


def test_it_writes_the_notice_in_each_learners_language(
    trainer, organisation, course, django_capture_on_commit_callbacks
):
    group = make_group(organisation)
    dutch, english = add_learners(organisation, 1, group=group) + add_learners(
        organisation, 1, group=group, user__preferred_language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assign(trainer, course, group=group)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    # Course titles exist per language (the UI strings are translated centrally later).
    assert course.title_nl in subjects[dutch.email]
    assert course.title_en not in subjects[dutch.email]
    assert course.title_en in subjects[english.email]
    assert subjects[english.email].startswith("New course for you")


def test_it_keeps_an_existing_self_enrolment_and_its_progress(trainer, group, course):
    member = group.members.first()
    before = complete_lessons(member, course, count=1)

    assign(trainer, course, group=group)

    enrolment = Enrolment.objects.get(user=member, course=course)
    assert enrolment.pk == before.pk
    assert enrolment.source == "self"
    assert enrolment.lessons_completed == 1


def test_it_enrols_people_who_join_the_group_later(
    trainer, organisation, group, course, django_capture_on_commit_callbacks
):
    assignment = assign(trainer, course, group=group)
    newcomer = MemberFactory(organisation=organisation, user__preferred_language="en").user
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        group_add_member(group=group, user=newcomer, actor=trainer)

    enrolment = Enrolment.objects.get(user=newcomer, course=course)
    assert enrolment.source == "assigned"
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    assert mail.outbox[0].subject.startswith("New course for you")
    assert ReminderSent.objects.filter(assignment=assignment, user=newcomer).exists()


def test_it_does_not_enrol_newcomers_in_an_unassigned_course(
    trainer, organisation, group, course, django_capture_on_commit_callbacks
):
    assignment = assign(trainer, course, group=group)
    assignment_unassign(assignment=assignment, actor=trainer)
    newcomer = MemberFactory(organisation=organisation).user

    with django_capture_on_commit_callbacks(execute=True):
        group_add_member(group=group, user=newcomer, actor=trainer)

    assert not Enrolment.objects.filter(user=newcomer, course=course).exists()


def test_it_assigns_to_chosen_learners_of_a_sub_organisation(trainer, organisation, course):
    unit = OrganisationFactory(parent=organisation, name="Eenheid Oost")
    chosen = add_learners(unit, 2)
    add_learners(unit, 1)  # not chosen

    assignment = assign(trainer, course, learners=chosen, organisation=organisation)

    assert set(assignment.learners.all()) == set(chosen)
    enrolments = Enrolment.objects.filter(course=course)
    assert set(enrolments.values_list("user_id", flat=True)) == {u.pk for u in chosen}
    # the enrolment counts for the learner's own (deepest) organisation
    assert set(enrolments.values_list("organisation_id", flat=True)) == {unit.pk}


def test_it_rejects_a_due_date_in_the_past(trainer, group, course):
    with pytest.raises(ValidationError) as error:
        assign(trainer, course, group=group, days=-1)

    assert "due_date" in error.value.error_dict
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_it_accepts_today_as_due_date(trainer, group, course):
    assert assign(trainer, course, group=group, days=0).due_date == timezone.localdate()


def test_it_requires_a_group_or_learners(trainer, organisation, course):
    with pytest.raises(ValidationError) as error:
        assign(trainer, course, organisation=organisation)
    assert "learners" in error.value.error_dict


def test_it_rejects_learners_of_another_organisation(
    trainer, organisation, other_organisation, course
):
    stranger = add_learners(other_organisation, 1)[0]

    with pytest.raises(ValidationError) as error:
        assign(trainer, course, learners=[stranger], organisation=organisation)

    assert "learners" in error.value.error_dict
    assert not Enrolment.objects.filter(user=stranger).exists()


def test_it_refuses_a_trainer_of_another_organisation(outsider, group, course):
    with pytest.raises(PermissionDenied):
        assign(outsider, course, group=group)
    assert not Assignment.objects.exists()


def test_it_refuses_a_learner(learner, group, course):
    with pytest.raises(PermissionDenied):
        assign(learner, course, group=group)


def test_it_rejects_a_draft_course(trainer, group, course):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    course.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        assign(trainer, course, group=group)
    assert "course" in error.value.error_dict


def test_it_rejects_assigning_the_same_course_to_a_group_twice(trainer, group, course):
    first = assign(trainer, course, group=group)
    with pytest.raises(ValidationError):
        assign(trainer, course, group=group)

    assignment_unassign(assignment=first, actor=trainer)
    assert assign(trainer, course, group=group).pk != first.pk


def test_it_rejects_a_group_of_another_organisation(
    trainer, organisation, other_organisation, course
):
    foreign = make_group(other_organisation, members=1)
    with pytest.raises(PermissionDenied):
        assignment_create(
            organisation=organisation,
            course=course,
            assigned_by=trainer,
            due_date=timezone.localdate() + timedelta(days=3),
            group=foreign,
        )


def test_unassigning_keeps_enrolments_and_progress(trainer, group, course):
    assignment = assign(trainer, course, group=group)
    member = group.members.first()
    complete_lessons(member, course, count=2)

    assert assignment_unassign(assignment=assignment, actor=trainer) is True
    assert assignment_unassign(assignment=assignment, actor=trainer) is False

    assignment.refresh_from_db()
    assert assignment.unassigned_at is not None
    assert Enrolment.objects.filter(course=course).count() == 3
    assert Enrolment.objects.get(user=member, course=course).lessons_completed == 2


def test_an_outsider_cannot_unassign(trainer, outsider, group, course):
    assignment = assign(trainer, course, group=group)
    with pytest.raises(PermissionDenied):
        assignment_unassign(assignment=assignment, actor=outsider)


def test_the_notice_goes_out_once_per_learner(trainer, group, course):
    assignment = assign(trainer, course, group=group)
    ids = list(group.members.values_list("pk", flat=True))
    mail.outbox.clear()
    ReminderSent.objects.all().delete()

    assert assignment_notice_send(assignment=assignment, user_ids=ids) == 3
    assert assignment_notice_send(assignment=assignment, user_ids=ids) == 0


def test_moving_the_due_date_restarts_the_reminder_stages(trainer, group, course):
    assignment = assign(trainer, course, group=group)
    member = group.members.first()
    ReminderSent.objects.create(assignment=assignment, user=member, stage="assigned")
    ReminderSent.objects.create(assignment=assignment, user=member, stage="d7")

    assignment_update_due_date(
        assignment=assignment,
        due_date=timezone.localdate() + timedelta(days=30),
        actor=trainer,
    )

    assert not ReminderSent.objects.filter(assignment=assignment, stage="d7").exists()
    assert ReminderSent.objects.filter(assignment=assignment, stage="assigned").exists()


def test_the_due_date_cannot_move_into_the_past(trainer, group, course):
    assignment = assign(trainer, course, group=group)
    with pytest.raises(ValidationError):
        assignment_update_due_date(
            assignment=assignment,
            due_date=timezone.localdate() - timedelta(days=1),
            actor=trainer,
        )
