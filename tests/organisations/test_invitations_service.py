from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from organisations.models import GroupMember, Invitation, Membership
from organisations.services import groups as group_services
from organisations.services import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from tests import factories


@pytest.fixture
def invite(org_admin, organisation, django_capture_on_commit_callbacks):
    """``invite(email, **options)``: an invitation by Adam, with its e-mail sent."""

    def _invite(email="nieuw@example.org", actor=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(
                organisation=options.pop("organisation", organisation),
                email=email,
                actor=actor or org_admin,
                **options,
            )

    return _invite


def test_it_creates_an_invitation_and_mails_the_link_in_dutch(invite, organisation, settings):
    settings.SITE_URL = "https://academie.example.nl"
    invitation = invite(" Nieuw@Example.org ", name="Nina Nieuw")

    assert invitation.email == "nieuw@example.org"
    assert invitation.role == "learner"
    assert len(invitation.token) >= 40
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    assert organisation.name in message.subject
    assert (
        f"https://academie.example.nl/organisations/invitations/{invitation.token}/" in message.body
    )
    assert "Uitnodiging" in message.subject or "Invitation" in message.subject
    invitation.refresh_from_db()
    assert invitation.send_count == 1 and invitation.last_sent_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).count() == 1


def test_it_mails_people_with_an_account_in_their_own_language(invite, settings):
    factories.UserFactory(email="eng@example.org", preferred_language="en")
    invitation = invite("eng@example.org")
    assert invitation.language == "en"
    assert "Invitation to join" in mail.outbox[0].subject


def test_it_uses_the_chosen_language_for_new_people(invite):
    assert invite("x@example.org", language="en").language == "en"
    assert invite("y@example.org").language == "nl"


def test_it_lets_trainers_invite_learners_only(invite, trainer):
    invite("learner@example.org", actor=trainer)
    with pytest.raises(ValidationError) as exc:
        invite("boss@example.org", actor=trainer, role="admin")
    assert exc.value.code == "role_not_allowed"
    assert not Invitation.objects.filter(email="boss@example.org").exists()


def test_it_does_not_let_analysts_or_outsiders_invite(invite, analyst, outsider):
    for person in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            invite("x@example.org", actor=person)


def test_it_does_not_invite_members(invite, learner):
    with pytest.raises(ValidationError) as exc:
        invite(learner.email.upper())
    assert exc.value.code == "already_member"


def test_it_does_not_invite_twice_while_an_invitation_is_pending(invite):
    invite("dup@example.org")
    with pytest.raises(ValidationError) as exc:
        invite("DUP@example.org")
    assert exc.value.code == "already_invited"
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_it_replaces_an_expired_invitation(invite):
    old = invite("late@example.org")
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    new = invite("late@example.org")
    old.refresh_from_db()
    assert old.status == Invitation.Status.EXPIRED
    assert new.status == Invitation.Status.PENDING and new.token != old.token


def test_it_rejects_invalid_addresses_and_foreign_groups(invite, other_organisation):
    with pytest.raises(ValidationError) as exc:
        invite("not-an-address")
    assert exc.value.code == "invalid_email"
    foreign = factories.GroupFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as exc:
        invite("x@example.org", group=foreign)
    assert exc.value.code == "invalid_group"
    assert not Invitation.objects.exists()


def test_it_resends_and_extends_an_invitation(
    invite, org_admin, django_capture_on_commit_callbacks
):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1),
        last_sent_at=timezone.now() - timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, actor=org_admin)
    invitation.refresh_from_db()
    assert invitation.is_open
    assert invitation.send_count == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[1].body.count(invitation.token) == 1


def test_it_does_not_resend_within_a_minute(invite, org_admin):
    invitation = invite()
    with pytest.raises(ValidationError) as exc:
        invitation_resend(invitation=invitation, actor=org_admin)
    assert exc.value.code == "too_soon"


def test_it_sends_each_mail_once_even_if_the_task_runs_twice(invite):
    from organisations.tasks import send_invitation_email

    invitation = invite()
    assert send_invitation_email(invitation.pk, 1) is False
    assert len(mail.outbox) == 1


def test_it_revokes_an_invitation(invite, org_admin):
    invitation = invite()
    invitation_revoke(invitation=invitation, actor=org_admin)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_REVOKED).exists()
    with pytest.raises(ValidationError):
        invitation_revoke(invitation=invitation, actor=org_admin)


def test_it_does_not_let_trainers_revoke_an_admin_invitation(invite, trainer):
    invitation = invite(role="admin")
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, actor=trainer)


def test_it_accepts_for_a_new_account_into_the_group(
    invite, organisation, group, monkeypatch, django_capture_on_commit_callbacks
):
    joined = []
    monkeypatch.setattr(group_services, "_group_join_handlers", [])
    group_services.register_group_join_handler(lambda g, u: joined.append((g, u)))
    invitation = invite("new@example.org", name="Nina Nieuw", group=group, role="trainer")
    person = factories.UserFactory(email="new@example.org", name="")

    with django_capture_on_commit_callbacks(execute=True):
        membership = invitation_accept(invitation=invitation, user=person)

    assert membership.organisation == organisation and membership.role == "trainer"
    assert GroupMember.objects.filter(group=group, user=person).exists()
    assert joined == [(group, person)]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == person
    person.refresh_from_db()
    assert person.name == "Nina Nieuw"
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_ACCEPTED)
    assert event.subject_user == person and event.organisation == organisation


def test_it_accepts_for_an_existing_account_and_raises_a_lower_role(invite, organisation):
    person = factories.UserFactory(email="known@example.org")
    invitation = invite("known@example.org", role="analyst")
    Membership.objects.create(user=person, organisation=organisation, role="learner")
    membership = invitation_accept(invitation=invitation, user=person)
    assert membership.role == "analyst"
    assert Membership.objects.get(user=person, organisation=organisation).role == "analyst"


def test_it_never_lowers_a_higher_role(invite, organisation):
    person = factories.UserFactory(email="boss@example.org")
    invitation = invite("boss@example.org", role="learner")
    Membership.objects.create(user=person, organisation=organisation, role="admin")
    invitation_accept(invitation=invitation, user=person)
    assert Membership.objects.get(user=person, organisation=organisation).role == "admin"


def test_it_accepts_with_a_verified_secondary_address(invite, organisation):
    person = factories.UserFactory(email="work@example.org")
    EmailAddress.objects.create(user=person, email="private@example.org", verified=True)
    invitation = invite("private@example.org")
    invitation_accept(invitation=invitation, user=person)
    assert Membership.objects.filter(user=person, organisation=organisation).exists()


def test_it_refuses_another_account_or_an_unverified_address(invite, organisation):
    invitation = invite("invited@example.org")
    other = factories.UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=other, email="invited@example.org", verified=False)
    with pytest.raises(ValidationError) as exc:
        invitation_accept(invitation=invitation, user=other)
    assert exc.value.code == "email_mismatch"
    assert not Membership.objects.filter(user=other).exists()


def test_it_refuses_expired_revoked_and_used_invitations(invite, org_admin):
    person = factories.UserFactory(email="late@example.org")
    invitation = invite("late@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        with pytest.raises(ValidationError) as exc:
            invitation_accept(invitation=invitation, user=person)
        assert exc.value.code == "expired"

    invitation_accept(invitation=invitation, user=person)
    with pytest.raises(ValidationError) as exc:
        invitation_accept(invitation=invitation, user=person)
    assert exc.value.code == "accepted"

    revoked = invite("gone@example.org")
    invitation_revoke(invitation=revoked, actor=org_admin)
    gone = factories.UserFactory(email="gone@example.org")
    with pytest.raises(ValidationError) as exc:
        invitation_accept(invitation=revoked, user=gone)
    assert exc.value.code == "revoked"
    assert not Membership.objects.filter(user=gone).exists()
