"""The transactional outbox: a Celery task that must not be lost while Redis is down.

``enqueue(task, *args, **kwargs)`` writes an ``OutboxMessage`` row in the caller's transaction
(the change and its task commit together, or neither) and, once that transaction commits,
tries to send it to the broker at once. When the broker is down the row stays unsent and the
request goes on; the beat task ``academy.tasks.relay_outbox`` (every 30 seconds) sends what is
left once Redis is back (``relay``).

A row is sent under its row lock (``select_for_update(skip_locked=True)``) and marked sent in the
same transaction, so the sender after the commit and the relay never both send it. One rare
duplicate remains possible (the broker took the message, then the database commit of "sent"
failed), so every task sent this way is idempotent.

It lives in accounts, the bottom of the app ladder, because every app may import accounts and
none may import academy; it knows the tasks by their Celery names only.

With tasks in-process (``task_always_eager``: ``make run`` without Redis, the unit tests) the
row is claimed with a conditional UPDATE and the task runs at once, outside any transaction of
the outbox, as it did before there was one.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.utils.imports import symbol_by_name

from accounts.models import OutboxMessage

logger = logging.getLogger(__name__)

RELAY_BATCH = 500
KEEP_SENT = timedelta(days=7)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Write the task (a Celery task or its name) in the current transaction; send it after the
    commit. Arguments must be JSON (ids, not objects)."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def deliver(message_id: int) -> bool:
    """Send one unsent message; True when this call sent it. A broker that is down leaves the
    message for the relay (its error noted), without raising."""
    return _send(message_id) == SENT


SENT, SKIPPED, FAILED = "sent", "skipped", "failed"


def _send(message_id: int) -> str:
    if current_app.conf.task_always_eager:
        claimed = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        if claimed:
            message = OutboxMessage.objects.get(pk=message_id)
            _task(message.task).apply_async(args=message.args, kwargs=message.kwargs)
        return SENT if claimed else SKIPPED
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:  # sent already, or being sent by the relay right now
            return SKIPPED
        message.attempts += 1
        try:
            # No result: the redis result backend would first subscribe to it, and retry that
            # for many seconds while Redis is down.
            _task(message.task).apply_async(
                args=message.args, kwargs=message.kwargs, retry=False, ignore_result=True
            )
        except Exception as error:
            logger.warning("Outbox: could not send %s (%s); the relay will", message, error)
            message.last_error = f"{type(error).__name__}: {error}"[:1000]
            message.save(update_fields=["attempts", "last_error"])
            return FAILED
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
    return SENT


def relay(limit: int = RELAY_BATCH) -> int:
    """Send the unsent messages, oldest first; stop at the first that cannot be sent (the
    broker is down: the next run tries again). Forget sent messages after ``KEEP_SENT``.
    Returns how many were sent."""
    sent = 0
    ids = (
        OutboxMessage.objects.filter(sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in list(ids):
        outcome = _send(message_id)
        if outcome == FAILED:
            break
        sent += outcome == SENT
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent


def _task(name: str):
    """The task by its dotted name (importing its module: this process may not have yet)."""
    return symbol_by_name(name)
