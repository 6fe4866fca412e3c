"""State of the components behind the platform, for ``GET /healthz``."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def cache_state() -> str:
    try:
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


def workers_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from academy.celery import app

    try:
        replies = app.control.inspect(timeout=0.5).ping()
        return "ok" if replies else "down"
    except Exception:
        return "down"


def health() -> dict[str, str]:
    return {
        "database": database_state(),
        "cache": cache_state(),
        "broker": broker_state(),
        "workers": workers_state(),
    }
