"""The catalogue loader: upsert by slug, versions, inactive lessons, validation with file:line."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import loader
from courses.loader import LoaderError, load_catalogue
from courses.models import Course, Enrolment, Lesson, LessonProgress, Module
from courses.services import enrol
from tests.courses.conftest import FIXTURE_COURSE
from tests.courses.factories import study_lesson

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def course_file(catalogue_dir: Path, *parts: str) -> Path:
    return catalogue_dir.joinpath(FIXTURE_COURSE, *parts)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def remove_lesson(catalogue_dir: Path, slug: str) -> None:
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "lessons: [stigma-herkennen, hoe-stigma-werkt]",
        "lessons: [stigma-herkennen]"
        if slug == "hoe-stigma-werkt"
        else "lessons: [hoe-stigma-werkt]",
    )
    for language in ("nl", "en"):
        course_file(catalogue_dir, "lessons", f"{slug}.{language}.md").unlink()


def add_lesson(catalogue_dir: Path, slug: str) -> None:
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "lessons: [een-controle]",
        f"lessons: [een-controle, {slug}]",
    )
    for language, title in (("nl", "Nabespreken"), ("en", "Debriefing")):
        course_file(catalogue_dir, "lessons", f"{slug}.{language}.md").write_text(
            f"---\ntitle: {title}\nminutes: 3\nkind: text\n---\n{title}: wat ging goed?\n",
            encoding="utf-8",
        )


def errors_of(report) -> list[str]:
    return [str(error) for error in report.all_errors()]


# Loading -------------------------------------------------------------------------------------


def test_it_creates_the_course_with_modules_and_lessons(db, catalogue_dir):
    report = load_catalogue(catalogue_dir)

    assert report.ok, errors_of(report)
    assert [(c.slug, c.status, c.version) for c in report.courses] == [
        (FIXTURE_COURSE, "created", 1)
    ]
    course = Course.objects.get(slug=FIXTURE_COURSE)
    assert course.status == Course.Status.PUBLISHED
    assert course.version == 1
    assert course.title_en == "Working respectfully with sex workers"
    assert course.audiences == ["police", "boa"]
    assert course.languages == ["nl", "en"]
    assert course.certificate_validity_months == 24
    assert course.reviewed_on == dt.date(2026, 11, 20)
    assert course.review_every_months == 12
    assert len(course.content_hash) == 64
    assert list(course.modules.values_list("slug", "position")) == [
        ("stigma", 0),
        ("in-de-praktijk", 1),
    ]
    lessons = list(course.lessons.order_by("position"))
    assert [(lesson.slug, lesson.module.slug, lesson.position) for lesson in lessons] == [
        ("stigma-herkennen", "stigma", 0),
        ("hoe-stigma-werkt", "stigma", 1),
        ("een-controle", "in-de-praktijk", 2),
    ]
    assert lessons[2].kind == Lesson.Kind.CASE
    assert lessons[0].minutes == 4
    assert all(lesson.added_in_version == 1 and lesson.is_active for lesson in lessons)
    assert '<div class="admonition reflect">' in lessons[0].body_nl
    assert "<table>" in lessons[1].body_en
    assert lessons[1].body_nl.startswith("<h2>Gevolgen</h2>")


def test_it_writes_nothing_on_a_second_run(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    updated_at = Course.objects.get().updated_at

    with CaptureQueriesContext(connection) as queries:
        report = load_catalogue(catalogue_dir)

    writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    assert writes == []
    assert [c.status for c in report.courses] == ["unchanged"]
    assert Course.objects.get().updated_at == updated_at
    assert Course.objects.get().version == 1


def test_it_ignores_line_endings_and_trailing_spaces(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    path = course_file(catalogue_dir, "lessons", "stigma-herkennen.nl.md")
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "  \r\n").encode() + b"\r\n\r\n")

    report = load_catalogue(catalogue_dir)

    assert [c.status for c in report.courses] == ["unchanged"]


def test_it_raises_the_version_when_a_lesson_changes(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    replace_in(
        course_file(catalogue_dir, "lessons", "hoe-stigma-werkt.en.md"),
        "less likely to report crimes",
        "less likely to report crimes to the police",
    )

    report = load_catalogue(catalogue_dir)

    course_report = report.courses[0]
    assert (course_report.status, course_report.version) == ("updated", 2)
    assert course_report.changed == ["hoe-stigma-werkt"]
    assert course_report.added == [] and course_report.removed == []
    assert "updated to version 2 (0 lessons added, 0 removed, 1 changed)" in course_report.summary()
    lesson = Lesson.objects.get(slug="hoe-stigma-werkt")
    assert "to the police" in lesson.body_en
    assert lesson.added_in_version == 1
    assert Course.objects.get().version == 2


def test_it_moves_lessons_between_modules_and_updates_positions(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "lessons: [stigma-herkennen, hoe-stigma-werkt]",
        "lessons: [stigma-herkennen]",
    )
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "lessons: [een-controle]",
        "lessons: [een-controle, hoe-stigma-werkt]",
    )

    load_catalogue(catalogue_dir)

    moved = Lesson.objects.get(slug="hoe-stigma-werkt")
    assert (moved.module.slug, moved.position) == ("in-de-praktijk", 2)
    assert Lesson.objects.get(slug="een-controle").position == 1


def test_it_keeps_a_removed_lesson_inactive_with_its_progress(db, catalogue_dir, learner):
    load_catalogue(catalogue_dir)
    course = Course.objects.get()
    enrolment = enrol(user=learner, course=course)
    for slug in ("stigma-herkennen", "hoe-stigma-werkt"):
        study_lesson(enrolment=enrolment, lesson=Lesson.objects.get(slug=slug))
    assert Enrolment.objects.get().progress_percent == 66
    remove_lesson(catalogue_dir, "hoe-stigma-werkt")

    report = load_catalogue(catalogue_dir)

    assert report.courses[0].removed == ["hoe-stigma-werkt"]
    removed = Lesson.objects.get(slug="hoe-stigma-werkt")
    assert removed.is_active is False
    assert LessonProgress.objects.filter(lesson=removed, completed_at__isnull=False).exists()
    enrolment.refresh_from_db()
    assert (enrolment.lessons_completed, enrolment.progress_percent) == (1, 50)
    assert enrolment.completed_at is None


def test_it_makes_an_added_lesson_required(db, catalogue_dir, learner, trainer):
    load_catalogue(catalogue_dir)
    course = Course.objects.get()
    in_progress = enrol(user=learner, course=course)
    study_lesson(enrolment=in_progress, lesson=Lesson.objects.get(slug="stigma-herkennen"))
    done = enrol(user=trainer, course=course)
    for lesson in course.lessons.all():
        study_lesson(enrolment=done, lesson=lesson)
    add_lesson(catalogue_dir, "nabespreken")

    report = load_catalogue(catalogue_dir)

    assert report.courses[0].added == ["nabespreken"]
    added = Lesson.objects.get(slug="nabespreken")
    assert (added.added_in_version, added.is_active, added.position) == (2, True, 3)
    in_progress.refresh_from_db()
    assert (in_progress.lessons_completed, in_progress.progress_percent) == (1, 25)
    done.refresh_from_db()
    assert done.completed_at is not None and done.progress_percent == 100
    assert done.version_completed == 1


def test_it_reactivates_a_lesson_that_returns(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    original = course_file(catalogue_dir, "course.yaml").read_text(encoding="utf-8")
    saved = {
        language: course_file(
            catalogue_dir, "lessons", f"hoe-stigma-werkt.{language}.md"
        ).read_text()
        for language in ("nl", "en")
    }
    remove_lesson(catalogue_dir, "hoe-stigma-werkt")
    load_catalogue(catalogue_dir)
    course_file(catalogue_dir, "course.yaml").write_text(original, encoding="utf-8")
    for language, text in saved.items():
        course_file(catalogue_dir, "lessons", f"hoe-stigma-werkt.{language}.md").write_text(text)

    report = load_catalogue(catalogue_dir)

    assert report.courses[0].added == ["hoe-stigma-werkt"]
    lesson = Lesson.objects.get(slug="hoe-stigma-werkt")
    assert (lesson.is_active, lesson.added_in_version) == (True, 3)
    assert Lesson.objects.count() == 3


def test_it_completes_enrolments_whose_only_missing_lesson_was_removed(
    db, catalogue_dir, learner, django_capture_on_commit_callbacks
):
    load_catalogue(catalogue_dir)
    enrolment = enrol(user=learner, course=Course.objects.get())
    for slug in ("stigma-herkennen", "een-controle"):
        study_lesson(enrolment=enrolment, lesson=Lesson.objects.get(slug=slug))
    remove_lesson(catalogue_dir, "hoe-stigma-werkt")

    report = load_catalogue(catalogue_dir)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.version_completed == 2
    assert report.courses[0].completed_by_new_version == 1


def test_it_deactivates_a_module_that_left_the_outline(db, catalogue_dir):
    load_catalogue(catalogue_dir)
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "  - slug: in-de-praktijk\n"
        '    title: {nl: "In de praktijk", en: "In practice"}\n'
        "    lessons: [een-controle]\n",
        "",
    )
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "lessons: [stigma-herkennen, hoe-stigma-werkt]",
        "lessons: [stigma-herkennen, hoe-stigma-werkt, een-controle]",
    )

    load_catalogue(catalogue_dir)

    assert Module.objects.get(slug="in-de-praktijk").is_active is False
    assert Lesson.objects.get(slug="een-controle").module.slug == "stigma"


def test_a_dry_run_saves_nothing_and_reports_exactly(db, catalogue_dir):
    report = load_catalogue(catalogue_dir, dry_run=True)

    assert [(c.status, c.version, c.lessons) for c in report.courses] == [("created", 1, 3)]
    assert Course.objects.count() == 0
    assert Lesson.objects.count() == 0


def test_it_reports_courses_that_left_the_catalogue(db, catalogue_dir):
    Course.objects.create(slug="oude-cursus", title_nl="Oud", theme=1)

    report = load_catalogue(catalogue_dir)

    assert any(note.startswith("oude-cursus:") for note in report.notes)
    assert Course.objects.filter(slug="oude-cursus").exists()


# Validation ----------------------------------------------------------------------------------


def test_it_names_file_and_line_of_a_yaml_syntax_error(db, catalogue_dir):
    replace_in(course_file(catalogue_dir, "course.yaml"), "theme: 3", "theme: [3")

    report = load_catalogue(catalogue_dir)

    errors = errors_of(report)
    assert len(errors) == 1
    assert re.match(rf"^{FIXTURE_COURSE}/course\.yaml:\d+: YAML syntax error", errors[0])
    assert Course.objects.count() == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "audiences: [police, boa]",
            "audiences: [police, polce]",
            "course.yaml:3: unknown audience 'polce'",
        ),
        (
            'en: "Working respectfully with sex workers"',
            'en: ""',
            "course.yaml:6: 'title' is missing language 'en'",
        ),
        ("theme: 3", "theme: 9", "course.yaml:2: 'theme' must be a whole number from 1 to 5"),
        (
            "slug: omgaan-met-sekswerkers",
            "slug: iets-anders",
            "course.yaml:1: slug 'iets-anders' differs from the folder name",
        ),
        (
            "lessons: [een-controle]",
            "lessons: [een-controle, stigma-herkennen]",
            "course.yaml:21: duplicate lesson slug 'stigma-herkennen'",
        ),
        (
            "lessons: [een-controle]",
            "lessons: [een-controle, bestaat-niet]",
            "course.yaml:21: lesson 'bestaat-niet' has no nl file",
        ),
        (
            "reviewed_on: 2026-11-20",
            "reviewed_on: last week",
            "course.yaml:12: 'reviewed_on' must be a date (YYYY-MM-DD)",
        ),
        (
            "review_every_months: 12",
            "review_every_months: 12\naccreditation: {body: ABAN, points: 2}",
            "course.yaml:14: unknown key 'accreditation'",
        ),
        ("minutes: 30", "minutes: 30\nduration: 30", "course.yaml:5: unknown key 'duration'"),
        (
            '  nl: "Een korte',
            '  nl: "Een prostituee en een korte',
            "course.yaml:8: stigmatising word 'prostituee'",
        ),
    ],
)
def test_it_names_file_and_line_of_course_yaml_errors(db, catalogue_dir, old, new, expected):
    replace_in(course_file(catalogue_dir, "course.yaml"), old, new)

    report = load_catalogue(catalogue_dir)

    errors = errors_of(report)
    assert any(error.startswith(f"{FIXTURE_COURSE}/{expected}") for error in errors), errors
    assert report.courses[0].status == "invalid"
    assert Course.objects.count() == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("minutes: 4", "minutes: 2", "stigma-herkennen.nl.md:3: 'minutes' must be from 3 to 8"),
        ("minutes: 4", "minutes: 9", "stigma-herkennen.nl.md:3: 'minutes' must be from 3 to 8"),
        ("kind: text", "kind: podcast", "stigma-herkennen.nl.md:4: 'kind' must be one of"),
        (
            "title: Stigma herkennen",
            "titel: Stigma herkennen",
            "stigma-herkennen.nl.md:2: unknown front-matter key 'titel'",
        ),
        (
            "![Een agent in gesprek met een sekswerker]",
            "![]",
            "stigma-herkennen.nl.md:11: image '/static/courses/done.svg' has no alt text",
        ),
        (
            "(/static/courses/done.svg)",
            "(https://example.org/x.png)",
            "stigma-herkennen.nl.md:11: 'https://example.org/x.png' must be a file under static/",
        ),
        (
            "(/static/courses/done.svg)",
            "(/static/content/missing.png)",
            "stigma-herkennen.nl.md:11: '/static/content/missing.png' does not exist",
        ),
        ("!!! reflect", "!!! note", "stigma-herkennen.nl.md:8: unknown block '!!! note'"),
        (
            "Stigma is een",
            "Een hoertje is een",
            "stigma-herkennen.nl.md:6: stigmatising word 'hoertje'",
        ),
        ("---\ntitle", "title", "stigma-herkennen.nl.md:1: a lesson starts with front matter"),
    ],
)
def test_it_names_file_and_line_of_lesson_errors(db, catalogue_dir, old, new, expected):
    replace_in(course_file(catalogue_dir, "lessons", "stigma-herkennen.nl.md"), old, new)

    report = load_catalogue(catalogue_dir)

    errors = errors_of(report)
    assert any(error.startswith(f"{FIXTURE_COURSE}/lessons/{expected}") for error in errors), errors
    assert Course.objects.count() == 0


def test_it_requires_alt_text_on_html_images_too(db, catalogue_dir):
    path = course_file(catalogue_dir, "lessons", "een-controle.en.md")
    path.write_text(path.read_text() + '\n<img src="/static/courses/done.svg" alt=" ">\n')

    report = load_catalogue(catalogue_dir)

    assert (
        f"{FIXTURE_COURSE}/lessons/een-controle.en.md:11: image '/static/courses/done.svg' has no alt text"
        in errors_of(report)
    )


def test_it_allows_the_name_of_a_law(db, catalogue_dir):
    replace_in(
        course_file(catalogue_dir, "lessons", "hoe-stigma-werkt.nl.md"),
        "Stigma maakt dat",
        "De Wet regulering prostitutie en bestrijding misstanden seksbranche is nog niet aangenomen. Stigma maakt dat",
    )

    report = load_catalogue(catalogue_dir)

    assert report.ok, errors_of(report)


def test_it_requires_the_same_minutes_in_both_languages(db, catalogue_dir):
    replace_in(
        course_file(catalogue_dir, "lessons", "een-controle.en.md"), "minutes: 6", "minutes: 7"
    )

    errors = errors_of(load_catalogue(catalogue_dir))

    assert (
        f"{FIXTURE_COURSE}/lessons/een-controle.en.md:3: 'minutes' differs from the Dutch file (6 vs 7)"
        in errors
    )


def test_it_requires_a_transcript_for_a_video_lesson(db, catalogue_dir):
    for language in ("nl", "en"):
        replace_in(
            course_file(catalogue_dir, "lessons", f"een-controle.{language}.md"),
            "kind: case",
            "kind: video",
        )

    errors = errors_of(load_catalogue(catalogue_dir))
    assert any("a video lesson needs a full transcript" in error for error in errors)

    for language in ("nl", "en"):
        path = course_file(catalogue_dir, "lessons", f"een-controle.{language}.md")
        path.write_text(path.read_text() + "\n## Transcript\n\nSanne: goedemorgen.\n")
    assert load_catalogue(catalogue_dir).ok


def test_it_limits_the_words_to_the_minutes(db, catalogue_dir):
    path = course_file(catalogue_dir, "lessons", "stigma-herkennen.en.md")
    path.write_text(path.read_text() + "\n" + "word " * 800 + "\n")

    errors = errors_of(load_catalogue(catalogue_dir))

    assert any(
        error.startswith(f"{FIXTURE_COURSE}/lessons/stigma-herkennen.en.md:3:")
        and "do not fit in 4 minutes" in error
        for error in errors
    ), errors


def test_it_reports_a_missing_language_file(db, catalogue_dir):
    course_file(catalogue_dir, "lessons", "een-controle.en.md").unlink()

    errors = errors_of(load_catalogue(catalogue_dir))

    assert (
        f"{FIXTURE_COURSE}/course.yaml:21: lesson 'een-controle' has no en file (lessons/een-controle.en.md)"
        in errors
    )


def test_it_reports_duplicate_course_slugs(db, catalogue_dir):
    import shutil

    shutil.copytree(catalogue_dir / FIXTURE_COURSE, catalogue_dir / "kopie")

    errors = errors_of(load_catalogue(catalogue_dir))

    assert (
        "kopie/course.yaml:1: slug 'omgaan-met-sekswerkers' differs from the folder name" in errors
    )
    assert any("duplicate course slug 'omgaan-met-sekswerkers'" in error for error in errors)


def test_a_broken_course_keeps_its_previous_version_while_others_load(db, catalogue_dir):
    import shutil

    load_catalogue(catalogue_dir)
    shutil.copytree(catalogue_dir / FIXTURE_COURSE, catalogue_dir / "tweede-cursus")
    replace_in(
        catalogue_dir / "tweede-cursus" / "course.yaml",
        "slug: omgaan-met-sekswerkers",
        "slug: tweede-cursus",
    )
    replace_in(
        course_file(catalogue_dir, "lessons", "een-controle.nl.md"), "minutes: 6", "minutes: 60"
    )

    report = load_catalogue(catalogue_dir)

    assert {c.slug: c.status for c in report.courses} == {
        FIXTURE_COURSE: "invalid",
        "tweede-cursus": "created",
    }
    assert Course.objects.get(slug=FIXTURE_COURSE).version == 1
    assert Lesson.objects.get(course__slug=FIXTURE_COURSE, slug="een-controle").minutes == 6


def test_it_skips_folders_starting_with_an_underscore(db, catalogue_dir):
    report = load_catalogue(catalogue_dir)

    assert [c.slug for c in report.courses] == [FIXTURE_COURSE]


def test_it_warns_about_lesson_files_outside_the_outline(db, catalogue_dir):
    course_file(catalogue_dir, "lessons", "vergeten.nl.md").write_text("---\ntitle: x\n---\nx\n")

    report = load_catalogue(catalogue_dir)

    assert report.ok
    assert [str(w) for w in report.all_warnings()] == [
        f"{FIXTURE_COURSE}/lessons/vergeten.nl.md: this lesson file is not in the outline of course.yaml"
    ]


# Sanitisation --------------------------------------------------------------------------------


def test_it_sanitises_lesson_html(db, catalogue_dir):
    path = course_file(catalogue_dir, "lessons", "hoe-stigma-werkt.nl.md")
    path.write_text(
        path.read_text()
        + "\n<script>alert('x')</script>\n\n"
        + '<p onclick="steal()" style="color:red">Klik</p>\n\n'
        + "[link](javascript:alert(1))\n\n"
        + '<a href="JAVASCRIPT:alert(2)" onmouseover="x()">ander</a>\n'
    )

    assert load_catalogue(catalogue_dir).ok
    body = Lesson.objects.get(slug="hoe-stigma-werkt").body_nl

    assert "<script" not in body and "alert('x')" not in body
    assert "onclick" not in body and "onmouseover" not in body and "style=" not in body
    assert "javascript:" not in body.lower()
    assert "<p>Klik</p>" in body


# Extension points ----------------------------------------------------------------------------


def test_it_calls_course_extensions_inside_the_transaction_for_every_course(db, catalogue_dir):
    calls = []

    def extension(course, course_dir, report, dry_run):
        calls.append((course.slug, course_dir.name, report.status, dry_run))
        report.notes.append("quiz: 0 questions")

    with loader.course_extensions.override(extension):
        first = load_catalogue(catalogue_dir)
        load_catalogue(catalogue_dir)
        load_catalogue(catalogue_dir, dry_run=True)

    assert calls == [
        (FIXTURE_COURSE, FIXTURE_COURSE, "created", False),
        (FIXTURE_COURSE, FIXTURE_COURSE, "unchanged", False),
        (FIXTURE_COURSE, FIXTURE_COURSE, "unchanged", True),
    ]
    assert first.courses[0].summary().endswith("; quiz: 0 questions")


def test_an_extension_error_rolls_its_course_back(db, catalogue_dir):
    def extension(course, course_dir, report, dry_run):
        raise LoaderError(f"{course_dir.name}/quiz.yaml", 4, "pass_mark must be 0-100")

    with loader.course_extensions.override(extension):
        report = load_catalogue(catalogue_dir)

    assert errors_of(report) == [f"{FIXTURE_COURSE}/quiz.yaml:4: pass_mark must be 0-100"]
    assert Course.objects.count() == 0


def test_course_validators_block_the_course(db, catalogue_dir):
    def validator(course_dir, data, root):
        assert data["slug"] == FIXTURE_COURSE and data.line_of("theme") == 2
        return [
            LoaderError(f"{course_dir.name}/quiz.yaml", 7, "question q03 has no correct choice")
        ]

    with loader.course_validators.override(validator):
        report = load_catalogue(catalogue_dir)

    assert errors_of(report) == [
        f"{FIXTURE_COURSE}/quiz.yaml:7: question q03 has no correct choice"
    ]
    assert Course.objects.count() == 0


def test_catalogue_validators_and_extensions_see_the_shared_folder(db, catalogue_dir):
    seen = []

    def validator(root):
        seen.append(("validate", (root / "_shared").is_dir()))
        return []

    def extension(root, report, dry_run):
        seen.append(("load", dry_run))

    with (
        loader.catalogue_validators.override(validator),
        loader.catalogue_extensions.override(extension),
    ):
        assert load_catalogue(catalogue_dir).ok

    assert seen == [("validate", True), ("load", False)]


def test_registered_course_yaml_keys_are_allowed(db, catalogue_dir):
    replace_in(
        course_file(catalogue_dir, "course.yaml"), "minutes: 30", "minutes: 30\nsurvey: true"
    )
    assert not load_catalogue(catalogue_dir).ok

    loader.register_course_yaml_key("survey")
    try:
        assert load_catalogue(catalogue_dir).ok
    finally:
        loader._extra_course_keys.discard("survey")


# The management command ----------------------------------------------------------------------


def test_the_command_reports_per_course(db, catalogue_dir, capsys):
    call_command("load_catalogue", "--path", str(catalogue_dir))
    call_command("load_catalogue", "--path", str(catalogue_dir))

    out = capsys.readouterr().out
    assert f"{FIXTURE_COURSE}: created, version 1 (3 lessons)" in out
    assert f"{FIXTURE_COURSE}: unchanged (version 1)" in out


def test_the_command_dry_run_saves_nothing(db, catalogue_dir, capsys):
    call_command("load_catalogue", "--path", str(catalogue_dir), "--dry-run")

    assert "Dry run: nothing is saved." in capsys.readouterr().out
    assert Course.objects.count() == 0


def test_the_command_fails_with_the_errors(db, catalogue_dir):
    replace_in(
        course_file(catalogue_dir, "course.yaml"),
        "audiences: [police, boa]",
        "audiences: [agenten]",
    )

    with pytest.raises(CommandError) as failure:
        call_command("load_catalogue", "--path", str(catalogue_dir))

    assert f"{FIXTURE_COURSE}/course.yaml:3: unknown audience 'agenten'" in str(failure.value)


def test_the_command_fails_without_a_catalogue_folder(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("load_catalogue", "--path", str(tmp_path / "nowhere"))
