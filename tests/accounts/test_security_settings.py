"""Security defaults: the page frame (skip link, footer, CSRF for htmx), account enumeration,
open redirects of the language switch, and HSTS plus secure cookies in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_it_frames_every_page_with_skip_link_footer_and_csrf_for_htmx(client):
    html = client.get("/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert f'href="{reverse("accessibility")}"' in html
    assert f'href="{reverse("privacy")}"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert 'action="/language/"' in html
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("privacy")).status_code == 200


@pytest.mark.django_db
def test_a_password_reset_does_not_tell_whether_an_address_has_an_account(client):
    factories.UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_looks_the_same_as_a_new_one(client):
    factories.UserFactory(email="taken@example.org")
    data = {
        "name": "Someone",
        "preferred_language": "nl",
        "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42",
    }
    taken = client.post(reverse("account_signup"), {**data, "email": "taken@example.org"})
    client.logout()
    new = client.post(reverse("account_signup"), {**data, "email": "new@example.org"})
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("account_email_verification_sent")
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org", "taken@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/"])
def test_the_language_switch_never_redirects_to_another_site(client, next_url):
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_production_turns_on_hsts_and_secure_cookies():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.LANGUAGE_COOKIE_SECURE]))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")
    }
    env.update(
        ACADEMY_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="academy.example.org",
        SITE_URL="https://academy.example.org",
        DATABASE_URL="postgres://academy@db.example.org:5432/academy",
        REDIS_URL="redis://redis.example.org:6379/0",
        DJANGO_SETTINGS_MODULE="academy.settings",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    debug, hsts, *secure = json.loads(out.stdout.strip().splitlines()[-1])
    assert debug is False
    assert hsts >= 31536000
    assert all(secure)
