"""Shared test set-up: settings for tests, service checks for CI, named personas.

With CI=true the suite must run against PostgreSQL and Redis: a missing service fails the run
instead of silently falling back to SQLite or eager tasks.
"""

import os

import pytest
from django.contrib.auth.models import Group as DjangoGroup

from tests import factories


def pytest_configure(config):
    if os.environ.get("CI") == "true":
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"CI=true but {', '.join(missing)} not set")
        if not os.environ["DATABASE_URL"].startswith("postgres"):
            raise pytest.UsageError("CI=true requires a PostgreSQL DATABASE_URL")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ACCOUNT_RATE_LIMITS = False
    settings.LANGUAGE_CODE = "nl"
    # Tests find the interface by its English source texts, whatever the Dutch translation
    # says; tests/academy/test_translations.py checks the Dutch catalogue itself.
    settings.LOCALE_PATHS = []
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        # Clearing the cache flushes a whole Redis database: give each xdist process its own.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        database = 8 + int(worker.removeprefix("gw") or 0) % 6
        base = cache["LOCATION"].rsplit("/", 1)[0]
        settings.CACHES = {"default": {**cache, "LOCATION": f"{base}/{database}"}}


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; tests/integration starts a real worker instead."""
    from academy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings):
    """Each test starts with an empty cache (this process's own Redis database under xdist)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Politieacademie", kind="police")


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory(name="Gemeente Utrecht", kind="municipality")


@pytest.fixture
def learner(organisation):
    """Lotte, a learner at the police academy."""
    return factories.MemberFactory(
        organisation=organisation, role="learner", user__name="Lotte Learner"
    ).user


@pytest.fixture
def trainer(organisation):
    """Tim, a trainer at the police academy."""
    return factories.MemberFactory(
        organisation=organisation, role="trainer", user__name="Tim Trainer"
    ).user


@pytest.fixture
def analyst(organisation):
    """Anna, an analyst of the police academy (needs MFA)."""
    return factories.MemberFactory(
        organisation=organisation, role="analyst", user__name="Anna Analyst"
    ).user


@pytest.fixture
def org_admin(organisation):
    """Adam, administrator of the police academy (needs MFA)."""
    return factories.MemberFactory(
        organisation=organisation, role="admin", user__name="Adam Admin"
    ).user


@pytest.fixture
def outsider(other_organisation):
    """Olga, a trainer of an unrelated organisation: she must see nothing of the others."""
    return factories.MemberFactory(
        organisation=other_organisation, role="trainer", user__name="Olga Outsider"
    ).user


@pytest.fixture
def password():
    return factories.PASSWORD


# --- platform roles and an administrator elsewhere ------------------------------------------


@pytest.fixture
def staff_user(db):
    """Stella, platform staff."""
    return factories.UserFactory(name="Stella Staff", is_staff=True)


@pytest.fixture
def coordinator(db):
    """Carla, the ministry's coordinator (platform role, no organisation membership)."""
    user = factories.UserFactory(name="Carla Coordinator")
    user.groups.add(DjangoGroup.objects.get_or_create(name="coordinator")[0])
    return user


@pytest.fixture
def content_author(db):
    """Cees, a content author (platform role)."""
    user = factories.UserFactory(name="Cees Author")
    user.groups.add(DjangoGroup.objects.get_or_create(name="content author")[0])
    return user


@pytest.fixture
def outsider_admin(other_organisation):
    """Otto, administrator of an unrelated organisation."""
    return factories.MemberFactory(
        organisation=other_organisation, role="admin", user__name="Otto Other-Admin"
    ).user
