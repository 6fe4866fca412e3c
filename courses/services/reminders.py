"""E-mails about assignments: the notice, the reminders and the trainers' weekly overview.

- The notice (``assignment_notice_send``) tells a learner a course was assigned to them.
- Reminders (``reminders_send_due``, daily): ``d7`` seven days before the due date, ``d1`` the
  day before, ``overdue`` once after it, for every assignee who has not completed the course.
  Each stage goes out at most once per assignment and learner: the ``ReminderSent`` row is
  inserted first (unique constraint, inside a savepoint) and only the caller that inserted it
  sends the e-mail. The notice uses the same guard (stage ``assigned``).
- Manual reminders (``assignment_remind``): a trainer may remind the assignees who are not done,
  at most once per assignment per day, claimed with a conditional ``UPDATE`` of
  ``Assignment.last_reminded_at``; the e-mails go out from a task (``reminder_send_manual``).
- The weekly overview (``trainer_overview_send_weekly``) tells each trainer which learners are
  overdue, per group and course: the assignments of the organisations where they hold the
  trainer role (directly or on an ancestor). A ``TrainerOverviewSent`` row per ISO week and
  trainer keeps a redelivered task from sending it twice.

Every e-mail is rendered in the recipient's preferred language (``translation.override``) from
``templates/courses/email/<name>_subject.txt`` and ``<name>_body.txt`` and sent after commit.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.models import User
from courses.models import Assignment, Course, Enrolment, ReminderSent, TrainerOverviewSent
from courses.services.assignments import (
    active_assignments,
    assignment_assignee_ids,
    assignment_not_done_ids,
)
from organisations import permissions
from organisations.models import Membership, Organisation, Role

logger = logging.getLogger(__name__)

Stage = ReminderSent.Stage
STAGE_DAYS_BEFORE = {Stage.WEEK_BEFORE: 7, Stage.DAY_BEFORE: 1}


# --- e-mail ---------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _course_url(course: Course) -> str:
    try:
        return _absolute(reverse("courses:course", args=[course.slug]))
    except Exception:  # the learner pages may name it differently; the catalogue always exists
        return _absolute(reverse("courses:catalogue"))


def _my_learning_url() -> str:
    try:
        return _absolute(reverse("courses:my_learning"))
    except Exception:
        return _absolute(reverse("courses:catalogue"))


def _render_mail(*, user: User, template: str, context: dict) -> EmailMessage:
    """Subject and body from templates/courses/email/<template>_{subject,body}.txt, in the
    recipient's preferred language."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "site_url": settings.SITE_URL,
            "my_learning_url": _my_learning_url(),
            **context,
        }
        subject = render_to_string(f"courses/email/{template}_subject.txt", context)
        body = render_to_string(f"courses/email/{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def _send(messages: list[EmailMessage]) -> int:
    """Send after commit; a failing mail server is logged, never raised into the caller."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("Could not send %d course e-mails", len(messages))
        return 0


def _assignment_mail(assignment: Assignment, user: User, template: str, **extra) -> EmailMessage:
    enrolment = Enrolment.objects.filter(user=user, course_id=assignment.course_id).first()
    return _render_mail(
        user=user,
        template=template,
        context={
            "assignment": assignment,
            "course": assignment.course,
            "enrolment": enrolment,
            "course_url": _course_url(assignment.course),
            "days_left": (assignment.due_date - timezone.localdate()).days,
            **extra,
        },
    )


def _claim(assignment: Assignment, user_id: int, stage: str) -> bool:
    """Insert the guard row; True only for the caller that inserted it."""
    try:
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                assignment=assignment, user_id=user_id, stage=stage
            )
    except IntegrityError:  # lost a race with another process: it sends, we do not
        return False
    return created


def _send_guarded(assignment: Assignment, user_ids: Iterable[int], stage: str) -> int:
    user_ids = list(user_ids)
    already = set(
        ReminderSent.objects.filter(
            assignment=assignment, stage=stage, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    users = User.objects.filter(pk__in=[pk for pk in user_ids if pk not in already], is_active=True)
    template = "assignment_notice" if stage == Stage.ASSIGNED else f"reminder_{stage}"
    messages = [
        _assignment_mail(assignment, user, template)
        for user in users
        if _claim(assignment, user.pk, stage)
    ]
    transaction.on_commit(lambda: _send(messages))
    return len(messages)


@transaction.atomic
def assignment_notice_send(*, assignment: Assignment, user_ids: Iterable[int]) -> int:
    """The "a course was assigned to you" e-mail, once per assignment and learner."""
    if assignment.unassigned_at is not None:
        return 0
    current = set(assignment_assignee_ids(assignment=assignment))
    return _send_guarded(assignment, [pk for pk in user_ids if pk in current], Stage.ASSIGNED)


# --- reminders ------------------------------------------------------------------------------


def _stage_for(due_date: date, today: date) -> str | None:
    days_left = (due_date - today).days
    if days_left < 0:
        return Stage.OVERDUE
    for stage, days in STAGE_DAYS_BEFORE.items():
        if days_left == days:
            return stage
    return None


@transaction.atomic
def reminders_send_due(*, today: date) -> int:
    """The daily reminders (module docstring). Safe to run more than once a day."""
    due_dates = [today + timedelta(days=days) for days in STAGE_DAYS_BEFORE.values()]
    assignments = (
        active_assignments()
        .filter(Q(due_date__in=due_dates) | Q(due_date__lt=today))
        .filter(course__status=Course.Status.PUBLISHED)
        .select_related("course", "organisation", "group")
    )
    sent = 0
    for assignment in assignments:
        stage = _stage_for(assignment.due_date, today)
        if stage is None:
            continue
        not_done = assignment_not_done_ids(
            assignment=assignment, user_ids=assignment_assignee_ids(assignment=assignment)
        )
        sent += _send_guarded(assignment, not_done, stage)
    return sent


def _start_of_today() -> datetime:
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def assignment_remind(*, assignment: Assignment, actor: User) -> int:
    """A trainer's "remind those not done": at most once per assignment per day. Returns how many
    learners get a reminder; raises ValidationError when there is nobody or it was sent today."""
    if not permissions.can_manage_groups(actor, assignment.organisation):
        raise PermissionDenied
    if assignment.unassigned_at is not None:
        raise ValidationError(_("This course is no longer assigned."))
    not_done = assignment_not_done_ids(
        assignment=assignment, user_ids=assignment_assignee_ids(assignment=assignment)
    )
    if not not_done:
        raise ValidationError(_("Everyone has completed this course; nobody needs a reminder."))
    now = timezone.now()
    claimed = (
        Assignment.objects.filter(pk=assignment.pk)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=_start_of_today()))
        .update(last_reminded_at=now)
    )
    if not claimed:
        raise ValidationError(
            _("A reminder for this course was already sent today. You can send another tomorrow.")
        )
    assignment.last_reminded_at = now
    from courses.tasks import send_assignment_reminder

    outbox.enqueue(send_assignment_reminder, assignment.pk, not_done)
    return len(not_done)


@transaction.atomic
def reminder_send_manual(*, assignment: Assignment, user_ids: Iterable[int]) -> int:
    """Send the manual reminder to those of ``user_ids`` who are still assigned and not done."""
    if assignment.unassigned_at is not None:
        return 0
    current = set(assignment_assignee_ids(assignment=assignment))
    not_done = assignment_not_done_ids(
        assignment=assignment, user_ids=[pk for pk in user_ids if pk in current]
    )
    users = User.objects.filter(pk__in=not_done, is_active=True)
    messages = [_assignment_mail(assignment, user, "reminder_manual") for user in users]
    transaction.on_commit(lambda: _send(messages))
    return len(messages)


# --- the weekly overview for trainers -------------------------------------------------------


def overdue_by_assignment(*, today: date) -> dict[Assignment, list[User]]:
    """Every active assignment past its due date with the assignees who have not completed it."""
    result: dict[Assignment, list[User]] = {}
    assignments = (
        active_assignments()
        .filter(due_date__lt=today, course__status=Course.Status.PUBLISHED)
        .select_related("course", "group", "organisation")
        .order_by("due_date", "pk")
    )
    for assignment in assignments:
        not_done = assignment_not_done_ids(
            assignment=assignment, user_ids=assignment_assignee_ids(assignment=assignment)
        )
        if not_done:
            result[assignment] = list(
                User.objects.filter(pk__in=not_done).order_by("name", "email")
            )
    return result


def _trainers_by_organisation(organisation_ids: set[int]) -> dict[int, set[int]]:
    """organisation id → ids of the trainers who hold the role there or on an ancestor."""
    organisations = Organisation.objects.filter(pk__in=organisation_ids).only("pk", "path")
    lineage = {org.pk: org.lineage_ids for org in organisations}
    all_ids = {pk for ids in lineage.values() for pk in ids}
    trainers_at: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(
        role=Role.TRAINER, organisation_id__in=all_ids, user__is_active=True
    ).values_list("user_id", "organisation_id"):
        trainers_at[organisation_id].add(user_id)
    return {
        org_id: set().union(*(trainers_at[pk] for pk in ids)) if ids else set()
        for org_id, ids in lineage.items()
    }


@transaction.atomic
def trainer_overview_send_weekly(*, today: date) -> int:
    """One e-mail per trainer with overdue learners, per group and course. Returns mails sent."""
    overdue = overdue_by_assignment(today=today)
    trainers_of = _trainers_by_organisation({a.organisation_id for a in overdue})
    sections_for: dict[int, list[tuple[Assignment, list[User]]]] = defaultdict(list)
    for assignment, learners in overdue.items():
        for trainer_id in trainers_of.get(assignment.organisation_id, ()):
            sections_for[trainer_id].append((assignment, learners))
    monday = today - timedelta(days=today.weekday())
    messages = []
    for trainer in User.objects.filter(pk__in=sections_for, is_active=True).order_by("pk"):
        try:
            with transaction.atomic():
                _, created = TrainerOverviewSent.objects.get_or_create(user=trainer, week=monday)
        except IntegrityError:  # another process claimed this week's overview
            created = False
        if not created:
            continue
        sections = sorted(
            sections_for[trainer.pk],
            key=lambda item: (item[0].group.name if item[0].group else "", item[0].due_date),
        )
        messages.append(
            _render_mail(
                user=trainer,
                template="trainer_overview",
                context={
                    "sections": [
                        {
                            "assignment": assignment,
                            "course": assignment.course,
                            "group": assignment.group,
                            "learners": learners,
                            "url": _absolute(
                                reverse("trainer:group", args=[assignment.group_id])
                                if assignment.group_id
                                else reverse("trainer:assignment", args=[assignment.pk])
                            ),
                        }
                        for assignment, learners in sections
                    ],
                    "learner_count": len({u.pk for _a, ls in sections for u in ls}),
                    "today": today,
                    "trainer_url": _absolute(reverse("trainer:home")),
                },
            )
        )
    transaction.on_commit(lambda: _send(messages))
    return len(messages)
