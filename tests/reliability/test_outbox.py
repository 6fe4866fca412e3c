"""The task outbox (accounts.outbox): a task is written with the change that needs it, sent after
the commit, left for the relay while the broker is down, and sent once.

The tests with a broker use the Redis of REDIS_URL through a TcpProxy (skipped without it,
except with CI=true, where they fail).
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from accounts import outbox
from accounts.models import OutboxMessage
from certificates.models import Certificate
from certificates.services import certificate_issue_later
from courses.services import enrol, lesson_complete, lesson_open
from tests.certificates.helpers import one_lesson_course
from tests.factories import UserFactory
from tests.reliability.outage import BROKER_DATABASE, celery_broker, redis_url_or_skip, through
from tests.reliability.tcp_proxy import TcpProxy

PURGE = "academy.tasks.purge_past_retention"  # a real task that is harmless to run


@dataclass
class Broker:
    proxy: TcpProxy
    redis: redis.Redis  # the broker's Redis database, straight (not through the proxy)
    queue: str  # the key of the default queue

    def queued(self) -> list[str]:
        """The task names waiting in the default queue, oldest first."""
        raw_messages = reversed(self.redis.lrange(self.queue, 0, -1))  # LPUSH: newest first
        return [json.loads(raw)["headers"]["task"] for raw in raw_messages]


@pytest.fixture
def broker():
    """Tasks go to a Redis broker behind a proxy (the test cuts it), under keys of this test
    only: a publish that an earlier test's connection still had under way (a retried command
    through a proxy under load) cannot land in this test's queue."""
    url = redis_url_or_skip()
    target = urlsplit(url)
    direct = redis.Redis.from_url(urlunsplit(target._replace(path=f"/{BROKER_DATABASE}")))
    prefix = f"outbox-test-{uuid.uuid4().hex}:"
    with TcpProxy(target.port or 6379, target.hostname or "127.0.0.1") as proxy:
        with celery_broker(through(url, proxy, database=BROKER_DATABASE), key_prefix=prefix):
            yield Broker(proxy, direct, queue=f"{prefix}celery")
    for key in direct.scan_iter(f"{prefix}*"):
        direct.delete(key)
    direct.close()


# --- in-process tasks (eager): as before the outbox ---------------------------------------------


@pytest.mark.django_db
def test_the_message_is_written_in_the_callers_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            message = outbox.enqueue(PURGE)
            assert OutboxMessage.objects.filter(pk=message.pk, sent_at=None).exists()
            assert callbacks == []  # nothing is sent before the commit
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                outbox.enqueue(PURGE)
                raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_eager_tasks_run_after_the_commit_and_the_message_is_marked_sent(
    django_capture_on_commit_callbacks,
):
    learner = UserFactory()
    enrolment = enrol(user=learner, course=one_lesson_course())
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue_later(enrolment_id=enrolment.pk)
    message = OutboxMessage.objects.get()
    assert message.task == "certificates.tasks.issue_certificate"
    assert message.args == [enrolment.pk]
    assert message.sent_at is not None and message.attempts == 1
    assert Certificate.objects.filter(enrolment=enrolment).exists()
    assert outbox.deliver(message.pk) is False  # sent once, never again


@pytest.mark.django_db
def test_the_relay_forgets_sent_messages_after_a_week():
    old = OutboxMessage.objects.create(task=PURGE, sent_at=timezone.now() - timedelta(days=8))
    recent = OutboxMessage.objects.create(task=PURGE, sent_at=timezone.now() - timedelta(days=1))
    outbox.relay()
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert OutboxMessage.objects.filter(pk=recent.pk).exists()


# --- a real broker (Redis through a proxy) -------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db
def test_with_the_broker_down_the_message_waits_and_the_request_does_not(broker):
    broker.proxy.cut()
    message = OutboxMessage.objects.create(task=PURGE)
    started = time.monotonic()
    assert outbox.deliver(message.pk) is False
    # one try: connect (1 s) and the broker socket timeout (2 s) at the most
    assert time.monotonic() - started < 4.5
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "Error" in message.last_error

    assert outbox.relay() == 0  # still down: the relay leaves it too, and stops at once
    broker.proxy.restore()
    assert outbox.relay() == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.last_error == ""
    assert broker.queued() == [PURGE]
    assert outbox.relay() == 0  # idempotent: nothing sent twice
    assert broker.queued() == [PURGE]


@pytest.mark.services
@pytest.mark.django_db
def test_a_completion_while_redis_is_down_lands_in_the_outbox_and_is_sent_later(
    broker, django_capture_on_commit_callbacks
):
    broker.proxy.cut()
    course = one_lesson_course()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(user=UserFactory(), course=course)
        lesson = course.lessons.get()
        lesson_open(enrolment=enrolment, lesson=lesson)
        assert lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None  # the learner's work is saved all the same
    message = OutboxMessage.objects.get(task="certificates.tasks.issue_certificate")
    assert message.args == [enrolment.pk] and message.sent_at is None

    broker.proxy.restore()
    assert outbox.relay() == 1
    assert broker.queued() == ["certificates.tasks.issue_certificate"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_message_locked_by_the_relay_is_not_sent_again_by_the_committing_request(
    broker,
):
    message = OutboxMessage.objects.create(task=PURGE)
    locked, release = threading.Event(), threading.Event()

    def relay_holding_the_row():
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=relay_holding_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        assert outbox.deliver(message.pk) is False  # skipped, not waiting for the lock
    finally:
        release.set()
        holder.join(10)
    assert broker.queued() == []
    assert outbox.deliver(message.pk) is True
    assert outbox.deliver(message.pk) is False
    assert broker.queued() == [PURGE]


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")
