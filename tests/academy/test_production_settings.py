"""ACADEMY_ENV=production refuses to start without PostgreSQL, Redis and SITE_URL: it never
falls back to SQLite, in-process (eager) tasks or a per-process cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION = {
    "ACADEMY_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "academy.example.org",
    "SITE_URL": "https://academy.example.org",
    "DATABASE_URL": "postgres://academy:s3cr3t-pw@db.example.org:5432/academy",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
    "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.SITE_URL]))"
)


def load_settings(**variables: str | None) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables (None: unset)."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "academy.settings"}
    env.update({k: v for k, v in {**PRODUCTION, **variables}.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_production_runs_on_postgresql_redis_and_a_real_worker():
    out = load_settings()
    assert out.returncode == 0, out.stderr[-2000:]
    engine, cache, eager, broker, site_url = json.loads(out.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.postgresql"
    assert cache == "academy.cache.DegradingRedisCache"  # django-redis, degrading
    assert eager is False
    assert broker == PRODUCTION["REDIS_URL"]
    assert site_url == "https://academy.example.org"


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DATABASE_URL", None),
        ("DATABASE_URL", "sqlite:///db.sqlite3"),
        ("REDIS_URL", None),
        ("REDIS_URL", ""),
        ("SITE_URL", None),
    ],
)
def test_production_refuses_to_start_without(variable, value):
    out = load_settings(**{variable: value})
    assert out.returncode != 0
    last_line = out.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"ACADEMY_ENV=production requires {variable}" in last_line
    assert "s3cr3t-pw" not in out.stderr  # never echoes a password


def test_development_still_falls_back_to_sqlite_and_eager_tasks():
    out = load_settings(ACADEMY_ENV=None, DATABASE_URL=None, REDIS_URL=None, SITE_URL=None)
    assert out.returncode == 0, out.stderr[-2000:]
    engine, cache, eager, broker, site_url = json.loads(out.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert eager is True
