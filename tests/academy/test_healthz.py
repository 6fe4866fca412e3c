import pytest

from academy import health


@pytest.mark.django_db
def test_it_reports_each_component(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"database", "cache", "broker", "workers"}
    assert body["database"] == "ok"
    assert body["cache"] == "ok"


@pytest.mark.django_db
def test_it_returns_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr("academy.health.database_state", lambda: "down")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_tasks_in_process_make_broker_and_workers_eager(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = client.get("/healthz").json()
    assert body["broker"] == body["workers"] == "eager"


@pytest.fixture
def no_broadcast(settings, monkeypatch):
    """Tasks go to workers; asking the workers anything fails the test."""
    from academy.celery import app

    def forbidden(*args, **kwargs):
        raise AssertionError("/healthz must not ask the workers (it waits for their replies)")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.control, "inspect", forbidden)
    monkeypatch.setattr(app.control, "ping", forbidden)


@pytest.mark.django_db
def test_workers_are_down_without_a_recent_heartbeat(client, no_broadcast):
    assert client.get("/healthz").json()["workers"] == "down"


@pytest.mark.django_db
def test_a_worker_heartbeat_makes_workers_ok(client, no_broadcast):
    from celery.signals import heartbeat_sent

    heartbeat_sent.send(sender=None)  # what each worker sends every 2 seconds

    assert client.get("/healthz").json()["workers"] == "ok"


@pytest.mark.django_db
def test_a_heartbeat_counts_for_30_seconds(monkeypatch):
    written = {}

    class Cache:
        def set(self, key, value, timeout):
            written[key] = timeout

    monkeypatch.setattr(health, "cache", Cache())
    health.worker_heartbeat("worker@host")
    assert written == {health.WORKER_HEARTBEAT_KEY: 30}
