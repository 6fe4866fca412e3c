"""While Redis is down the guards kept in the cache still hold, counted in the memory of each
process (``academy.cache``): password guessing is stopped, a TOTP code works once, and Redis
is asked again only after a pause. The in-process tests need no Redis (the proxy is cut)."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

import academy.settings as configured
from academy import cache as degrading_cache
from tests.factories import PASSWORD, UserFactory
from tests.mfa import give_totp
from tests.security.test_login_throttling import (
    INCORRECT_CODE,
    LOGIN,
    MFA,
    TOO_MANY,
    code_with_time_to_spare,
    failed_logins_allowed,
    logged_in,
)


@pytest.fixture
def limits_on(settings):
    settings.ACCOUNT_RATE_LIMITS = configured.ACCOUNT_RATE_LIMITS


@pytest.mark.django_db
def test_failed_logins_are_still_stopped(client, redis_down, limits_on):
    learner = UserFactory()
    for n in range(failed_logins_allowed("key")):
        response = client.post(LOGIN, {"login": learner.email, "password": f"guess-{n}"})
        assert TOO_MANY not in response.content.decode()
    response = client.post(LOGIN, {"login": learner.email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_an_authenticator_code_still_works_only_once(client, redis_down):
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    user = UserFactory()
    secret = generate_totp_secret()
    give_totp(user, secret=secret)
    code, _counter = code_with_time_to_spare(secret)
    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD})["Location"] == MFA
    assert client.post(MFA, {"code": code}).status_code == 302
    assert logged_in(client)
    client.post(reverse("account_logout"))

    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD})["Location"] == MFA
    response = client.post(MFA, {"code": code})
    assert INCORRECT_CODE in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_redis_is_asked_again_only_after_a_pause_and_then_used(redis_down, monkeypatch):
    calls = []
    real_get = type(cache.client).get

    def counting_get(self, *args, **kwargs):
        calls.append(time.monotonic())
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(type(cache.client), "get", counting_get)
    for _ in range(20):
        cache.get("figures")
    assert len(calls) == 1  # one try; the other nineteen come from memory at once
    assert cache.degraded

    redis_down.restore()
    monkeypatch.setattr(cache, "_retry_redis_at", time.monotonic() - 0.01)  # the pause is over
    cache.set("figures", "from redis")
    assert not cache.degraded
    assert cache.redis_is_up()
    assert cache.get("figures") == "from redis"
    assert cache.stand_in.get("figures") is None  # written to Redis, not to the stand-in
    assert degrading_cache.RETRY_REDIS_AFTER <= 5
    cache.delete("figures")
