"""Taking Redis away from the test process: the cache and the Celery broker through a
``TcpProxy`` that the test cuts and restores."""

import contextlib
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.reliability.tcp_proxy import TcpProxy

# The cache options of academy/settings.py when REDIS_URL is set (test_redis_down checks that
# the settings module really has them).
CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
BROKER_DATABASE = 5  # the broker of these tests: not a cache database of tests/conftest.py


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDIS_URL is not set: this test needs Redis", pytrace=False)
        pytest.skip("needs Redis: set REDIS_URL")
    return url


def through(url: str, proxy: TcpProxy, *, database: int | None = None) -> str:
    """``url`` with host and port of the proxy (and another database path, if given)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    path = parts.path if database is None else f"/{database}"
    return urlunsplit(parts._replace(netloc=netloc, path=path))


def forget_celery_connections(app) -> None:
    """Drop the app's broker pools and result backend, so the next use follows app.conf."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextlib.contextmanager
def celery_broker(url: str, *, key_prefix: str = ""):
    """Tasks go to the broker at ``url`` (not eager) within the block; with ``key_prefix``, every
    broker key (the queue ``celery`` too) starts with it."""
    from academy.celery import app

    keys = ("task_always_eager", "broker_url", "result_backend", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    transport_options = dict(saved["broker_transport_options"] or {})
    if key_prefix:
        transport_options["global_keyprefix"] = key_prefix
    app.conf.update(
        task_always_eager=False,
        broker_url=url,
        result_backend=url,
        broker_transport_options=transport_options,
    )
    forget_celery_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        forget_celery_connections(app)


@contextlib.contextmanager
def stack_behind_proxies(*, redis_database: int, **stack_options):
    """The served stack (``bench.stack.ServeStack``: gunicorn, worker, beat; production settings)
    on the pytest test database, with PostgreSQL and Redis each behind a ``TcpProxy``.
    Yields ``(stack, postgres_proxy, redis_proxy)``; the caller needs the test database."""
    from bench.stack import ServeStack
    from tests.reliability.worker_services import (
        database_url_for_processes,
        own_redis_url,
        require_postgres,
    )

    require_postgres()
    database_url = database_url_for_processes()
    redis_url = own_redis_url(redis_database)
    postgres = urlsplit(database_url)
    redis_target = urlsplit(redis_url)
    with (
        TcpProxy(postgres.port or 5432, postgres.hostname or "127.0.0.1") as postgres_proxy,
        TcpProxy(redis_target.port or 6379, redis_target.hostname or "127.0.0.1") as redis_proxy,
    ):
        stack = ServeStack(
            database_url=through(database_url, postgres_proxy),
            redis_url=through(redis_url, redis_proxy),
            migrate=False,  # pytest-django migrated the test database
            web_concurrency=1,
            celery_concurrency=1,
            **stack_options,
        )
        with stack:
            yield stack, postgres_proxy, redis_proxy
