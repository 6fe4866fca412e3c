"""Fixtures of the courses tests: a small catalogue on disk and courses built with factories."""

import shutil
from pathlib import Path

import pytest

from courses.loader import load_catalogue
from courses.models import Course
from courses.services import enrol
from tests.courses.factories import make_course

FIXTURE_CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
FIXTURE_COURSE = "omgaan-met-sekswerkers"


@pytest.fixture(autouse=True)
def _english_ui_texts(settings):
    """The tests find buttons and messages by their English msgids. Translations are compiled
    centrally (locale/), so leave the project's catalogue out here: the tests then keep passing
    whatever the Dutch wording becomes."""
    settings.LOCALE_PATHS = []


@pytest.fixture
def catalogue_dir(tmp_path) -> Path:
    """A private copy of the fixture catalogue that a test may edit."""
    target = tmp_path / "catalogue"
    shutil.copytree(FIXTURE_CATALOGUE, target)
    return target


@pytest.fixture
def loaded_course(db, catalogue_dir) -> Course:
    """The fixture catalogue's course, loaded (version 1, 2 modules, 3 lessons)."""
    report = load_catalogue(catalogue_dir)
    assert report.ok, report.all_errors()
    return Course.objects.get(slug=FIXTURE_COURSE)


@pytest.fixture
def course(db) -> Course:
    """A published course with 2 modules of 2 lessons each (factories)."""
    return make_course(lessons=4)


@pytest.fixture
def enrolment(learner, course):
    return enrol(user=learner, course=course)


@pytest.fixture
def count_queries():
    """``count_queries(fn)``: the number of SQL queries ``fn()`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(fn) -> int:
        with CaptureQueriesContext(connection) as context:
            fn()
        return len(context.captured_queries)

    return count


@pytest.fixture
def courses_queries_only(settings):
    """Query budgets of the learner pages measure the courses code: without allauth's
    per-request session-activity tracking (USERSESSIONS_TRACK_ACTIVITY, owned by accounts: up to
    5 more queries per request in tests) and without the sections other apps register on the
    course and lesson pages and the course facts (each app keeps its own section's cost in check)."""
    from courses import pages

    settings.USERSESSIONS_TRACK_ACTIVITY = False
    with (
        pages.course_page_sections.override(),
        pages.lesson_page_sections.override(),
        pages.course_facts.override(),
    ):
        yield


@pytest.fixture
def test_templates(settings):
    """Templates under tests/courses/templates/ (sections that tests register)."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [Path(__file__).parent / "templates", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
