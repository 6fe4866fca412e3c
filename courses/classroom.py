"""Classroom training: a trainer records a session of a course taught in class (the police
module, the alliance's training for bank staff) with its attendees.

Attending counts as completing the course's classroom variant (``reporting`` counts it beside
online completion). It writes no enrolment: the online course stays open to the learner.

Attendees come from two places, merged so that everyone counts once:

- members of the organisation's groups (checkboxes on the page);
- e-mail addresses, one per line. An address of an existing account (its login address or a
  verified extra address) is linked to that account; other addresses stay "e-mail only" and are
  linked by ``classroom_link_email`` once someone proves they own that address.

The recording person must manage groups in the organisation (trainers and administrators of it
or an ancestor; staff): others get ``PermissionDenied`` (a 404 in the views).
"""

from collections.abc import Iterable
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import ClassroomAttendance, ClassroomSession, Course
from organisations import permissions
from organisations.models import GroupMember, Organisation

MAX_EMAIL_LINES = 500


# --- reads ----------------------------------------------------------------------------------


def classroom_group_members(*, organisation: Organisation) -> QuerySet[GroupMember]:
    """Group memberships in the organisation and below it, for the attendee checkboxes."""
    return (
        GroupMember.objects.filter(
            group__organisation__path__startswith=organisation.path, user__is_active=True
        )
        .select_related("group", "group__organisation", "user")
        .order_by("group__name", "group_id", "user__name", "user__email")
    )


def classroom_sessions_for(*, user) -> QuerySet[ClassroomSession]:
    """Sessions of the organisations the person trains or administers, newest first, with the
    number of attendees."""
    return (
        ClassroomSession.objects.filter(
            organisation__in=permissions.member_visible_organisations(user)
        )
        .select_related("course", "organisation", "trainer")
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "-pk")
    )


def classroom_session_for(*, user, session_id: int) -> ClassroomSession | None:
    """The session when the person may see it, else None."""
    session = (
        ClassroomSession.objects.select_related("course", "organisation", "trainer")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not permissions.can_manage_groups(user, session.organisation):
        return None
    return session


# --- parsing --------------------------------------------------------------------------------


def classroom_emails_parse(*, text: str) -> list[str]:
    """The addresses in ``text``, one per line: trimmed, lower case, each once, in order.
    Empty lines are skipped. Raises ValidationError with one message per bad line."""
    lines = (text or "").splitlines()
    if len(lines) > MAX_EMAIL_LINES:
        raise ValidationError(
            _("Enter at most %(count)d addresses at a time.") % {"count": MAX_EMAIL_LINES},
            code="too_many",
        )
    emails: list[str] = []
    errors: list[ValidationError] = []
    for number, line in enumerate(lines, start=1):
        email = line.strip().strip(",;").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                ValidationError(
                    _("Line %(number)d: “%(value)s” is not a valid e-mail address.")
                    % {"number": number, "value": line.strip()[:100]},
                    code="invalid_email",
                )
            )
            continue
        if email not in emails:
            emails.append(email)
    if errors:
        raise ValidationError(errors)
    return emails


def _accounts_by_email(emails: list[str]) -> dict[str, int]:
    """address → user id, for addresses that belong to an account: its login address or a
    verified extra address (two queries, whatever the number of addresses)."""
    if not emails:
        return {}
    found: dict[str, int] = {}
    for user_id, email in EmailAddress.objects.filter(email__in=emails, verified=True).values_list(
        "user_id", "email"
    ):
        found[email.lower()] = user_id
    for user_id, email in (
        get_user_model().objects.filter(email__in=emails).values_list("pk", "email")
    ):
        found[email.lower()] = user_id  # the login address wins
    return found


# --- writes ---------------------------------------------------------------------------------


def _check_session(*, by, organisation: Organisation, course: Course, held_on: date) -> None:
    if not permissions.can_manage_groups(by, organisation):
        raise PermissionDenied
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("This course is not available."), code="course")
    if held_on > timezone.localdate():
        raise ValidationError(_("The date of the session cannot be in the future."), code="date")


def _attendances(
    *, organisation: Organisation, member_ids: Iterable[int], emails: Iterable[str]
) -> list[ClassroomAttendance]:
    """The attendance rows (without their session) for the chosen group members and the
    entered addresses, everyone once; ValidationError when none or someone outside."""
    wanted = {int(pk) for pk in member_ids}
    members = set(
        GroupMember.objects.filter(
            group__organisation__path__startswith=organisation.path,
            user_id__in=wanted,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    if wanted - members:
        raise ValidationError(
            _("One of the chosen people is not in a group of this organisation."),
            code="member",
        )
    addresses = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    accounts = _accounts_by_email(addresses)
    # the address as entered is kept beside a linked account: the session page shows it, not
    # the account's name, to trainers who do not manage that person
    by_address = {}
    for email in addresses:
        if email in accounts and accounts[email] not in members:
            by_address.setdefault(accounts[email], email)
    email_only = [email for email in addresses if email not in accounts]
    if not members and not by_address and not email_only:
        raise ValidationError(
            _("Choose at least one attendee or enter an e-mail address."), code="empty"
        )
    return (
        [ClassroomAttendance(user_id=pk) for pk in sorted(members)]
        + [ClassroomAttendance(user_id=pk, email=email) for pk, email in sorted(by_address.items())]
        + [ClassroomAttendance(email=email) for email in email_only]
    )


def _attend(session: ClassroomSession, rows: list[ClassroomAttendance]) -> None:
    for row in rows:
        row.session = session
    ClassroomAttendance.objects.bulk_create(rows)


@transaction.atomic
def classroom_session_record(
    *,
    recorded_by,
    organisation: Organisation,
    course: Course,
    held_on: date,
    member_ids: Iterable[int] = (),
    emails: Iterable[str] = (),
    location: str = "",
    trainer=None,
) -> ClassroomSession:
    """Record a session and its attendees in one go (all or nothing).

    ``member_ids``: people in a group of the organisation or below it. ``emails``: addresses
    as returned by ``classroom_emails_parse``. ``trainer``: who taught (default: the person
    recording; the alliance's trainer who came in, for example)."""
    _check_session(by=recorded_by, organisation=organisation, course=course, held_on=held_on)
    rows = _attendances(organisation=organisation, member_ids=member_ids, emails=emails)
    session = ClassroomSession.objects.create(
        course=course,
        organisation=organisation,
        held_on=held_on,
        trainer=trainer or recorded_by,
        location=location.strip()[:200],
    )
    _attend(session, rows)
    return session


@transaction.atomic
def classroom_session_update(
    *,
    changed_by,
    session: ClassroomSession,
    course: Course,
    held_on: date,
    member_ids: Iterable[int] = (),
    emails: Iterable[str] = (),
    location: str = "",
    trainer=None,
) -> ClassroomSession:
    """Correct a recorded session: its details and its whole list of attendees (all or
    nothing; the figures follow, since they are counted from these rows)."""
    session = ClassroomSession.objects.select_for_update().get(pk=session.pk)
    organisation = session.organisation
    _check_session(by=changed_by, organisation=organisation, course=course, held_on=held_on)
    rows = _attendances(organisation=organisation, member_ids=member_ids, emails=emails)
    session.course, session.held_on = course, held_on
    session.trainer = trainer or session.trainer or changed_by
    session.location = location.strip()[:200]
    session.save(update_fields=["course", "held_on", "trainer", "location"])
    session.attendances.all().delete()
    _attend(session, rows)
    return session


@transaction.atomic
def classroom_session_delete(*, deleted_by, session: ClassroomSession) -> None:
    """Remove a session recorded by mistake, with its attendances."""
    if not permissions.can_manage_groups(deleted_by, session.organisation):
        raise PermissionDenied
    session.delete()


@transaction.atomic
def classroom_link_email(*, user) -> int:
    """Link the e-mail-only attendances of the person's verified addresses to their account;
    return how many were linked. Call it once an address is proven to be theirs (e-mail
    confirmed, or a signup through single sign-on whose provider vouches for the address).
    Where they already attend the session as an account, the e-mail row is dropped."""
    addresses = {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not addresses:
        return 0
    rows = ClassroomAttendance.objects.filter(user__isnull=True).filter(
        _iexact_any("email", addresses)
    )
    attending = set(
        ClassroomAttendance.objects.filter(user=user).values_list("session_id", flat=True)
    )
    rows.filter(session_id__in=attending).delete()
    linked = rows.exclude(session_id__in=attending)
    # one row per session: an address may have been entered in two letter cases
    keep: dict[int, int] = {}
    for pk, session_id in linked.order_by("pk").values_list("pk", "session_id"):
        keep.setdefault(session_id, pk)
    ClassroomAttendance.objects.filter(pk__in=linked.values("pk")).exclude(
        pk__in=keep.values()
    ).delete()
    return ClassroomAttendance.objects.filter(pk__in=keep.values()).update(user=user)


def _iexact_any(field: str, values: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for value in values:
        q |= Q(**{f"{field}__iexact": value})
    return q
