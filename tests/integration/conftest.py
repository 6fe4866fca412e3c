"""A real Celery worker (in a thread) with Redis as broker, for the tests in this folder.

The worker listens on a queue of its own, so parallel test processes (pytest-xdist) and other
workers on the same Redis never take each other's tasks. It sends Celery's heartbeats (as a real
worker does), which /healthz reads.

Broker and result backend are the Redis server of REDIS_URL, but database 15 (14 if REDIS_URL
itself uses 15): the shared test set-up clears the cache, which lives in REDIS_URL's own
database, before every test in every parallel process; such a FLUSHDB would also wipe the
queue bindings and messages of these tests.

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

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
            app,
            perform_ping_check=False,
            pool="solo",
            queues=[queue],
            shutdown_timeout=30,
            without_heartbeat=False,
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
