"""Login attempts are rate-limited, also for the admin (whose login is allauth's)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD
from tests.mfa import give_totp

with translation.override("nl"):
    # allauth's own message, in the default language of the site
    TOO_MANY = translation.gettext("Too many failed login attempts. Try again later.")


@pytest.fixture
def limits(settings):
    """Strict limits, counted in a cache of this test alone: parallel test workers share the
    Redis cache (and clear it), which would blur the count."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rate-limit-test",
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key"}


@pytest.mark.django_db
def test_it_blocks_logins_after_repeated_failures(client, learner, limits):
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": learner.email, "password": "no"})
        assert TOO_MANY not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_sends_the_admin_login_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_rate_limited_too(client, staff_user, limits):
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(3):
        client.post(login_url, {"login": staff_user.email, "password": "no"})
    response = client.post(login_url, {"login": staff_user.email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()


@pytest.mark.django_db
def test_staff_reach_the_admin_through_the_allauth_login(client, staff_user):
    give_totp(staff_user)
    from tests.mfa import totp_code

    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    response = client.post(login_url, {"login": staff_user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_user)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_non_staff_get_no_admin_login_form(client, learner):
    client.force_login(learner)
    assert client.get("/admin/login/").status_code == 403
