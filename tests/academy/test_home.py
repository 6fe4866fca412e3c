import pytest


@pytest.mark.django_db
def test_it_shows_the_five_themes(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="academy-card"') == 5


@pytest.mark.django_db
def test_it_sets_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
