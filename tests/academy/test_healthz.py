import pytest


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
