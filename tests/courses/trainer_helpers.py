"""Helpers for the trainer, assignment and reminder tests (plain functions, no fixtures)."""

from datetime import timedelta

from django.utils import timezone

from courses.models import Assignment, Course, Lesson
from courses.services import enrol, lesson_open
from courses.services.assignments import assignment_create
from organisations.models import Group, GroupMember
from tests.courses.factories import study_lesson
from tests.factories import GroupFactory, MemberFactory


def add_learners(organisation, count: int, *, group: Group | None = None, **user_fields) -> list:
    """``count`` new learners of ``organisation`` (and members of ``group`` when given)."""
    users = []
    for _ in range(count):
        user = MemberFactory(organisation=organisation, role="learner", **user_fields).user
        if group is not None:
            GroupMember.objects.create(group=group, user=user)
        users.append(user)
    return users


def make_group(organisation, *, members: int = 0, name: str | None = None) -> Group:
    group = GroupFactory(organisation=organisation, **({"name": name} if name else {}))
    add_learners(organisation, members, group=group)
    return group


def assign(trainer, course: Course, *, group=None, learners=(), days: int = 14, **kwargs):
    organisation = group.organisation if group is not None else kwargs.pop("organisation")
    return assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=trainer,
        due_date=timezone.localdate() + timedelta(days=days),
        group=group,
        learners=learners,
        **kwargs,
    )


def complete_lessons(user, course: Course, count: int | None = None):
    """Mark the first ``count`` (default: all) active lessons done; returns the enrolment."""
    enrolment = enrol(user=user, course=course)
    lessons = list(Lesson.objects.filter(course=course, is_active=True).order_by("position"))
    for lesson in lessons[: len(lessons) if count is None else count]:
        lesson_open(enrolment=enrolment, lesson=lesson)
        study_lesson(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    return enrolment


def make_past_due(assignment: Assignment, days: int = 3) -> Assignment:
    """Move the due date into the past (as time passing would)."""
    Assignment.objects.filter(pk=assignment.pk).update(
        due_date=timezone.localdate() - timedelta(days=days)
    )
    assignment.refresh_from_db()
    return assignment
