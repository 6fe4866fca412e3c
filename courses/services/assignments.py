"""Assigning courses to groups or chosen learners, and the reminders that follow.

Rules:

- A trainer or administrator of the organisation (or one of its ancestors) assigns a published
  course to a group of the organisation's subtree, or to chosen members of that subtree, with a
  due date that is not in the past. One course is assigned to a group at most once at a time.
- Every assignee is enrolled (``source="assigned"``; an existing self-enrolment keeps its source
  and its progress) and gets a notice in their own language after commit. People who join the
  group later get the same (``assignments_apply_to_new_group_member``, a group-join handler).
- Unassigning stops reminders and takes the course off the trainer's pages; enrolments and
  progress stay with the learner.
- Reminders (``reminders_send_due``, daily): ``d7`` seven days before the due date, ``d1`` the
  day before, ``overdue`` once after it, for every assignee who has not completed the course.
  Each stage goes out at most once per assignment and learner: the ``ReminderSent`` row is
  inserted first (unique constraint) and only the process that inserted it sends the e-mail.
  The assignment notice uses the same guard (stage ``assigned``).
- Manual reminders (``assignment_remind``): a trainer may remind the assignees who are not done,
  at most once per assignment per day, claimed with a conditional ``UPDATE`` of
  ``Assignment.last_reminded_at``.
- The weekly overview (``trainer_overview_send_weekly``) tells each trainer which learners are
  overdue, per group and course. A trainer gets it for the assignments of the organisations
  where they hold the trainer role (directly or on an ancestor). A cache key per ISO week and
  trainer keeps a redelivered task from sending it twice.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Assignment, Course, Enrolment, ReminderSent
from courses.services.learning import enrol
from organisations import permissions
from organisations.models import Group, Membership, Organisation, Role

logger = logging.getLogger(__name__)

Stage = ReminderSent.Stage
STAGE_DAYS_BEFORE = {Stage.WEEK_BEFORE: 7, Stage.DAY_BEFORE: 1}


# --- who is assigned ------------------------------------------------------------------------


def active_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.filter(unassigned_at__isnull=True)


def assignment_assignee_ids(*, assignment: Assignment) -> list[int]:
    """Active people the assignment applies to now: the group's members or the chosen learners."""
    if assignment.group_id:
        users = User.objects.filter(group_memberships__group_id=assignment.group_id)
    else:
        users = User.objects.filter(direct_assignments=assignment)
    return list(users.filter(is_active=True).values_list("pk", flat=True).order_by("pk"))


def assignment_not_done_ids(*, assignment: Assignment, user_ids: Iterable[int]) -> list[int]:
    """Of ``user_ids``, those who have not completed the assignment's course."""
    user_ids = list(user_ids)
    done = set(
        Enrolment.objects.filter(
            course_id=assignment.course_id, user_id__in=user_ids, completed_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    return [pk for pk in user_ids if pk not in done]


def _subtree_member_ids(organisation: Organisation, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.filter(
            organisation__path__startswith=organisation.path, user_id__in=list(user_ids)
        ).values_list("user_id", flat=True)
    )


def _enrolment_organisations(organisation: Organisation, user_ids: list[int]) -> dict[int, int]:
    """For each learner the deepest organisation of the subtree they are a member of: the
    enrolment counts there on dashboards."""
    rows = Membership.objects.filter(
        organisation__path__startswith=organisation.path, user_id__in=user_ids
    ).values_list("user_id", "organisation_id", "organisation__path")
    best: dict[int, tuple[int, int]] = {}
    for user_id, organisation_id, path in rows:
        depth = path.count("/")
        if user_id not in best or depth > best[user_id][0]:
            best[user_id] = (depth, organisation_id)
    return {user_id: organisation_id for user_id, (_depth, organisation_id) in best.items()}


def _enrol_assignees(assignment: Assignment, user_ids: list[int]) -> None:
    if not user_ids:
        return
    organisation = assignment.group.organisation if assignment.group_id else assignment.organisation
    where = _enrolment_organisations(organisation, user_ids)
    organisations = Organisation.objects.in_bulk(set(where.values()))
    for user in User.objects.filter(pk__in=user_ids):
        enrol(
            user=user,
            course=assignment.course,
            organisation=organisations.get(where.get(user.pk), organisation),
            source=Enrolment.Source.ASSIGNED,
        )


def _queue_notice(assignment: Assignment, user_ids: list[int]) -> None:
    if not user_ids:
        return
    from courses.tasks import send_assignment_notice

    ids = list(user_ids)
    transaction.on_commit(lambda: send_assignment_notice.delay(assignment.pk, ids))


# --- assigning ------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    organisation: Organisation,
    course: Course,
    assigned_by: User,
    due_date: date,
    group: Group | None = None,
    learners: Iterable[User] = (),
    message: str = "",
) -> Assignment:
    """Assign ``course`` to ``group`` or to ``learners`` of the organisation's subtree.

    Raises ``PermissionDenied`` when ``assigned_by`` may not manage the organisation (or the
    group) and ``ValidationError`` (per field) for bad input; nothing is saved then.
    """
    if not permissions.can_manage_groups(assigned_by, organisation):
        raise PermissionDenied
    if group is not None and not permissions.can_manage_group(assigned_by, group):
        raise PermissionDenied
    learners = list(learners)
    message = (message or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if course.status != Course.Status.PUBLISHED:
        errors["course"].append(_("Only published courses can be assigned."))
    if due_date < timezone.localdate():
        errors["due_date"].append(_("The due date cannot be in the past."))
    if len(message) > Assignment._meta.get_field("message").max_length:
        errors["message"].append(_("Use at most 2000 characters."))
    if group is None and not learners:
        errors["learners"].append(_("Choose a group or at least one learner."))
    if group is not None and learners:
        errors["learners"].append(_("Choose either a group or learners, not both."))
    if group is not None:
        if not group.organisation.path.startswith(organisation.path):
            errors["group"].append(_("This group belongs to another organisation."))
        elif active_assignments().filter(group=group, course=course).exists():
            errors["course"].append(
                _("This course is already assigned to this group. Unassign it first.")
            )
    if learners:
        members = _subtree_member_ids(organisation, [u.pk for u in learners])
        outside = [u for u in learners if u.pk not in members]
        if outside:
            errors["learners"].append(
                _("Not a member of this organisation: %(names)s.")
                % {"names": ", ".join(str(u) for u in outside)}
            )
    if errors:
        raise ValidationError(dict(errors))

    assignment = Assignment.objects.create(
        organisation=group.organisation if group is not None else organisation,
        course=course,
        group=group,
        due_date=due_date,
        message=message,
        assigned_by=assigned_by,
    )
    if learners:
        assignment.learners.set(learners)
    user_ids = assignment_assignee_ids(assignment=assignment)
    _enrol_assignees(assignment, user_ids)
    _queue_notice(assignment, user_ids)
    return assignment


@transaction.atomic
def assignment_update_due_date(*, assignment: Assignment, due_date: date, actor: User) -> None:
    """Move the due date. The reminder stages start over for the new date (the assignment
    notice is not sent again)."""
    if not permissions.can_manage_groups(actor, assignment.organisation):
        raise PermissionDenied
    if assignment.unassigned_at is not None:
        raise ValidationError({"due_date": [_("This course is no longer assigned.")]})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date cannot be in the past.")]})
    if due_date != assignment.due_date:
        ReminderSent.objects.filter(assignment=assignment).exclude(stage=Stage.ASSIGNED).delete()
    assignment.due_date = due_date
    assignment.save(update_fields=["due_date"])


@transaction.atomic
def assignment_unassign(*, assignment: Assignment, actor: User) -> bool:
    """Stop the assignment (no more reminders, off the trainer's pages). Enrolments and progress
    stay. Returns False when it already was unassigned."""
    if not permissions.can_manage_groups(actor, assignment.organisation):
        raise PermissionDenied
    now = timezone.now()
    updated = Assignment.objects.filter(pk=assignment.pk, unassigned_at__isnull=True).update(
        unassigned_at=now
    )
    if updated:
        assignment.unassigned_at = now
    return bool(updated)


@transaction.atomic
def assignments_apply_to_new_group_member(group: Group, user: User) -> int:
    """Group-join handler: enrol a newcomer in the group's active assignments and send them the
    notice. Returns the number of assignments applied. Idempotent (enrolment is get-or-create,
    the notice is guarded)."""
    if not user.is_active:
        return 0
    assignments = list(active_assignments().filter(group=group).select_related("course"))
    for assignment in assignments:
        enrol(
            user=user,
            course=assignment.course,
            organisation=group.organisation,
            source=Enrolment.Source.ASSIGNED,
        )
        _queue_notice(assignment, [user.pk])
    return len(assignments)


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


def assignment_reminded_today(assignment: Assignment) -> bool:
    return bool(assignment.last_reminded_at and assignment.last_reminded_at >= _start_of_today())


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

    transaction.on_commit(lambda: send_assignment_reminder.delay(assignment.pk, not_done))
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
    year, week, _weekday = today.isocalendar()
    messages = []
    for trainer in User.objects.filter(pk__in=sections_for, is_active=True).order_by("pk"):
        if not cache.add(f"courses:trainer-overview:{year}-{week}:{trainer.pk}", 1, 8 * 86400):
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
