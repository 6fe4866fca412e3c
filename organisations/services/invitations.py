"""Invitations: create, (re)send, revoke, accept.

- The token is ``secrets.token_urlsafe(32)``; the link is ``SITE_URL`` + the accept page; it is
  valid for ``settings.INVITATION_VALID_DAYS`` days (a resend extends it).
- One pending invitation per organisation and address (a database constraint); an expired one
  is marked ``expired`` when a new invitation replaces it.
- The e-mail goes out after commit through the ``send_invitation_email`` task, in the invitee's
  language (their profile's language if they have an account, else the invitation's, default
  Dutch). ``send_count`` is the delivery guard: a task only sends the n-th e-mail once.
- Accepting requires the invited address to be one of the person's verified addresses
  (case-insensitive), verified by the mail allauth sent to it — never by having opened the
  invitation link (see ``accounts.adapter``); the role is never lowered when the person already
  holds a higher one.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations import permissions
from organisations.models import (
    ROLE_RANK,
    Group,
    Invitation,
    InvitationBatch,
    Membership,
    Organisation,
    Role,
)
from organisations.services.groups import group_join

RESEND_INTERVAL = timedelta(minutes=1)
LANGUAGES = ("nl", "en")


def email_normalise(email: str) -> str:
    """Trimmed, lower-case and valid, or ValidationError(code="invalid_email")."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError(_("Enter an e-mail address."), code="invalid_email")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": email},
            code="invalid_email",
        ) from None
    return email


def account_for_email(email: str):
    """The account that owns this address (login address or a verified extra address)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .select_related("user")
            .first()
        )
        user = address.user if address else None
    return user


def is_member(organisation: Organisation, email: str) -> bool:
    return Membership.objects.filter(
        Q(user__email__iexact=email)
        | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True),
        organisation=organisation,
    ).exists()


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "organisations:invitation_accept", args=[invitation.token]
    )


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


def _schedule_delivery(invitation: Invitation) -> None:
    from organisations.tasks import send_invitation_email

    invitation_id, send_number = invitation.pk, invitation.send_count + 1
    outbox.enqueue(send_invitation_email, invitation_id, send_number)


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    actor,
    role: str = Role.LEARNER,
    name: str = "",
    group: Group | None = None,
    language: str = "",
    batch: InvitationBatch | None = None,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone into the organisation. ValidationError codes: invalid_email,
    invalid_role, role_not_allowed, invalid_group, already_member, already_invited."""
    if not permissions.can_invite(actor, organisation):
        raise PermissionDenied
    email = email_normalise(email)
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")
    if not permissions.can_invite(actor, organisation, role):
        raise ValidationError(
            _("You may not invite people as %(role)s.") % {"role": Role(role).label},
            code="role_not_allowed",
        )
    if group is not None and group.organisation_id != organisation.pk:
        raise ValidationError(_("Choose a group of this organisation."), code="invalid_group")
    name = " ".join((name or "").split())
    if len(name) > 150:
        raise ValidationError(_("Use at most 150 characters for the name."), code="max_length")
    if language and language not in LANGUAGES:
        raise ValidationError(_("Choose Dutch or English."), code="invalid_language")
    if is_member(organisation, email):
        raise ValidationError(
            _("%(email)s is already a member of this organisation.") % {"email": email},
            code="already_member",
        )
    previous = (
        Invitation.objects.select_for_update()
        .filter(organisation=organisation, email=email, status=Invitation.Status.PENDING)
        .first()
    )
    if previous is not None:
        if previous.is_open:
            raise ValidationError(
                _("%(email)s already has a pending invitation.") % {"email": email},
                code="already_invited",
            )
        previous.status = Invitation.Status.EXPIRED
        previous.save(update_fields=["status"])
    if not language:
        account = account_for_email(email)
        language = account.preferred_language if account else settings.LANGUAGE_CODE[:2]
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                name=name,
                role=role,
                group=group,
                language=language if language in LANGUAGES else "nl",
                token=secrets.token_urlsafe(32),
                invited_by=actor,
                batch=batch,
                expires_at=_expiry(),
            )
    except IntegrityError:
        raise ValidationError(
            _("%(email)s already has a pending invitation.") % {"email": email},
            code="already_invited",
        ) from None
    audit_record(
        action=AuditEvent.Action.INVITATION_SENT,
        request=request,
        actor=actor,
        organisation=organisation,
        summary=f"{email} as {role}",
        data={"invitation": invitation.pk, "role": role, "batch": batch.pk if batch else None},
    )
    _schedule_delivery(invitation)
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, actor, request: HttpRequest | None = None
) -> Invitation:
    """Send the invitation again and extend its validity (also for an expired one)."""
    if not permissions.can_invite(actor, invitation.organisation, invitation.role):
        raise PermissionDenied
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only pending invitations can be sent again."), code="not_pending")
    if locked.last_sent_at and locked.last_sent_at > timezone.now() - RESEND_INTERVAL:
        raise ValidationError(
            _("This invitation was sent less than a minute ago. Please wait a moment."),
            code="too_soon",
        )
    locked.expires_at = _expiry()
    locked.last_sent_at = timezone.now()
    locked.save(update_fields=["expires_at", "last_sent_at"])
    audit_record(
        action=AuditEvent.Action.INVITATION_SENT,
        request=request,
        actor=actor,
        organisation=locked.organisation,
        summary=f"{locked.email} (again)",
        data={"invitation": locked.pk, "resend": True},
    )
    _schedule_delivery(locked)
    return locked


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor, request: HttpRequest | None = None
) -> Invitation:
    if not permissions.can_invite(actor, invitation.organisation, invitation.role):
        raise PermissionDenied
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only pending invitations can be revoked."), code="not_pending")
    locked.status = Invitation.Status.REVOKED
    locked.save(update_fields=["status"])
    audit_record(
        action=AuditEvent.Action.INVITATION_REVOKED,
        request=request,
        actor=actor,
        organisation=locked.organisation,
        summary=locked.email,
        data={"invitation": locked.pk},
    )
    return locked


def invitation_email_matches(invitation: Invitation, user) -> bool:
    """Whether the invited address is one of the person's verified addresses."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def invitation_problem(invitation: Invitation) -> str | None:
    """Why the invitation can no longer be accepted ("accepted", "revoked", "expired") or None."""
    if invitation.status == Invitation.Status.ACCEPTED:
        return "accepted"
    if invitation.status == Invitation.Status.REVOKED:
        return "revoked"
    if invitation.is_expired:
        return "expired"
    return None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user, request: HttpRequest | None = None
) -> Membership:
    """Join the organisation (and group) the invitation is for, with an account that owns the
    invited address. ValidationError codes: accepted, revoked, expired, email_mismatch."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "group")
        .get(pk=invitation.pk)
    )
    problem = invitation_problem(locked)
    if problem == "accepted":
        raise ValidationError(_("This invitation has already been accepted."), code=problem)
    if problem == "revoked":
        raise ValidationError(_("This invitation has been withdrawn."), code=problem)
    if problem == "expired":
        raise ValidationError(_("This invitation has expired."), code=problem)
    if not invitation_email_matches(locked, user):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s, which is not a confirmed address of "
                "your account. Only the account that owns that address can accept it: log in "
                "with it, or add the address to your account and confirm it through the e-mail "
                "we send to it."
            )
            % {"email": locked.email},
            code="email_mismatch",
        )
    organisation = locked.organisation
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    previous_role = membership.role if membership else None
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=locked.role
        )
    elif ROLE_RANK[Role(locked.role)] > ROLE_RANK[Role(membership.role)]:
        membership.role = locked.role
        membership.save(update_fields=["role"])
    if locked.group_id:
        group_join(group=locked.group, user=user)
    if locked.name and not user.name:
        user.name = locked.name
        user.save(update_fields=["name"])
    locked.status = Invitation.Status.ACCEPTED
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["status", "accepted_at", "accepted_by"])
    invitation.status, invitation.accepted_at = locked.status, locked.accepted_at
    permissions.forget_roles(user)
    audit_record(
        action=AuditEvent.Action.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        subject_user=user,
        organisation=organisation,
        summary=f"{locked.email} as {membership.role}",
        data={
            "invitation": locked.pk,
            "invited_role": locked.role,
            "previous_role": previous_role,
            "role": membership.role,
        },
    )
    return membership


def invitation_deliver(*, invitation_id: int, send_number: int) -> bool:
    """Send the ``send_number``-th e-mail for the invitation, once (the task calls this).

    The guard is a conditional UPDATE of ``send_count``; if sending fails the transaction rolls
    back so a retry sends it.
    """
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation_id, status=Invitation.Status.PENDING, send_count=send_number - 1
        ).update(send_count=send_number, last_sent_at=timezone.now())
        if not claimed:
            return False
        invitation = Invitation.objects.select_related("organisation", "invited_by", "group").get(
            pk=invitation_id
        )
        account = account_for_email(invitation.email)
        language = account.preferred_language if account else invitation.language
        with translation.override(language if language in LANGUAGES else "nl"):
            context = {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "inviter": invitation.invited_by,
                "role": invitation.get_role_display(),
                "url": invitation_url(invitation),
                "has_account": account is not None,
            }
            subject = render_to_string("organisations/email/invitation_subject.txt", context)
            body = render_to_string("organisations/email/invitation_message.txt", context)
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    return True
