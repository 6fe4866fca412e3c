"""The real catalogue (``settings.CONTENT_DIR``) loaded once per test module.

Loading the six courses takes a few seconds, so a module loads them once, inside a transaction
that is rolled back after the module's last test. Each test still gets its own savepoint from
pytest-django's ``db`` fixture, so what a test writes is undone after it; the loaded catalogue
stays for the next test. Used by ``tests/content`` and ``tests/academy/test_seed_demo.py``.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from courses.loader import CatalogueReport, load_catalogue


@contextmanager
def real_catalogue_loaded(django_db_blocker) -> Iterator[CatalogueReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_catalogue(settings.CONTENT_DIR)
        yield report
        transaction.set_rollback(True)
