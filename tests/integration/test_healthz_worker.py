"""/healthz on the full stack: a running Celery worker makes it say ``workers: ok``, from the
worker's heartbeat in the cache, without asking the workers anything (milliseconds).

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import time

import pytest

from tests.integration.helpers import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_running_worker_makes_healthz_say_workers_ok(celery_worker, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as on the full stack

    assert wait_for(lambda: client.get("/healthz").json()["workers"] == "ok", timeout=15)

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/healthz")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok", "workers": "ok"}
    assert min(timings) < 0.25, timings  # no broadcast that waits for replies
