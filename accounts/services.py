"""Writes on accounts: the profile, the personal data export and deleting an account (AVG)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.hooks import account_erasers, personal_data_sections
from accounts.models import AuditEvent, User
from accounts.roles import forget_roles

EXPORT_FORMAT_VERSION = 1


@transaction.atomic
def profile_update(*, user: User, changes: dict[str, Any], request=None) -> User:
    """Store profile fields (already validated by ``ProfileForm``); changed registration numbers
    are written to the audit log (names of the fields, not the numbers)."""
    registration_fields = {
        "big_number",
        "vvn_number",
        "other_register_name",
        "other_register_number",
    }
    allowed = {"name", "preferred_language", "profession"} | registration_fields
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not a profile field: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.save(update_fields=changed)
    changed_registration = sorted(set(changed) & registration_fields)
    if changed_registration:
        audit_record(
            action=AuditEvent.Action.REGISTRATION_CHANGED,
            request=request,
            actor=user,
            subject_user=user,
            data={"fields": changed_registration},
        )
    return user


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _profile_section(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "preferred_language": user.preferred_language,
        "profession": user.profession,
        "big_number": user.big_number,
        "vvn_number": user.vvn_number,
        "other_register_name": user.other_register_name,
        "other_register_number": user.other_register_number,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_staff": user.is_staff,
        "platform_roles": sorted(user.groups.values_list("name", flat=True)),
    }


def _enrolments_section(user: User) -> list[dict]:
    from courses.models import Enrolment, LessonProgress

    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course", "organisation")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=LessonProgress.objects.select_related("lesson").order_by(
                    "lesson__position"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "course": enrolment.course.slug,
            "course_title": enrolment.course.title_nl,
            "organisation": enrolment.organisation.name if enrolment.organisation else None,
            "source": enrolment.source,
            "version_started": enrolment.version_started,
            "version_completed": enrolment.version_completed,
            "enrolled_at": _iso(enrolment.created_at),
            "started_at": _iso(enrolment.started_at),
            "completed_at": _iso(enrolment.completed_at),
            "last_activity_at": _iso(enrolment.last_activity_at),
            "progress_percent": enrolment.progress_percent,
            "lessons": [
                {
                    "lesson": progress.lesson.slug,
                    "lesson_title": progress.lesson.title_nl,
                    "first_seen_at": _iso(progress.first_seen_at),
                    "last_seen_at": _iso(progress.last_seen_at),
                    "completed_at": _iso(progress.completed_at),
                    "seconds_spent": progress.seconds_spent,
                }
                for progress in enrolment.progress.all()
            ],
        }
        for enrolment in enrolments
    ]


def _assignments_section(user: User) -> list[dict]:
    from courses.models import Assignment

    assignments = (
        Assignment.objects.filter(Q(learners=user) | Q(group__group_members__user=user))
        .select_related("course", "organisation", "group")
        .distinct()
        .order_by("due_date", "pk")
    )
    return [
        {
            "course": assignment.course.slug,
            "organisation": assignment.organisation.name,
            "group": assignment.group.name if assignment.group else None,
            "due_date": _iso(assignment.due_date),
            "message": assignment.message,
            "assigned_at": _iso(assignment.created_at),
            "withdrawn_at": _iso(assignment.unassigned_at),
        }
        for assignment in assignments
    ]


def _organisation_sections(user: User) -> dict:
    from organisations.models import GroupMember, Invitation, Membership

    memberships = Membership.objects.filter(user=user).select_related("organisation")
    group_members = GroupMember.objects.filter(user=user).select_related("group__organisation")
    invitations = Invitation.objects.filter(
        Q(accepted_by=user) | Q(email__iexact=user.email)
    ).select_related("organisation")
    return {
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "role": membership.role,
                "since": _iso(membership.created_at),
            }
            for membership in memberships.order_by("created_at", "pk")
        ],
        "groups": [
            {
                "group": member.group.name,
                "organisation": member.group.organisation.name,
                "added_at": _iso(member.added_at),
            }
            for member in group_members.order_by("added_at", "pk")
        ],
        "invitations": [
            {
                "organisation": invitation.organisation.name,
                "role": invitation.role,
                "status": invitation.status,
                "sent_at": _iso(invitation.created_at),
                "accepted_at": _iso(invitation.accepted_at),
            }
            for invitation in invitations.order_by("created_at", "pk")
        ],
    }


def _security_sections(user: User) -> dict:
    return {
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authentication": [
            {
                "type": authenticator.type,
                "created_at": _iso(authenticator.created_at),
                "last_used_at": _iso(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip_address": session.ip,
                "browser": session.user_agent,
                "started_at": _iso(session.created_at),
                "last_seen_at": _iso(session.last_seen_at),
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "audit_log": [
            {
                "at": _iso(event.created_at),
                "action": event.action,
                "ip_address": event.ip_address,
                "browser": event.user_agent,
                "summary": event.summary,
            }
            for event in AuditEvent.objects.filter(Q(actor=user) | Q(subject_user=user)).order_by(
                "created_at", "pk"
            )
        ],
    }


@transaction.atomic
def personal_data_export(*, user: User, request=None) -> dict:
    """Everything the platform keeps about the person, as JSON-ready data (AVG art. 15 and 20).

    Records the download in the audit log. Other apps add their sections through
    ``accounts.hooks.personal_data_sections``.
    """
    export: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": _iso(timezone.now()),
        "profile": _profile_section(user),
        **_organisation_sections(user),
        "enrolments": _enrolments_section(user),
        "assignments": _assignments_section(user),
        **_security_sections(user),
    }
    for section in personal_data_sections:
        export.update(section(user=user))
    audit_record(
        action=AuditEvent.Action.DATA_DOWNLOADED, request=request, actor=user, subject_user=user
    )
    return export


def deleted_email_for(user: User) -> str:
    return f"deleted-{user.pk}@invalid.example"


@transaction.atomic
def account_delete(*, user: User, request=None) -> User:
    """Erase the person's personal data and close the account (AVG art. 17).

    The user row itself stays, anonymised, so that memberships, group memberships, enrolments
    and lesson progress keep counting in every statistic (completions per organisation,
    enrolments per course). Erased: e-mail (replaced by ``deleted-<id>@invalid.example``), name,
    registration numbers, password (unusable), e-mail addresses, authenticators, sessions, and
    the e-mail address and name on invitations sent to the person. Profession and language stay:
    they identify nobody on an anonymous row and keep the statistics per profession right.
    The audit log keeps its records (security interest) but they now point to the anonymous row.
    """
    from organisations.models import Invitation

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    old_email = user.email
    deleted_email = deleted_email_for(user)

    for session in UserSession.objects.filter(user=user):
        session.end()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Invitation.objects.filter(status=Invitation.Status.PENDING, email__iexact=old_email).update(
        status=Invitation.Status.REVOKED
    )
    Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=old_email)).update(
        email=deleted_email, name=""
    )
    user.groups.clear()
    user.user_permissions.clear()

    user.email = deleted_email
    user.name = ""
    user.big_number = ""
    user.vvn_number = ""
    user.other_register_name = ""
    user.other_register_number = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "name",
            "big_number",
            "vvn_number",
            "other_register_name",
            "other_register_number",
            "is_active",
            "is_staff",
            "is_superuser",
            "anonymised_at",
            "password",
        ]
    )
    for eraser in account_erasers:
        eraser(user=user)
    forget_roles(user)
    audit_record(
        action=AuditEvent.Action.ACCOUNT_DELETED,
        request=request,
        actor=user,
        subject_user=user,
        summary=f"Account {user.pk} deleted and anonymised",
    )
    return user
