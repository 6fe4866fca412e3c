"""Course freshness: ``reviewed_on`` / ``review_every_months`` in every course.yaml, the loader's
overdue warning (never an error), and "Last reviewed" on the course page."""

import datetime as dt
import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.loader import validate_catalogue
from courses.loader.review import add_months, is_overdue, review_due_on
from courses.models import Course
from tests.content.catalogue_files import CONTENT, course_data, course_dirs

pytestmark = pytest.mark.xdist_group("real_catalogue")

SMALL_COURSE = "stigmavrij-communiceren"


@pytest.fixture
def overdue_catalogue(tmp_path):
    """A copy of one real course whose last review lies long ago."""
    target = tmp_path / "catalogue"
    shutil.copytree(CONTENT / SMALL_COURSE, target / SMALL_COURSE)
    path = target / SMALL_COURSE / "course.yaml"
    text = path.read_text(encoding="utf-8")
    assert "reviewed_on: " in text
    lines = [
        "reviewed_on: 2020-01-15" if line.startswith("reviewed_on:") else line
        for line in text.split("\n")
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return target


# --- the files ------------------------------------------------------------------------------


def test_every_course_yaml_says_when_it_was_reviewed_and_how_often():
    today = timezone.localdate()
    problems = []
    for course_dir in course_dirs():
        data = course_data(course_dir)
        reviewed_on, every = data.get("reviewed_on"), data.get("review_every_months")
        where = f"{course_dir.name}/course.yaml"
        if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
            problems.append(f"{where}: 'reviewed_on' is {reviewed_on!r}, not a date")
        elif reviewed_on > today:
            problems.append(f"{where}: 'reviewed_on' {reviewed_on} lies in the future")
        elif is_overdue(reviewed_on, every or 12, today=today):
            problems.append(f"{where}: the review of {reviewed_on} is overdue")
        if not isinstance(every, int) or not 1 <= every <= 60:
            problems.append(f"{where}: 'review_every_months' is {every!r}")
    assert not problems, "\n".join(problems)


# --- when a review is due -------------------------------------------------------------------


def test_a_review_falls_due_the_same_day_months_later_kept_within_short_months():
    assert add_months(dt.date(2026, 12, 1), 12) == dt.date(2027, 12, 1)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert review_due_on(None, 12) is None


def test_a_course_is_overdue_from_the_day_after_its_review_falls_due_or_when_never_reviewed():
    reviewed = dt.date(2025, 12, 1)

    assert not is_overdue(reviewed, 12, today=dt.date(2026, 12, 1))
    assert is_overdue(reviewed, 12, today=dt.date(2026, 12, 2))
    assert is_overdue(None, 12, today=dt.date(2026, 12, 2))


# --- the loader -----------------------------------------------------------------------------


def test_the_loader_warns_about_an_overdue_course_without_refusing_it(db, overdue_catalogue):
    results, _ = validate_catalogue(overdue_catalogue)

    [(spec, report)] = results
    assert spec is not None and report.errors == []
    assert [str(warning) for warning in report.warnings] == [
        f"{SMALL_COURSE}/course.yaml:{spec.data.line_of('reviewed_on')}: overdue for review "
        "since 2021-01-15 (last reviewed 2020-01-15, every 12 months): check the content "
        "against its sources, then update 'reviewed_on'"
    ]


def test_the_loader_does_not_warn_about_a_course_reviewed_within_its_interval(db, tmp_path):
    shutil.copytree(CONTENT / SMALL_COURSE, tmp_path / SMALL_COURSE)

    [(_, report)], _ = validate_catalogue(tmp_path)

    assert report.errors == [] and report.warnings == []


def test_load_catalogue_prints_the_overdue_warning_and_still_loads_the_course(
    db, overdue_catalogue
):
    out = io.StringIO()

    call_command("load_catalogue", path=overdue_catalogue, stdout=out)

    assert "1 warning(s):" in out.getvalue()
    assert "overdue for review since 2021-01-15" in out.getvalue()
    course = Course.objects.get(slug=SMALL_COURSE)
    assert course.reviewed_on == dt.date(2020, 1, 15)
    assert course.review_every_months == 12


def test_the_real_catalogue_stores_each_review_date(db, catalogue_report):
    stored = dict(Course.objects.values_list("slug", "reviewed_on"))

    assert stored == {
        course_dir.name: course_data(course_dir)["reviewed_on"] for course_dir in course_dirs()
    }
    assert catalogue_report.all_warnings() == []


# --- the course page ------------------------------------------------------------------------


def test_the_course_page_shows_when_the_course_was_last_reviewed(client, db, catalogue_report):
    course = Course.objects.get(slug=SMALL_COURSE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("courses:course", args=[course.slug])).content.decode()

    assert "Last reviewed" in html
    assert f'<time datetime="{course.reviewed_on:%Y-%m-%d}">' in html
    assert f"{course.reviewed_on.day} {course.reviewed_on:%B %Y}" in html


def test_the_course_page_says_nothing_about_a_review_that_never_happened(
    client, db, catalogue_report
):
    course = Course.objects.get(slug=SMALL_COURSE)
    Course.objects.filter(pk=course.pk).update(reviewed_on=None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("courses:course", args=[course.slug])).content.decode()

    assert "Last reviewed" not in html
