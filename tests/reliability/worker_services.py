"""PostgreSQL and Redis for the tests that run real processes (the served stack, a Celery worker
subprocess): the test database as a URL, a Redis database of the test's own, and the service
check (skipped when a service is missing; with CI=true the test fails instead)."""

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("this test needs PostgreSQL (DATABASE_URL=postgres://...)")


def database_url_for_processes() -> str:
    """The pytest test database (``test_<name>``) as a URL other processes can use."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{params['NAME']}"


def own_redis_url(database: int) -> str:
    """The Redis server of REDIS_URL, database ``database``, emptied (must answer a PING)."""
    import redis

    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        unavailable("this test needs Redis (REDIS_URL)")
    own = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
    client = redis.Redis.from_url(own, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {own} does not answer: {error}")
    client.flushdb()
    client.close()
    return own
