"""Assigning courses to groups or chosen learners (the reminders: ``courses.services.reminders``).

Rules:

- A trainer or administrator of the organisation (or one of its ancestors) assigns a published
  course to a group of the organisation's subtree, or to chosen members of that subtree, with a
  due date that is not in the past. One course is assigned to a group at most once at a time.
- Every assignee is enrolled (``source="assigned"``; an existing self-enrolment keeps its source
  and its progress) and gets a notice in their own language after commit. People who join the
  group later get the same (``assignments_apply_to_new_group_member``, a group-join handler
  registered in ``courses.apps``).
- Unassigning stops reminders and takes the course off the trainer's pages; enrolments and
  progress stay with the learner.
- Moving the due date starts the reminder stages over for the new date.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.models import User
from courses.models import Assignment, Course, Enrolment, ReminderSent
from courses.services.learning import enrol
from organisations import permissions
from organisations.models import Group, Membership, Organisation

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
    outbox.enqueue(send_assignment_notice, assignment.pk, ids)


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
        ReminderSent.objects.filter(assignment=assignment).exclude(
            stage=ReminderSent.Stage.ASSIGNED
        ).delete()
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
