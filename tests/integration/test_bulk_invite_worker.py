"""A bulk invitation end to end on a real Celery worker (in a thread) with Redis as broker.

The upload is stored, its task goes through Redis to the worker, the worker processes the rows
(each committing on its own) and queues one e-mail task per invitation, which the same worker
sends. The worker (fixture ``celery_worker``) is set up in ``conftest.py``.

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import pytest
from django.core import mail

from organisations.models import GroupMember, Invitation, InvitationBatch
from organisations.services import invitation_batch_create
from organisations.tasks import process_invitation_batch
from tests import factories
from tests.integration.helpers import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_it_invites_a_csv_on_a_real_worker(celery_worker, org_admin, organisation, learner):
    group = factories.GroupFactory(organisation=organisation, name="Klas 2025-A")
    text = (
        "email;name;role;group\n"
        "een@example.org;Een;learner;Klas 2025-A\n"
        "twee@example.org;Twee;trainer;\n"
        "geen-adres;Fout;learner;\n"
        f"{learner.email};Lotte;learner;Klas 2025-A\n"
        "EEN@example.org;Dubbel;learner;\n"
        "drie@example.org;Drie;learner;Bestaat niet\n"
    )

    batch = invitation_batch_create(
        organisation=organisation, actor=org_admin, filename="klas.csv", csv_text=text
    )

    def finished():
        return InvitationBatch.objects.get(pk=batch.pk).status == InvitationBatch.Status.DONE

    assert wait_for(finished), InvitationBatch.objects.get(pk=batch.pk).status
    batch.refresh_from_db()
    assert batch.processed_rows == batch.total_rows == 6
    assert [(r["row"], r["outcome"]) for r in batch.results] == [
        (2, "invited"),
        (3, "invited"),
        (4, "rejected"),
        (5, "already_member"),
        (6, "already_invited"),
        (7, "rejected"),
    ]
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("een@example.org", "learner"),
        ("twee@example.org", "trainer"),
    }
    assert GroupMember.objects.filter(group=group, user=learner).exists()

    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "een@example.org",
        "twee@example.org",
    ]
    assert set(Invitation.objects.values_list("send_count", flat=True)) == {1}

    # A second delivery of the same task finds the batch done and does nothing.
    assert process_invitation_batch.delay(batch.pk).get(timeout=30) == "skipped"
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2
