"""Bulk invitations from CSV: parsing, per-row outcomes, duplicates, claiming and resuming."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.models import GroupMember, Invitation, InvitationBatch
from organisations.services import (
    bulk,
    csv_rows,
    invitation_batch_create,
    invitation_batch_process,
    invitation_batch_restart,
)


@pytest.fixture
def upload(org_admin, organisation, django_capture_on_commit_callbacks):
    """``upload(text, actor=...)``: store a batch and process it (tasks run eagerly)."""

    def _upload(text, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            batch = invitation_batch_create(
                organisation=organisation,
                actor=actor or org_admin,
                filename="people.csv",
                csv_text=text,
            )
        batch.refresh_from_db()
        return batch

    return _upload


def outcomes(batch):
    return [(r["row"], r["email"], r["outcome"]) for r in batch.results]


def test_it_reads_semicolons_a_bom_and_dutch_headers():
    rows = csv_rows("\ufeffE-mail;Naam;Rol;Groep\na@example.org;Ann;trainer;Klas\n\n;;;\n")
    assert rows == [
        (
            2,
            {
                "email": "a@example.org",
                "name": "Ann",
                "role": "trainer",
                "group": "Klas",
                "language": "",
            },
        )
    ]


def test_it_reads_commas_and_quoted_fields():
    rows = csv_rows('email,name\nb@example.org,"Bakker, Bo"\n')
    assert rows[0][1]["name"] == "Bakker, Bo"


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("name,role\nAnn,learner\n", "no_email_column"),
        ("email,rloe\na@example.org,learner\n", "unknown_columns"),
    ],
)
def test_it_rejects_a_bad_header(text, code):
    with pytest.raises(ValidationError) as exc:
        csv_rows(text)
    assert exc.value.code == code


def test_it_invites_good_rows_and_says_why_for_the_others(upload, organisation, group, learner):
    batch = upload(
        "email,name,role,group\n"
        "good@example.org,Goed,learner,Klas 2025-A\n"
        "not-an-address,Fout,learner,\n"
        f"{learner.email},Lotte,learner,\n"
        "Good@example.org,Dubbel,learner,\n"
        "role@example.org,Rol,chef,\n"
        "group@example.org,Groep,learner,Onbekend\n"
        ",,,\n"
        "trainer@example.org,Tess,trainer,klas 2025-a\n"
    )

    assert batch.status == InvitationBatch.Status.DONE
    assert batch.total_rows == batch.processed_rows == 7
    assert outcomes(batch) == [
        (2, "good@example.org", "invited"),
        (3, "not-an-address", "rejected"),
        (4, learner.email, "already_member"),
        (5, "good@example.org", "already_invited"),
        (6, "role@example.org", "rejected"),
        (7, "group@example.org", "rejected"),
        (9, "trainer@example.org", "invited"),
    ]
    reasons = {r["row"]: r["reason"] for r in batch.results}
    codes = {r["row"]: r["code"] for r in batch.results}
    assert codes == {
        2: "invited",
        3: "invalid_email",
        4: "already_member",
        5: "duplicate_in_file",
        6: "invalid_role",
        7: "unknown_group",
        9: "invited",
    }
    assert all(reasons[row] for row in (3, 4, 5, 6, 7))
    assert "2" in reasons[5]
    assert "chef" in reasons[6]
    assert "Onbekend" in reasons[7]
    assert set(Invitation.objects.values_list("email", "role", "group")) == {
        ("good@example.org", "learner", group.pk),
        ("trainer@example.org", "trainer", group.pk),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["good@example.org", "trainer@example.org"]
    assert Invitation.objects.filter(batch=batch).count() == 2


def test_it_invites_nobody_twice_when_the_same_file_comes_again(upload):
    text = "email;name\na@example.org;A\nb@example.org;B\n"
    first = upload(text)
    second = upload(text)
    assert [r["outcome"] for r in first.results] == ["invited", "invited"]
    assert [r["outcome"] for r in second.results] == ["already_invited", "already_invited"]
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_it_rejects_roles_above_what_the_uploader_may_give(upload, trainer):
    batch = upload("email,role\nl@example.org,learner\na@example.org,admin\n", actor=trainer)
    assert [r["outcome"] for r in batch.results] == ["invited", "rejected"]
    assert batch.results[1]["code"] == "role_not_allowed" and batch.results[1]["reason"]
    assert not Invitation.objects.filter(email="a@example.org").exists()


def test_it_puts_existing_members_in_the_group_of_their_row(upload, learner, group):
    batch = upload(f"email,group\n{learner.email},{group.name}\n")
    assert batch.results[0]["outcome"] == "already_member"
    assert group.name in batch.results[0]["reason"]
    assert GroupMember.objects.filter(group=group, user=learner).exists()


def test_it_keeps_going_when_one_row_breaks(upload, monkeypatch):
    real = bulk.invitation_create

    def flaky(**kwargs):
        if kwargs["email"] == "boom@example.org":
            raise RuntimeError("database hiccup")
        return real(**kwargs)

    monkeypatch.setattr(bulk, "invitation_create", flaky)
    batch = upload("email\na@example.org\nboom@example.org\nc@example.org\n")
    assert [r["outcome"] for r in batch.results] == ["invited", "rejected", "invited"]
    assert batch.status == InvitationBatch.Status.DONE


def test_it_updates_the_progress_while_running(upload, monkeypatch):
    seen = []
    real = bulk._save_progress

    def spy(batch, *, results):
        seen.append(len(batch.results))
        return real(batch, results=results)

    monkeypatch.setattr(bulk, "_save_progress", spy)
    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 2)
    upload("email\n" + "".join(f"p{i}@example.org\n" for i in range(5)))
    assert seen == [2, 4]


def test_it_refuses_files_without_people(org_admin, organisation):
    with pytest.raises(ValidationError):
        invitation_batch_create(
            organisation=organisation, actor=org_admin, filename="x.csv", csv_text="email\n"
        )
    assert not InvitationBatch.objects.exists()


def test_it_processes_a_batch_only_once(upload, organisation, org_admin):
    batch = upload("email\na@example.org\n")
    assert invitation_batch_process(batch_id=batch.pk) == "skipped"
    running = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        csv_text="email\nb@example.org\n",
        total_rows=1,
        status=InvitationBatch.Status.RUNNING,
    )
    assert invitation_batch_process(batch_id=running.pk) == "skipped"
    assert not Invitation.objects.filter(email="b@example.org").exists()


def test_it_continues_a_batch_whose_worker_was_lost(
    upload, organisation, org_admin, monkeypatch, django_capture_on_commit_callbacks
):
    real = bulk._process_row
    calls = {"n": 0}

    def dies_on_third_row(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # not an Exception: escapes the per-row handler

        return real(*args)

    monkeypatch.setattr(bulk, "_process_row", dies_on_third_row)
    monkeypatch.setattr(bulk, "RESULTS_EVERY", 2)
    with pytest.raises(KeyboardInterrupt):
        upload("email\na@example.org\nb@example.org\nc@example.org\nd@example.org\n")
    batch = InvitationBatch.objects.get()
    assert batch.status == InvitationBatch.Status.RUNNING
    assert len(batch.results) == 2

    with pytest.raises(ValidationError):  # still running and alive: not stuck
        invitation_batch_restart(batch=batch, actor=org_admin)
    InvitationBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - timedelta(minutes=20)
    )
    batch.refresh_from_db()
    assert batch.is_stalled
    monkeypatch.setattr(bulk, "_process_row", real)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_batch_restart(batch=batch, actor=org_admin)
    batch.refresh_from_db()
    assert batch.status == InvitationBatch.Status.DONE
    assert [r["outcome"] for r in batch.results] == ["invited"] * 4
    assert Invitation.objects.count() == 4


def test_it_does_not_restart_a_batch_that_is_fine(upload, org_admin):
    batch = upload("email\na@example.org\n")
    with pytest.raises(ValidationError):
        invitation_batch_restart(batch=batch, actor=org_admin)


def test_it_marks_the_batch_failed_on_an_unexpected_error(organisation, org_admin, monkeypatch):
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        csv_text="email\na@example.org\n",
        total_rows=1,
    )

    def broken(text):
        raise RuntimeError("bug")

    monkeypatch.setattr(bulk, "csv_rows", broken)
    assert invitation_batch_process(batch_id=batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == InvitationBatch.Status.FAILED
    assert "RuntimeError" in batch.error and batch.finished_at is not None
