"""The daily reminders (d7, d1, overdue), manual reminders and the weekly trainer overview."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import tasks
from courses.models import ReminderSent
from courses.services.assignments import assignment_unassign
from courses.services.reminders import (
    assignment_remind,
    reminders_send_due,
    trainer_overview_send_weekly,
)
from tests.courses.trainer_helpers import (
    add_learners,
    assign,
    complete_lessons,
    make_group,
    make_past_due,
)
from tests.factories import MemberFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DUE = dt.date(2030, 3, 20)


def at(day: dt.date, hour: int = 7):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM), tick=False
    )


@pytest.fixture
def run_day(django_capture_on_commit_callbacks):
    """Run the daily reminders on ``day``; returns the e-mails sent that day."""

    def run(day: dt.date) -> list:
        mail.outbox.clear()
        with at(day), django_capture_on_commit_callbacks(execute=True):
            tasks.send_due_reminders.delay()
        return list(mail.outbox)

    return run


@pytest.fixture
def assigned_group(organisation, trainer, course):
    """A group of a Dutch- and an English-speaking learner, the course due on DUE."""
    group = make_group(organisation, name="Wijkteam")
    add_learners(organisation, 1, group=group, user__preferred_language="nl")
    add_learners(organisation, 1, group=group, user__preferred_language="en")
    with at(DUE - dt.timedelta(days=20)):
        assignment = assign(trainer, course, group=group, days=20)
    assert assignment.due_date == DUE
    return group, assignment


def test_each_stage_goes_out_once_in_the_learners_language(assigned_group, course, run_day):
    group, assignment = assigned_group
    english = group.members.get(preferred_language="en")
    sent = {}
    for offset in range(-10, 6):
        day = DUE + dt.timedelta(days=offset)
        sent[offset] = run_day(day)
        run_day(day)  # a second run on the same day sends nothing more

    days_with_mail = {offset: len(messages) for offset, messages in sent.items() if messages}
    assert days_with_mail == {-7: 2, -1: 2, 1: 2}
    for offset, marker in ((-7, "One week left"), (-1, "Due tomorrow"), (1, "Past the due date")):
        by_address = {m.to[0]: m for m in sent[offset]}
        english_mail = by_address.pop(english.email)
        (dutch_mail,) = by_address.values()
        assert english_mail.subject == f"{marker}: {course.title_en}"
        assert course.title_nl in dutch_mail.subject
        assert course.title_en not in dutch_mail.subject
    assert set(
        ReminderSent.objects.filter(assignment=assignment).values_list("stage", flat=True)
    ) == {"d7", "d1", "overdue"}
    assert ReminderSent.objects.filter(assignment=assignment).exclude(stage="assigned").count() == 6


def test_learners_who_completed_get_no_reminders(assigned_group, course, run_day):
    group, assignment = assigned_group
    finisher = group.members.get(preferred_language="en")
    with at(DUE - dt.timedelta(days=9)):
        enrolment = complete_lessons(finisher, course)
    assert enrolment.completed_at is not None

    recipients = set()
    for offset in range(-8, 4):
        recipients |= {m.to[0] for m in run_day(DUE + dt.timedelta(days=offset))}

    assert finisher.email not in recipients
    assert len(recipients) == 1


def test_no_reminders_after_completion_midway(assigned_group, course, run_day):
    group, _assignment = assigned_group
    learner = group.members.get(preferred_language="nl")
    assert learner.email in {m.to[0] for m in run_day(DUE - dt.timedelta(days=7))}
    with at(DUE - dt.timedelta(days=3)):
        complete_lessons(learner, course)

    assert learner.email not in {m.to[0] for m in run_day(DUE - dt.timedelta(days=1))}
    assert learner.email not in {m.to[0] for m in run_day(DUE + dt.timedelta(days=1))}


def test_an_unassigned_course_sends_no_reminders(assigned_group, trainer, run_day):
    _group, assignment = assigned_group
    assignment_unassign(assignment=assignment, actor=trainer)

    assert run_day(DUE - dt.timedelta(days=7)) == []
    assert run_day(DUE + dt.timedelta(days=1)) == []


def test_a_newcomer_after_the_due_date_gets_the_overdue_reminder_once(
    organisation, assigned_group, trainer, run_day
):
    group, _assignment = assigned_group
    newcomer = add_learners(organisation, 1, group=group)[0]

    first = run_day(DUE + dt.timedelta(days=10))
    second = run_day(DUE + dt.timedelta(days=11))

    assert newcomer.email in {m.to[0] for m in first}
    assert second == []


def test_the_service_is_idempotent_without_the_task(assigned_group):
    _group, assignment = assigned_group
    with at(DUE - dt.timedelta(days=7)):
        assert reminders_send_due(today=timezone.localdate()) == 2
        assert reminders_send_due(today=timezone.localdate()) == 0


# --- manual reminders -----------------------------------------------------------------------


def test_a_trainer_reminds_those_not_done_once_a_day(
    assigned_group, trainer, course, django_capture_on_commit_callbacks
):
    group, assignment = assigned_group
    finisher = group.members.get(preferred_language="en")
    with at(DUE - dt.timedelta(days=12)):
        complete_lessons(finisher, course)

    mail.outbox.clear()
    with at(DUE - dt.timedelta(days=5), hour=10):
        with django_capture_on_commit_callbacks(execute=True):
            assert assignment_remind(assignment=assignment, actor=trainer) == 1
        with pytest.raises(ValidationError):
            assignment_remind(assignment=assignment, actor=trainer)
    assert [m.to[0] for m in mail.outbox] == [group.members.get(preferred_language="nl").email]
    assert mail.outbox[0].subject.endswith(course.title_nl)

    with at(DUE - dt.timedelta(days=4), hour=9):
        with django_capture_on_commit_callbacks(execute=True):
            assert assignment_remind(assignment=assignment, actor=trainer) == 1
    assert len(mail.outbox) == 2


def test_a_manual_reminder_is_refused_when_everyone_is_done(assigned_group, trainer, course):
    group, assignment = assigned_group
    with at(DUE - dt.timedelta(days=12)):
        for member in group.members.all():
            complete_lessons(member, course)
        with pytest.raises(ValidationError):
            assignment_remind(assignment=assignment, actor=trainer)


# --- the weekly overview --------------------------------------------------------------------


def test_trainers_get_a_weekly_overview_of_overdue_learners(
    organisation, other_organisation, trainer, outsider, course, django_capture_on_commit_callbacks
):
    group = make_group(organisation, name="Recherche")
    late, done = add_learners(organisation, 2, group=group)
    late.name = "Lara Laat"
    late.save(update_fields=["name"])
    assignment = make_past_due(assign(trainer, course, group=group))
    complete_lessons(done, course)
    other_group = make_group(other_organisation, members=1)
    make_past_due(assign(outsider, course, group=other_group))
    unrelated_trainer = MemberFactory(organisation=other_organisation, role="learner").user
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_weekly_trainer_overview.delay()

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {trainer.email, outsider.email}
    body = by_address[trainer.email].body
    assert "Recherche" in body
    assert course.title_nl in body
    assert "Lara Laat" in body
    assert done.get_full_name() not in body
    assert f"/trainer/groups/{group.pk}/" in body
    assert other_group.name not in body
    assert unrelated_trainer.email not in by_address
    assert by_address[trainer.email].subject.startswith("Weekly overview: 1 learner")
    assert assignment.pk


def test_the_weekly_overview_goes_out_once_per_week(
    organisation, trainer, course, django_capture_on_commit_callbacks
):
    group = make_group(organisation, members=1)
    make_past_due(assign(trainer, course, group=group))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert trainer_overview_send_weekly(today=timezone.localdate()) == 1
        assert trainer_overview_send_weekly(today=timezone.localdate()) == 0
    assert len(mail.outbox) == 1


def test_trainers_without_overdue_learners_get_no_overview(
    organisation, trainer, course, django_capture_on_commit_callbacks
):
    group = make_group(organisation, members=2)
    assign(trainer, course, group=group)  # due in two weeks
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert trainer_overview_send_weekly(today=timezone.localdate()) == 0
    assert mail.outbox == []


def test_trainers_of_a_parent_organisation_see_their_units(
    organisation, trainer, course, django_capture_on_commit_callbacks
):
    from tests.factories import OrganisationFactory

    unit = OrganisationFactory(parent=organisation, name="Eenheid Zuid")
    group = make_group(unit, members=1, name="Zuidploeg")
    make_past_due(assign(trainer, course, group=group))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        trainer_overview_send_weekly(today=timezone.localdate())

    assert [m.to[0] for m in mail.outbox] == [trainer.email]
    assert "Zuidploeg" in mail.outbox[0].body


def test_the_beat_schedule_runs_the_reminders_daily_and_the_overview_weekly(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily = schedule["courses-due-reminders"]
    weekly = schedule["courses-weekly-trainer-overview"]
    assert daily["task"] == "courses.tasks.send_due_reminders"
    assert weekly["task"] == "courses.tasks.send_weekly_trainer_overview"
    assert daily["schedule"].hour == {7} and daily["schedule"].minute == {0}
    assert weekly["schedule"].day_of_week == {1} and weekly["schedule"].minute == {30}
