"""State of the components behind the platform, for ``GET /healthz``.

Each check costs a round trip at most, so the load balancer can ask every few seconds. The
workers are not asked (a broadcast ping waits for its timeout whenever one is missing): each
Celery worker notes its own heartbeat in the cache (``worker_heartbeat``, called on Celery's
``heartbeat_sent`` signal, every 2 seconds in each worker; see ``academy.celery``), with an
expiry of ``WORKER_HEARTBEAT_MAX_AGE``. The workers are ``ok`` while such a note exists, so while
some worker beat in the last 30 seconds; the expiry is Redis's own, so the clocks of web and
worker machines need not agree.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

WORKER_HEARTBEAT_KEY = "academy:worker-heartbeat"
WORKER_HEARTBEAT_MAX_AGE = 30  # seconds


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def cache_state() -> str:
    """Redis itself: while it is down the cache answers from a stand-in in memory
    (``academy.cache``), which must not count as up."""
    try:
        redis_is_up = getattr(cache, "redis_is_up", None)
        if redis_is_up is not None:
            return "ok" if redis_is_up() else "down"
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "down"
    except Exception:
        return "down"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from academy.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:
        return "down"


def worker_heartbeat(hostname: str = "") -> None:
    """A worker is alive: note it for ``WORKER_HEARTBEAT_MAX_AGE`` seconds."""
    try:
        cache.set(
            WORKER_HEARTBEAT_KEY,
            {"worker": hostname, "at": time.time()},
            timeout=WORKER_HEARTBEAT_MAX_AGE,
        )
    except Exception:  # the cache is down: /healthz says so; the worker goes on
        logger.warning("could not note the worker heartbeat in the cache", exc_info=True)


def workers_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        if getattr(cache, "degraded", False):  # the heartbeats are in Redis, not in the stand-in
            return "down"
        return "ok" if cache.get(WORKER_HEARTBEAT_KEY) is not None else "down"
    except Exception:
        return "down"


def health() -> dict[str, str]:
    return {
        "database": database_state(),
        "cache": cache_state(),
        "broker": broker_state(),
        "workers": workers_state(),
    }
