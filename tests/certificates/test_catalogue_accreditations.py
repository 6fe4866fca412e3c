"""``accreditations:`` in course.yaml: content declares applications, never grants."""

import shutil

import pytest
from django.core.management import call_command

from certificates.models import Accreditation, Certificate
from courses.loader import load_catalogue
from tests.certificates.factories import AccreditationFactory
from tests.courses.conftest import FIXTURE_CATALOGUE, FIXTURE_COURSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tmp_path):
    target = tmp_path / "catalogue"
    shutil.copytree(FIXTURE_CATALOGUE, target)
    return target


def _declare(catalogue, text, *, minimum_study="true"):
    path = catalogue / FIXTURE_COURSE / "course.yaml"
    source = path.read_text().replace("minimum_study: true", f"minimum_study: {minimum_study}")
    path.write_text(source.replace("modules:\n", f"{text}modules:\n", 1))


def test_a_declared_body_becomes_an_application(catalogue):
    _declare(catalogue, "accreditations:\n  - body: vvn\n  - body: skj\n")
    report = load_catalogue(catalogue)
    assert report.ok, report.all_errors()
    rows = Accreditation.objects.order_by("body__slug").values_list(
        "body__slug", "status", "number"
    )
    assert list(rows) == [("skj", "applied", ""), ("vvn", "applied", "")]


def test_the_loader_never_touches_a_granted_accreditation(catalogue):
    _declare(catalogue, "accreditations:\n  - body: vvn\n")
    load_catalogue(catalogue)
    applied = Accreditation.objects.get()
    granted = AccreditationFactory.build(course=applied.course)
    for field in ("status", "number", "points", "valid_from", "valid_until"):
        setattr(applied, field, getattr(granted, field))
    applied.save()

    (catalogue / FIXTURE_COURSE / "lessons" / "een-controle.nl.md").open("a").write("\nMeer.\n")
    assert load_catalogue(catalogue).ok

    applied.refresh_from_db()
    assert applied.status == "granted" and applied.number == granted.number


def test_an_application_dropped_from_the_file_is_withdrawn(catalogue):
    _declare(catalogue, "accreditations:\n  - body: vvn\n")
    load_catalogue(catalogue)
    path = catalogue / FIXTURE_COURSE / "course.yaml"
    path.write_text(path.read_text().replace("accreditations:\n  - body: vvn\n", ""))
    assert load_catalogue(catalogue).ok
    assert Accreditation.objects.get().status == "withdrawn"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("accreditations:\n  - body: nibe\n", "unknown accreditation body 'nibe'"),
        (
            "accreditations:\n  - body: vvn\n    points: 2\n",
            "an accreditation entry has only 'body'",
        ),
        ("accreditations:\n  - body: vvn\n  - body: vvn\n", "listed twice"),
        ("accreditations: []\n", "must be a non-empty list"),
    ],
)
def test_bad_declarations_are_refused_with_file_and_line(catalogue, block, message):
    _declare(catalogue, block)
    report = load_catalogue(catalogue)
    assert not report.ok
    assert any(
        message in str(error) and "course.yaml" in str(error) for error in report.all_errors()
    )
    assert not Accreditation.objects.exists()


def test_an_accredited_course_needs_minimum_study(catalogue):
    _declare(catalogue, "accreditations:\n  - body: vvn\n", minimum_study="false")
    report = load_catalogue(catalogue)
    assert any("minimum_study: true" in str(error) for error in report.all_errors())


def test_the_real_care_course_is_applied_for_and_has_no_number():
    call_command("load_catalogue", verbosity=0)
    accreditations = Accreditation.objects.filter(course__slug="hulp-en-zorg")
    assert [(a.body.slug, a.status, a.number, a.points) for a in accreditations] == [
        ("vvn", "applied", "", None)
    ]
    assert not Accreditation.objects.exclude(course__slug="hulp-en-zorg").exists()
    assert not Certificate.objects.exists()
