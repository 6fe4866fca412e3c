"""How the catalogue loader reads quizzes, knowledge checks and the attitude questionnaire.

Registered with ``courses.loader`` in ``AssessmentsConfig.ready()``:
- a course validator for ``quiz.yaml`` and ``checks/<lesson-slug>.yaml``;
- a course extension that upserts them (unchanged files write nothing);
- a catalogue validator and extension for ``_shared/attitude-survey.yaml``.
"""

from pathlib import Path

from assessments.loader import (
    LoadErrors,
    upsert_quiz,
    upsert_survey,
    validate_quiz,
    validate_survey,
)
from assessments.models import Quiz
from courses.loader import LoaderError, read_yaml, relative_name
from courses.services import course_require_final_quiz

SURVEY_FILE = Path("_shared") / "attitude-survey.yaml"


def _lesson_slugs(course_data) -> set[str]:
    slugs = set()
    for module in course_data.get("modules") or []:
        if isinstance(module, dict):
            slugs.update(str(slug) for slug in module.get("lessons") or [])
    return slugs


def _quiz_files(course_dir: Path) -> list[tuple[Path, str, str | None]]:
    """(path, kind, lesson slug) of every question file of a course."""
    files = []
    if (course_dir / "quiz.yaml").is_file():
        files.append((course_dir / "quiz.yaml", Quiz.Kind.FINAL, None))
    checks = course_dir / "checks"
    if checks.is_dir():
        files += [(path, Quiz.Kind.CHECK, path.stem) for path in sorted(checks.glob("*.yaml"))]
    return files


def validate_course_questions(course_dir: Path, course_data, root: Path) -> list[LoaderError]:
    problems: list[LoaderError] = []
    lessons = _lesson_slugs(course_data)
    for path, kind, lesson_slug in _quiz_files(course_dir):
        name = relative_name(path, root)
        try:
            data = read_yaml(path, root=root)
        except LoaderError as exc:
            problems.append(exc)
            continue
        errors = LoadErrors(name)
        validate_quiz(data, errors, lesson_slugs=lessons if kind == Quiz.Kind.FINAL else None)
        if kind == Quiz.Kind.CHECK and lesson_slug not in lessons:
            problems.append(
                LoaderError(name, None, f"knowledge check for unknown lesson '{lesson_slug}'")
            )
        problems += errors.errors
    return problems


def load_course_questions(course, course_dir: Path, report, dry_run: bool) -> None:
    root = course_dir.parent
    lessons = {lesson.slug: lesson for lesson in course.lessons.all()}
    seen_checks = []
    course_require_final_quiz(course=course, required=(course_dir / "quiz.yaml").is_file())
    for path, kind, lesson_slug in _quiz_files(course_dir):
        data = read_yaml(path, root=root)
        lesson = lessons.get(lesson_slug) if lesson_slug else None
        outcome = upsert_quiz(
            course=course, path=path, data=data, kind=kind, lesson=lesson, lessons=lessons
        )
        if lesson is not None:
            seen_checks.append(lesson.pk)
        if outcome != "unchanged":
            label = "final quiz" if kind == Quiz.Kind.FINAL else f"knowledge check {lesson_slug}"
            report.notes.append(f"{label} {outcome} ({len(data['questions'])} questions)")


def validate_survey_file(root: Path) -> list[LoaderError]:
    path = root / SURVEY_FILE
    if not path.is_file():
        return []
    try:
        data = read_yaml(path, root=root)
    except LoaderError as exc:
        return [exc]
    errors = LoadErrors(relative_name(path, root))
    validate_survey(data, errors)
    return errors.errors


def load_survey(root: Path, report, dry_run: bool) -> None:
    path = root / SURVEY_FILE
    if not path.is_file():
        return
    outcome = upsert_survey(path=path, data=read_yaml(path, root=root))
    if outcome != "unchanged":
        report.notes.append(f"attitude questionnaire {outcome}")
