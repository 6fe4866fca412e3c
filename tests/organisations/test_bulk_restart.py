"""Continuing a stuck CSV upload runs the remaining rows with the rights of the person who
continues it; rows above those rights are refused one by one."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation, InvitationBatch
from organisations.services import bulk, invitation_batch_create, invitation_batch_restart
from tests.organisations.conftest import member

CSV = (
    "email,role,group\n"
    "first@example.org,learner,\n"
    "second@example.org,admin,\n"
    "third@example.org,trainer,\n"
    "fourth@example.org,learner,\n"
    "fifth@example.org,learner,Klas 2025-A\n"
)


@pytest.fixture
def stuck_batch(org_admin, organisation, group, monkeypatch, django_capture_on_commit_callbacks):
    """An administrator's upload whose worker was lost after the first row."""
    real = bulk._process_row
    calls = {"n": 0}

    def dies_on_second_row(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # escapes the per-row handler, like a lost worker
        return real(*args)

    monkeypatch.setattr(bulk, "_process_row", dies_on_second_row)
    monkeypatch.setattr(bulk, "RESULTS_EVERY", 1)
    with pytest.raises(KeyboardInterrupt), django_capture_on_commit_callbacks(execute=True):
        invitation_batch_create(
            organisation=organisation, actor=org_admin, filename="people.csv", csv_text=CSV
        )
    monkeypatch.setattr(bulk, "_process_row", real)
    batch = InvitationBatch.objects.get()
    InvitationBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - timedelta(minutes=20)
    )
    batch.refresh_from_db()
    assert batch.is_stalled and batch.run_by == org_admin
    assert [r["outcome"] for r in batch.results] == ["invited"]
    return batch


def _restart(batch, actor, capture):
    with capture(execute=True):
        invitation_batch_restart(batch=batch, actor=actor)
    batch.refresh_from_db()
    return {r["email"]: (r["outcome"], r["code"]) for r in batch.results}


def test_a_trainer_continuing_an_admin_upload_gets_the_higher_rows_refused(
    stuck_batch, trainer, django_capture_on_commit_callbacks
):
    outcomes = _restart(stuck_batch, trainer, django_capture_on_commit_callbacks)

    assert stuck_batch.status == InvitationBatch.Status.DONE
    assert stuck_batch.run_by == trainer
    assert outcomes == {
        "first@example.org": ("invited", "invited"),  # done before, with the admin's rights
        "second@example.org": ("rejected", "role_not_allowed"),
        "third@example.org": ("rejected", "role_not_allowed"),
        "fourth@example.org": ("invited", "invited"),
        "fifth@example.org": ("invited", "invited"),  # trainers manage groups
    }
    assert not Invitation.objects.filter(role__in=["admin", "trainer"]).exists()
    assert Invitation.objects.get(email="fourth@example.org").invited_by == trainer


def test_an_admin_continuing_it_gets_every_row_their_role_allows(
    stuck_batch, organisation, django_capture_on_commit_callbacks
):
    colleague = member(organisation, role="admin")
    outcomes = _restart(stuck_batch, colleague, django_capture_on_commit_callbacks)
    assert {outcome for outcome, _ in outcomes.values()} == {"invited"}
    assert Invitation.objects.get(email="second@example.org").invited_by == colleague


def test_it_continues_when_the_uploader_is_gone(
    stuck_batch, org_admin, organisation, django_capture_on_commit_callbacks
):
    colleague = member(organisation, role="trainer")
    org_admin.delete()
    stuck_batch.refresh_from_db()
    outcomes = _restart(stuck_batch, colleague, django_capture_on_commit_callbacks)
    assert outcomes["fourth@example.org"] == ("invited", "invited")
    assert outcomes["second@example.org"] == ("rejected", "role_not_allowed")


def test_people_who_may_not_invite_cannot_continue_it(stuck_batch, learner, analyst):
    for person in (learner, analyst):
        with pytest.raises(PermissionDenied):
            invitation_batch_restart(batch=stuck_batch, actor=person)
    stuck_batch.refresh_from_db()
    assert stuck_batch.run_by != learner and stuck_batch.is_stalled


def test_the_page_says_whose_rights_apply_and_continues_with_them(
    login, stuck_batch, trainer, organisation, django_capture_on_commit_callbacks
):
    client = login(trainer)
    url = reverse("organisations:batch_detail", args=[organisation.slug, stuck_batch.pk])
    assert "processed with your rights" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:batch_restart", args=[organisation.slug, stuck_batch.pk])
        )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Continued by Tim Trainer, with their rights." in html
    assert "You may not invite people as" in html
