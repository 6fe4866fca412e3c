"""The admin for people and the audit log (staff with two-factor authentication)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, OutboxMessage, User
from tests.mfa import give_totp


@pytest.fixture
def staff_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    give_totp(staff_user)
    client.force_login(staff_user)
    return client


@pytest.mark.django_db
def test_it_lists_and_shows_people(staff_client, learner):
    assert staff_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert (
        staff_client.get(reverse("admin:accounts_user_change", args=[learner.pk])).status_code
        == 200
    )
    assert staff_client.get(reverse("admin:accounts_user_add")).status_code == 200


@pytest.mark.django_db
def test_it_anonymises_instead_of_deleting(staff_client, learner):
    assert (
        staff_client.get(reverse("admin:accounts_user_delete", args=[learner.pk])).status_code
        == 403
    )
    response = staff_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "anonymise_accounts", "_selected_action": [learner.pk]},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.anonymised_at is not None
    assert User.objects.filter(pk=learner.pk).exists()


@pytest.mark.django_db
def test_the_audit_log_is_read_only(staff_client, learner):
    event = audit_record(action=AuditEvent.Action.LOGIN, actor=learner, subject_user=learner)
    assert staff_client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    response = staff_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    assert b'name="action"' not in response.content
    assert staff_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403


@pytest.mark.django_db
def test_the_outbox_shows_what_waits_and_is_read_only(staff_client):
    waiting = OutboxMessage.objects.create(
        task="academy.tasks.purge_past_retention", attempts=2, last_error="ConnectionError: down"
    )
    response = staff_client.get(
        reverse("admin:accounts_outboxmessage_changelist"), {"state": "waiting"}
    )
    assert response.status_code == 200
    assert b"ConnectionError: down" in response.content
    response = staff_client.get(reverse("admin:accounts_outboxmessage_change", args=[waiting.pk]))
    assert response.status_code == 200
    assert b'name="task"' not in response.content
    assert staff_client.get(reverse("admin:accounts_outboxmessage_add")).status_code == 403
    delete = reverse("admin:accounts_outboxmessage_delete", args=[waiting.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert OutboxMessage.objects.filter(pk=waiting.pk).exists()


@pytest.mark.django_db
def test_send_now_sends_the_waiting_messages_once(staff_client):
    waiting = OutboxMessage.objects.create(task="academy.tasks.purge_past_retention")
    sent_before = OutboxMessage.objects.create(
        task="academy.tasks.purge_past_retention", sent_at=timezone.now(), attempts=1
    )
    response = staff_client.post(
        reverse("admin:accounts_outboxmessage_changelist"),
        {"action": "send_now", "_selected_action": [waiting.pk, sent_before.pk]},
        follow=True,
    )
    assert "1 of 1 waiting messages sent." in [str(m) for m in response.context["messages"]]
    waiting.refresh_from_db()
    sent_before.refresh_from_db()
    assert waiting.sent_at is not None and waiting.attempts == 1
    assert sent_before.attempts == 1  # not sent again


@pytest.mark.django_db
def test_an_outsider_without_staff_rights_cannot_see_the_outbox(client, learner):
    client.force_login(learner)
    response = client.get(reverse("admin:accounts_outboxmessage_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
