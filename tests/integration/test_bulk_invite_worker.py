"""A bulk invitation end to end on a real Celery worker (in a thread) with Redis as broker.

The upload is stored, its task goes through Redis to the worker, the worker processes the rows
(each committing on its own) and queues one e-mail task per invitation, which the same worker
sends. The worker listens on a queue of its own, so parallel test processes (pytest-xdist) and
other workers on the same Redis never take each other's tasks.

Broker and result backend are the Redis server of REDIS_URL, but database 15 (14 if REDIS_URL
itself uses 15): the shared test set-up clears the cache, which lives in REDIS_URL's own
database, before every test in every parallel process; such a FLUSHDB would also wipe the
queue bindings and messages of this test.

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections

from organisations.models import GroupMember, Invitation, InvitationBatch
from organisations.services import invitation_batch_create
from organisations.tasks import process_invitation_batch
from tests import factories

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CONF_KEYS = (
    "task_always_eager",
    "broker_url",
    "result_backend",
    "task_default_queue",
    "worker_hijack_root_logger",
    "result_expires",
)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDIS_URL is not set: the worker test needs Redis")
        pytest.skip("needs Redis: set REDIS_URL")
    return url


def broker_url_beside(redis_url: str) -> str:
    """The same Redis server, another database than the (flushed) cache database."""
    parts = urlsplit(redis_url)
    cache_db = parts.path.strip("/") or "0"
    return urlunsplit(parts._replace(path="/14" if cache_db == "15" else "/15"))


def _forget_connections(app) -> None:
    """Drop the app's cached broker pools and result backend, so the next use follows the
    current configuration (they were created from the settings when the first task was sent)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def _close_worker_connections(**kwargs):
    """Runs in the worker thread after each task: leave no connection to the test database."""
    connections.close_all()


@pytest.fixture
def celery_worker(redis_url):
    from academy.celery import app

    queue = f"test-organisations-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in CONF_KEYS}
    saved_consume_from = getattr(app.amqp.queues, "_consume_from", None)
    broker_url = broker_url_beside(redis_url)
    app.conf.update(
        task_always_eager=False,
        broker_url=broker_url,
        result_backend=broker_url,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        result_expires=300,
    )
    _forget_connections(app)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, perform_ping_check=False, pool="solo", queues=[queue], shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_worker_connections)
        with app.connection_for_write() as connection:
            # Declared on this channel first, so that the delete also drops the bindings.
            bound = app.amqp.queues[queue].bind(connection.default_channel)
            bound.declare()
            bound.delete()
        app.amqp.queues._consume_from = saved_consume_from
        app.conf.update(saved)
        _forget_connections(app)


def wait_for(condition, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


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
