"""PostgreSQL is down: every page answers a styled 503 with Retry-After (no traceback), /healthz
answers 503 saying the database is down, and the platform recovers without a restart.

The in-process tests make each query fail as a lost connection does; the served-stack test
takes PostgreSQL away for real through a TcpProxy (tests/reliability/tcp_proxy.py) in front of
the test database, never stopping the server. It needs PostgreSQL and Redis (skipped without
them; with CI=true it fails).
"""

import time

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from academy.outage import is_database_outage, server_error
from tests.factories import CourseFactory
from tests.reliability.outage import stack_behind_proxies

HEADING = "Temporarily unavailable"
STACK_REDIS_DATABASE = 4


def assert_styled_503(html: str) -> None:
    assert f'<h1 class="utrecht-heading-1">{HEADING}</h1>' in html
    assert 'class="academy-header"' in html and 'class="academy-footer"' in html
    assert "/static/academy/academy." in html  # (hashed name in production)
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.fixture
def database_down(settings, monkeypatch, client):
    """Every query fails as on a lost connection; DEBUG off as in production."""
    settings.DEBUG = False
    client.raise_request_exception = False

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", lost)
    monkeypatch.setattr(CursorWrapper, "executemany", lost)
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection refused"),
        psycopg.OperationalError("connection refused"),
        psycopg.InterfaceError("the connection is closed"),
    ],
)
def test_a_lost_connection_counts_as_an_outage(error):
    assert is_database_outage(error)
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = error
    assert is_database_outage(wrapped)


def test_other_errors_do_not():
    assert not is_database_outage(ValueError("a bug"))
    assert not is_database_outage(None)


@pytest.mark.django_db
def test_a_page_that_needs_the_database_is_a_styled_503(database_down):
    response = database_down.get("/courses/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert_styled_503(response.content.decode())


@pytest.mark.django_db
def test_a_logged_in_person_gets_the_503_too(client, learner, settings, monkeypatch):
    """The session and the user are loaded by middleware, before any view."""
    client.force_login(learner)
    settings.DEBUG = False
    client.raise_request_exception = False

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", lost)
    response = client.get("/courses/my/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert_styled_503(response.content.decode())


@pytest.mark.django_db
def test_the_503_page_is_in_the_visitors_language(database_down, settings):
    settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]
    response = database_down.get("/courses/", HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="nl"' in html
    assert "Direct naar de hoofdinhoud" in html


@pytest.mark.django_db
def test_healthz_says_the_database_is_down_with_a_503(database_down):
    response = database_down.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_the_error_handler_answers_503_only_for_the_database(rf):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert server_error(rf.get("/")).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_it_is_the_sites_handler500():
    from academy import urls

    assert urls.handler500 == "academy.outage.server_error"


# --- the served stack ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with stack_behind_proxies(redis_database=STACK_REDIS_DATABASE) as running:
            yield running


def _get(served, path: str):
    import requests

    return requests.get(served.url(path), headers={"Accept-Language": "en"}, timeout=15)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_served_stack_answers_503_while_postgres_is_away_and_recovers_without_restart(
    stack,
):
    served, postgres_proxy, _ = stack
    course = CourseFactory(title_en="Respectful contact", title_nl="Respectvol contact")
    assert _get(served, "/courses/").status_code == 200
    assert "Respectful contact" in _get(served, f"/courses/{course.slug}/").text
    workers = _stack_pids(served)

    postgres_proxy.cut()
    try:
        for path in ("/courses/", f"/courses/{course.slug}/"):
            started = time.monotonic()
            response = _get(served, path)
            assert time.monotonic() - started < 10
            assert response.status_code == 503, (path, response.status_code, served.log())
            assert response.headers["Retry-After"] == "30"
            assert_styled_503(response.text)
        health = _get(served, "/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "down"
    finally:
        postgres_proxy.restore()

    response = _get(served, f"/courses/{course.slug}/")
    assert response.status_code == 200, served.log()
    assert "Respectful contact" in response.text
    health = _get(served, "/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    assert served.process.poll() is None
    assert _stack_pids(served) == workers  # the same programs: nothing restarted


def _stack_pids(served) -> set[int]:
    """The Procfile's programs (gunicorn's master, the Celery worker, beat): honcho's own
    children. Their children may come and go (gunicorn and Celery replace a pool process
    that failed), which is their own recovery, not a restart of the stack."""
    import psutil

    return {p.pid for p in psutil.Process(served.process.pid).children(recursive=False)}


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")
