"""Redis is down: pages still render, logging in (rate limits on) still works and the guards
still hold (``test_redis_down_guards.py``), /healthz says
the cache and the broker are down with a 200 (the web answers), and a task written meanwhile
waits in the outbox until the relay on beat sends it after Redis is back.

Redis is taken away through a TcpProxy (tests/reliability/tcp_proxy.py), never stopped. The
in-process tests need no Redis at all (the proxy is cut from the start). The served-stack test
needs PostgreSQL and Redis (skipped without them; with CI=true it fails).
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from academy import settings as project_settings
from accounts.models import OutboxMessage
from certificates.models import Certificate
from courses.services import enrol, lesson_complete, lesson_open
from tests.certificates.helpers import one_lesson_course
from tests.factories import PASSWORD, UserFactory
from tests.reliability.outage import (
    CACHE_OPTIONS,
    celery_broker,
    stack_behind_proxies,
    through,
)

STACK_REDIS_DATABASE = 6
RELAY_WAIT_SECONDS = 120  # the relay runs every 30 s; the worker reconnects within seconds


def test_the_settings_use_a_cache_that_degrades_and_a_broker_that_does_not_wait():
    """What production gets with REDIS_URL (the in-process tests below copy the options)."""
    code = (
        "import json; from academy import settings as s; print(json.dumps({"
        "'cache': s.CACHES['default'], 'log': s.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS,"
        "'retry': s.CELERY_TASK_PUBLISH_RETRY, 'transport': s.CELERY_BROKER_TRANSPORT_OPTIONS,"
        "'relay': s.CELERY_BEAT_SCHEDULE['academy-relay-outbox']}))"
    )
    env = {**os.environ, "REDIS_URL": "redis://redis.invalid:6379/0", "ACADEMY_ENV": "development"}
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert found["cache"] == {
        "BACKEND": "academy.cache.DegradingRedisCache",
        "LOCATION": "redis://redis.invalid:6379/0",
        "KEY_PREFIX": "academy",
        "OPTIONS": CACHE_OPTIONS,
    }
    assert found["log"] is True
    assert found["retry"] is False
    assert found["transport"]["max_retries"] == 0
    assert found["transport"]["socket_connect_timeout"] <= 1
    assert found["relay"]["task"] == "academy.tasks.relay_outbox"
    assert found["relay"]["schedule"] <= 60


def test_sessions_live_in_the_database_not_in_the_cache():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_the_cache_answers_from_a_stand_in_in_memory_instead_of_raising(redis_down):
    assert cache.get("anything") is None
    assert cache.degraded
    assert cache.add("key", 1) is True
    assert cache.add("key", 1) is False  # a lock, a rate limit, a used TOTP code: still held
    assert cache.incr("key") == 2
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.delete("a") is True and cache.get("a") is None


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/courses/", "/accounts/login/", "/certificates/verify/"])
def test_public_pages_render(client, redis_down, path):
    response = client.get(path)
    assert response.status_code == 200


@pytest.mark.django_db
def test_pages_of_a_logged_in_learner_render(client, redis_down, learner):
    client.force_login(learner)
    assert client.get("/courses/my/").status_code == 200
    assert client.get("/start/", follow=True).status_code == 200
    assert client.get("/accounts/email/").status_code == 200


@pytest.mark.django_db
def test_logging_in_with_the_rate_limits_on_still_works(client, redis_down, settings):
    settings.ACCOUNT_RATE_LIMITS = project_settings.ACCOUNT_RATE_LIMITS
    assert settings.ACCOUNT_RATE_LIMITS  # the limits of production, not the tests' "off"
    user = UserFactory(email="lotte@example.org")
    started = time.monotonic()
    response = client.post("/accounts/login/", {"login": "lotte@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert "/accounts/login/" not in response["Location"]
    assert client.session["_auth_user_id"] == str(user.pk)
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_certificate_verification_is_still_limited_while_the_cache_is_down(
    client, redis_down, settings
):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 1
    statuses = [
        client.get("/certificates/verify/", {"code": "ABCD-EFGH-JKLM-NPQR"}).status_code
        for _ in range(3)
    ]
    assert statuses[0] != 429 and statuses[1:] == [429, 429]


@pytest.mark.django_db
def test_healthz_reports_the_cache_and_the_broker_down_and_answers(client, redis_down):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 10
    assert response.status_code == 200  # the web answers: the load balancer keeps it
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == body["broker"] == body["workers"] == "down"


@pytest.mark.django_db
def test_a_task_enqueued_while_redis_is_down_waits_in_the_outbox(
    redis_down, django_capture_on_commit_callbacks
):
    course = one_lesson_course()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(user=UserFactory(), course=course)
        lesson = course.lessons.get()
        lesson_open(enrolment=enrolment, lesson=lesson)
        lesson_complete(enrolment=enrolment, lesson=lesson)
    assert time.monotonic() - started < 5
    message = OutboxMessage.objects.get(task="certificates.tasks.issue_certificate")
    assert message.sent_at is None and message.last_error


# --- the served stack ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with stack_behind_proxies(
            redis_database=STACK_REDIS_DATABASE,
            extra_env={"CERTIFICATE_RULES_SINCE": "2026-01-01"},
        ) as running:
            yield running


def _wait_for(condition, timeout: float, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    return condition()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_served_stack_rides_out_redis_and_delivers_the_task_afterwards(stack):
    import requests

    served, _, redis_proxy = stack
    course = one_lesson_course()
    learner = UserFactory(name="Ayşe Kılıç")
    redis_proxy.cut()
    try:
        for path in ("/", "/courses/", "/accounts/login/", f"/courses/{course.slug}/"):
            response = requests.get(served.url(path), timeout=10)
            assert response.status_code == 200, (path, served.log())
        health = requests.get(served.url("/healthz"), timeout=10)
        assert health.status_code == 200
        assert health.json()["cache"] == health.json()["broker"] == "down"

        # The learner completes the course meanwhile; its task goes to the stack's broker.
        with celery_broker(through(served.redis_url, redis_proxy)):
            enrolment = enrol(user=learner, course=course)
            lesson = course.lessons.get()
            lesson_open(enrolment=enrolment, lesson=lesson)
            assert lesson_complete(enrolment=enrolment, lesson=lesson)
        message = OutboxMessage.objects.get(task="certificates.tasks.issue_certificate")
        assert message.sent_at is None
        time.sleep(2)
        assert not Certificate.objects.filter(enrolment=enrolment).exists()
    finally:
        redis_proxy.restore()

    certificate = _wait_for(
        lambda: Certificate.objects.filter(enrolment=enrolment).first(), RELAY_WAIT_SECONDS
    )
    assert certificate is not None, served.log()
    assert certificate.holder_name == "Ayşe Kılıç"
    message.refresh_from_db()
    assert message.sent_at is not None
    assert _wait_for(
        lambda: requests.get(served.url("/healthz"), timeout=10).json()["cache"] == "ok", 30
    )
    assert served.process.poll() is None  # no restart


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")
