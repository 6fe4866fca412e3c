"""Password guessing is stopped: per address, per client address, on the admin's login and at
the two-factor step; an authenticator code works once only.

The limits are the configured ones (``academy.settings.ACCOUNT_RATE_LIMITS``), which
tests/conftest.py switches off for every other test. They are counted in a local-memory cache
of each test alone: a shared Redis database is cleared by other test runs, which would reset
the count half-way.
"""

import time
import uuid

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse
from django.utils import translation

import academy.settings as configured
from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.mfa import give_totp

with translation.override("nl"):  # allauth's own messages, in the site's default language
    TOO_MANY = translation.gettext("Too many failed login attempts. Try again later.")
    INCORRECT_CODE = translation.gettext("Incorrect code.")
LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")


def failed_logins_allowed(scope: str) -> int:
    """N in the configured ``login_failed`` limit "N/period/<scope>" (ip or key)."""
    for rate in configured.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        amount, _period, per = rate.strip().split("/")
        if per == scope:
            return int(amount)
    raise AssertionError(f"no login_failed limit per {scope} configured")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = configured.ACCOUNT_RATE_LIMITS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"login-throttling-{uuid.uuid4()}",
        }
    }


def ip(n: int) -> str:
    return f"198.51.100.{n + 1}"


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_configured_limits_are_strict_enough():
    assert failed_logins_allowed("key") <= 10
    assert failed_logins_allowed("ip") <= 20


@pytest.mark.django_db
def test_failed_logins_for_one_address_block_it_from_every_client_address(client, learner):
    allowed = failed_logins_allowed("key")
    for n in range(allowed):
        response = client.post(
            LOGIN, {"login": learner.email, "password": f"guess-{n}"}, REMOTE_ADDR=ip(n)
        )
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    # the right password, from yet another address, in other letter case: still refused
    response = client.post(
        LOGIN, {"login": learner.email.upper(), "password": PASSWORD}, REMOTE_ADDR=ip(200)
    )
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_failed_logins_from_one_client_address_block_it_for_every_account(client, learner):
    allowed = failed_logins_allowed("ip")
    for n in range(allowed):
        client.post(
            LOGIN, {"login": f"someone-{n}@example.org", "password": "guess"}, REMOTE_ADDR=ip(1)
        )
    response = client.post(LOGIN, {"login": learner.email, "password": PASSWORD}, REMOTE_ADDR=ip(1))
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    # Lotte herself, from her own address, is not locked out by someone else's guessing
    # of other accounts (her own address has had no failures).
    response = client.post(LOGIN, {"login": learner.email, "password": PASSWORD}, REMOTE_ADDR=ip(2))
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, learner):
    """Client addresses come from the connection (REMOTE_ADDR), not from a header the client
    writes itself, unless a proxy in front is declared (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    allowed = failed_logins_allowed("ip")
    for n in range(allowed):
        client.post(
            LOGIN,
            {"login": f"other-{n}@example.org", "password": "guess"},
            REMOTE_ADDR=ip(3),
            HTTP_X_FORWARDED_FOR=ip(100 + n),
        )
    response = client.post(
        LOGIN,
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR=ip(3),
        HTTP_X_FORWARDED_FOR=ip(150),
    )
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_behind_the_proxy_each_client_has_its_own_count(client, learner, settings):
    """In production one proxy stands in front (ALLAUTH_TRUSTED_PROXY_COUNT=1): it is
    REMOTE_ADDR for everyone and appends the address it saw to X-Forwarded-For. The count
    follows that address, not the proxy's and not what the client wrote before it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(failed_logins_allowed("ip")):
        client.post(
            LOGIN,
            {"login": f"guessed-{n}@example.org", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"{ip(100 + n)}, {ip(4)}",  # forged first entry, real last
            **proxy,
        )
    response = client.post(
        LOGIN,
        {"login": learner.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=f"{ip(150)}, {ip(4)}",
        **proxy,
    )
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    # Someone else behind the same proxy is not locked out by the guessing client
    response = client.post(
        LOGIN, {"login": learner.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=ip(5), **proxy
    )
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_the_admin_login_is_throttled_as_well(client, staff_user):
    admin_login = client.get("/admin/login/?next=/admin/")
    assert admin_login.status_code == 302
    login_url = admin_login["Location"]
    assert login_url.startswith(LOGIN)
    for n in range(failed_logins_allowed("key")):
        client.post(login_url, {"login": staff_user.email, "password": f"x{n}"}, REMOTE_ADDR=ip(n))
    response = client.post(
        login_url, {"login": staff_user.email, "password": PASSWORD}, REMOTE_ADDR=ip(50)
    )
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    # Django's own admin login form, which knows no limit, is not served at all: posting the
    # right password to it logs nobody in.
    for form in (
        {"username": staff_user.email, "password": PASSWORD},
        {"login": staff_user.email, "password": PASSWORD},
    ):
        response = client.post("/admin/login/?next=/admin/", form, REMOTE_ADDR=ip(60))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert not logged_in(client)


@pytest.mark.django_db
def test_wrong_authenticator_codes_are_throttled(client, learner):
    give_totp(learner)
    assert client.post(LOGIN, {"login": learner.email, "password": PASSWORD})["Location"] == MFA
    for _ in range(failed_logins_allowed("key")):
        response = client.post(MFA, {"code": "000000"})
        assert response.status_code == 200
    from tests.mfa import totp_code

    response = client.post(MFA, {"code": totp_code(learner)})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def code_with_time_to_spare(secret: str, spare: int = 8) -> tuple[str, int]:
    """The current code and its time step, waiting for the next step when this one has fewer
    than ``spare`` seconds left (so the whole test runs inside one window)."""
    period = mfa_settings.TOTP_PERIOD
    if period - int(time.time()) % period < spare:
        time.sleep(period - time.time() % period + 0.1)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter)), counter


@pytest.mark.django_db
def test_an_authenticator_code_works_only_once(client):
    user: User = UserFactory()
    secret = generate_totp_secret()
    give_totp(user, secret=secret)
    code, counter = code_with_time_to_spare(secret)

    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD})["Location"] == MFA
    response = client.post(MFA, {"code": code})
    assert response.status_code == 302 and response["Location"] != MFA
    assert logged_in(client)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not logged_in(client)

    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD})["Location"] == MFA
    response = client.post(MFA, {"code": code})
    assert response.status_code == 200
    assert INCORRECT_CODE in response.content.decode()
    assert not logged_in(client)
    assert int(time.time()) // mfa_settings.TOTP_PERIOD == counter  # still the code's window
