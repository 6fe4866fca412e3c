"""The daily purge deletes exactly what is past its retention period, and nothing else."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from academy.celery import app
from academy.tasks import purge_past_retention
from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from organisations.models import Invitation, InvitationBatch
from tests import factories

pytestmark = pytest.mark.django_db


def _days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def _event(action, days):
    event = audit_record(action=action, summary=f"{action} {days}", data={"email": "x@example.org"})
    AuditEvent.objects.filter(pk=event.pk).update(created_at=_days_ago(days))
    return event


def _batch(organisation, days):
    batch = InvitationBatch.objects.create(
        organisation=organisation, csv_text="email\nx@example.org\n", total_rows=1, status="done"
    )
    InvitationBatch.objects.filter(pk=batch.pk).update(created_at=_days_ago(days))
    return batch


def _invitation(organisation, status, expired_days_ago, batch=None):
    return Invitation.objects.create(
        organisation=organisation,
        email=f"{status}-{expired_days_ago}@example.org",
        token=f"token-{status}-{expired_days_ago}",
        status=status,
        expires_at=_days_ago(expired_days_ago),
        batch=batch,
    )


def _signup(email, *, joined_days, verified=False, logged_in=False, staff=False, address=True):
    user = factories.UserFactory(email=email, verified=False, is_staff=staff)
    if address:
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    User.objects.filter(pk=user.pk).update(
        date_joined=_days_ago(joined_days), last_login=timezone.now() if logged_in else None
    )
    return user


@pytest.fixture
def data(organisation):
    old_batch = _batch(organisation, 91)
    return {
        "events": {
            "old_failed": _event(AuditEvent.Action.LOGIN_FAILED, 91),
            "recent_failed": _event(AuditEvent.Action.LOGIN_FAILED, 89),
            "old_login": _event(AuditEvent.Action.LOGIN, 400),
            "old_invitation_sent": _event(AuditEvent.Action.INVITATION_SENT, 400),
        },
        "batches": {"old": old_batch, "recent": _batch(organisation, 89)},
        "invitations": {
            "expired_old": _invitation(organisation, "expired", 91),
            "pending_lapsed_old": _invitation(organisation, "pending", 91, batch=old_batch),
            "revoked_old": _invitation(organisation, "revoked", 91),
            "pending_lapsed_recent": _invitation(organisation, "pending", 89),
            "accepted_old": _invitation(organisation, "accepted", 400),
            "open": _invitation(organisation, "pending", -5),
        },
        "users": {
            "unverified_old": _signup("old@example.org", joined_days=31),
            "unverified_recent": _signup("recent@example.org", joined_days=29),
            "verified_old": _signup("verified@example.org", joined_days=31, verified=True),
            "unverified_but_used": _signup("used@example.org", joined_days=31, logged_in=True),
            "unverified_staff": _signup("staff@example.org", joined_days=31, staff=True),
            "admin_made": _signup("admin-made@example.org", joined_days=31, address=False),
        },
    }


def _exists(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


def test_it_deletes_exactly_what_is_past_retention(data):
    deleted = purge_past_retention.delay().get()

    assert deleted == {
        "failed_logins": 1,
        "unverified_signups": 1,
        "invitation_batches": 1,
        "expired_invitations": 3,
    }
    gone = {
        "events": {"old_failed"},
        "batches": {"old"},
        "invitations": {"expired_old", "pending_lapsed_old", "revoked_old"},
        "users": {"unverified_old"},
    }
    for kind, objects in data.items():
        for name, obj in objects.items():
            assert _exists(obj) == (name not in gone[kind]), f"{kind} {name}"


def test_it_is_idempotent(data):
    purge_past_retention.delay().get()
    assert purge_past_retention.delay().get() == {
        "failed_logins": 0,
        "unverified_signups": 0,
        "invitation_batches": 0,
        "expired_invitations": 0,
    }


def test_the_periods_come_from_settings(data, settings):
    settings.RETENTION_FAILED_LOGIN_DAYS = 30
    settings.RETENTION_INVITATION_BATCH_DAYS = 365
    deleted = purge_past_retention.delay().get()
    assert deleted["failed_logins"] == 2
    assert deleted["invitation_batches"] == 0


def test_the_defaults_and_the_daily_schedule(settings):
    assert settings.RETENTION_INVITATION_BATCH_DAYS == 90
    assert settings.RETENTION_FAILED_LOGIN_DAYS == 90
    assert settings.RETENTION_UNVERIFIED_SIGNUP_DAYS == 30
    assert settings.RETENTION_EXPIRED_INVITATION_DAYS == 90
    entry = settings.CELERY_BEAT_SCHEDULE["academy-purge-past-retention"]
    assert entry["task"] == "academy.tasks.purge_past_retention"
    assert entry["schedule"].hour == {3}
    assert entry["task"] in app.tasks
