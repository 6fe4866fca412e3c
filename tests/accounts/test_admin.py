"""The admin for people and the audit log (staff with two-factor authentication)."""

import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
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
