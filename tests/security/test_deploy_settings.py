"""The production profile passes Django's deployment checklist, and pages served with its
settings carry the security headers and cookie flags: a CSP without any ``unsafe-`` source,
HSTS over subdomains, secure and HttpOnly session cookie, secure CSRF cookie, no framing, a
referrer policy, nosniff and a cross-origin opener policy.

The production settings are loaded in a fresh interpreter (they are decided at import); the
headers test copies them onto the test settings and asks pages through a proxy that says
HTTPS, as the load balancer in front of gunicorn does.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)

# Hosts on loopback: nothing here connects to them, and no name lookup slows the run down.
PRODUCTION = {
    "ACADEMY_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(48),  # 64 random characters
    "ALLOWED_HOSTS": "academy.example.org",
    "SITE_URL": "https://academy.example.org",
    "DATABASE_URL": "postgres://academy:password@127.0.0.1:5432/academy",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "MIDDLEWARE",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
]


def production_env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "academy.settings",
        **PRODUCTION,
    }


def test_the_secret_key_of_the_check_is_a_real_one():
    key = PRODUCTION["SECRET_KEY"]
    assert len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure")


def test_manage_py_check_deploy_finds_nothing():
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "System check identified no issues (0 silenced)." in out.stdout, out.stdout


@pytest.fixture(scope="module")
def production_settings() -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {SECURITY_SETTINGS!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_settings):
    """The test settings with production's security settings (hosts, database and cache stay
    the test ones)."""
    for name, value in production_settings.items():
        if name == "SECURE_PROXY_SSL_HEADER" and value:
            value = tuple(value)
        setattr(settings, name, value)
    assert settings.DEBUG is False
    return settings


def via_https_proxy(production) -> dict:
    header, value = production.SECURE_PROXY_SSL_HEADER
    return {header: value}


def check_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "unsafe-" not in csp.lower()
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    for name in ("default-src", "script-src", "style-src", "object-src", "frame-ancestors"):
        assert name in directives, name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("*" in source for sources in directives.values() for source in sources)
    hsts = response["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin", "no-referrer")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_limits_logins_per_client_behind_the_proxy(production_settings):
    """Behind the TLS proxy the client address comes from the proxy's X-Forwarded-For entry
    (tests/security/test_login_throttling.py shows what that stops)."""
    assert production_settings["SECURE_PROXY_SSL_HEADER"]
    assert production_settings["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


@pytest.mark.django_db
def test_production_settings_demand_https(client, production):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, production, staff_user):
    https = via_https_proxy(production)
    for path in ("/", reverse("account_login"), reverse("privacy"), "/no-such-page/"):
        response = client.get(path, **https)
        assert response.status_code in (200, 404), path
        check_headers(response)
    assert production.CONTENT_SECURITY_POLICY_REPORT_ONLY in (None, {})  # enforced, not a trial


@pytest.mark.django_db
def test_cookies_are_secure_and_the_session_cookie_out_of_reach_of_scripts(
    client, production, learner
):
    https = via_https_proxy(production)
    login = client.get(f"{reverse('account_login')}?next=/start/", **https)
    csrf = login.cookies[production.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["samesite"] in ("Lax", "Strict")

    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": PASSWORD}, **https
    )
    assert response.status_code == 302
    check_headers(response)
    session = response.cookies[production.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] in ("Lax", "Strict")
    language = response.cookies.get(production.LANGUAGE_COOKIE_NAME)
    assert language is None or language["secure"] is True

    page = client.get(reverse("accounts:profile"), **https)
    assert page.status_code == 200
    check_headers(page)
