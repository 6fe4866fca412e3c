"""Fixtures of the catalogue acceptance tests: the real catalogue, loaded once per module."""

import pytest

from tests.content.real_catalogue import real_catalogue_loaded


@pytest.fixture(scope="module")
def catalogue_report(django_db_setup, django_db_blocker):
    """The report of loading ``content/``; the courses stay loaded for the whole module."""
    with real_catalogue_loaded(django_db_blocker) as report:
        yield report
