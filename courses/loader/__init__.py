"""The catalogue loader: ``content/`` (Markdown + YAML) → courses, modules and lessons.

``load_catalogue(path, dry_run=False)`` works in three steps:

1. **Validate** every course folder (``parse.parse_course`` plus the registered course
   validators) and the catalogue as a whole (duplicate slugs, registered catalogue validators).
   Every error names the file and, where possible, the line.
2. **Write** each valid course in its own transaction (``write.write_course``): upsert by slug,
   new version when the content hash changed, nothing written when it did not; then the
   enrolments that are not complete are recounted (new lessons become required), and the
   registered course extensions run inside the same transaction. A course with errors is not
   written: its previous version stays live. An extension that raises ``LoaderError`` rolls its
   course back.
3. **Report** per course: created / updated to version N (lessons added, removed, changed) /
   unchanged / not loaded. A course whose ``reviewed_on`` lies more than
   ``review_every_months`` ago gets a warning (``courses.loader.review``), never an error.

``dry_run`` performs the same work and rolls every transaction back, so its report is exact.

Extension points for other apps (register from ``AppConfig.ready()``; the assessments app loads
``quiz.yaml``, ``checks/*.yaml`` and ``_shared/attitude-survey.yaml`` this way):

- ``register_course_validator(fn)``: ``fn(course_dir, course_data, root) -> list[LoaderError]``
  (``course_data`` is the parsed course.yaml with ``.line_of(key)``; ``root`` the content folder
  for ``relative_name``). Errors block the course; ``LoaderError(..., warning=True)`` does not.
- ``register_course_extension(fn)``: ``fn(course, course_dir, report, dry_run)``, called for
  EVERY valid course on every run, also unchanged ones (so a newly registered extension loads
  existing courses), inside the course's transaction. It must be idempotent and write nothing
  when its files did not change. It may append human-readable lines to ``report.notes``.
- ``register_catalogue_validator(fn)``: ``fn(root) -> list[LoaderError]`` (files outside course
  folders, such as ``_shared/``).
- ``register_catalogue_extension(fn)``: ``fn(root, report, dry_run)`` in its own transaction,
  before the courses are written.
- ``register_course_yaml_key(key)``: allow an extra top-level key in course.yaml.

Folders whose names start with ``_`` or ``.`` are not courses.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from academy.registry import Registry
from courses.loader.language import find_stigmatising_words
from courses.loader.parse import CourseSpec, parse_course
from courses.loader.review import overdue_review_warnings
from courses.loader.write import CourseReport, write_course
from courses.loader.yamlio import (
    LoaderError,
    YamlList,
    YamlMap,
    read_text,
    read_yaml,
    relative_name,
)
from courses.models import Course
from courses.services.learning import enrolments_recount_for_course

__all__ = [
    "CatalogueReport",
    "CourseReport",
    "CourseSpec",
    "LoaderError",
    "YamlList",
    "YamlMap",
    "catalogue_extensions",
    "catalogue_validators",
    "course_extensions",
    "course_validators",
    "find_stigmatising_words",
    "load_catalogue",
    "read_text",
    "read_yaml",
    "register_catalogue_extension",
    "register_catalogue_validator",
    "register_course_extension",
    "register_course_validator",
    "register_course_yaml_key",
    "relative_name",
]

course_validators = Registry("course validators")
course_extensions = Registry("course extensions")
catalogue_validators = Registry("catalogue validators")
catalogue_extensions = Registry("catalogue extensions")
_extra_course_keys: set[str] = set()


def register_course_validator(fn):
    return course_validators.register(fn)


def register_course_extension(fn):
    return course_extensions.register(fn)


def register_catalogue_validator(fn):
    return catalogue_validators.register(fn)


def register_catalogue_extension(fn):
    return catalogue_extensions.register(fn)


def register_course_yaml_key(key: str) -> None:
    _extra_course_keys.add(key)


@dataclass
class CatalogueReport:
    root: Path
    dry_run: bool = False
    courses: list[CourseReport] = field(default_factory=list)
    errors: list[LoaderError] = field(default_factory=list)
    warnings: list[LoaderError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(course.errors for course in self.courses)

    def all_errors(self) -> list[LoaderError]:
        return [*self.errors, *(error for course in self.courses for error in course.errors)]

    def all_warnings(self) -> list[LoaderError]:
        return [*self.warnings, *(item for course in self.courses for item in course.warnings)]


class _DryRunRollback(Exception):
    pass


def _split(problems: list[LoaderError]) -> tuple[list[LoaderError], list[LoaderError]]:
    return [p for p in problems if not p.warning], [p for p in problems if p.warning]


def validate_catalogue(root: Path) -> tuple[list[tuple[CourseSpec | None, CourseReport]], list]:
    """Step 1: parse and check every course folder; nothing is written."""
    catalogue_problems: list[LoaderError] = []
    for validator in catalogue_validators:
        catalogue_problems.extend(validator(root))
    results = []
    for course_dir in sorted(root.iterdir()):
        if not course_dir.is_dir() or course_dir.name.startswith(("_", ".")):
            continue
        spec, problems = parse_course(
            course_dir, root=root, extra_keys=frozenset(_extra_course_keys)
        )
        if spec is not None:
            for validator in course_validators:
                problems.extend(validator(course_dir, spec.data, root))
            problems.extend(overdue_review_warnings(spec, root))
        report = CourseReport(slug=spec.slug if spec else course_dir.name)
        report.errors, report.warnings = _split(problems)
        results.append((spec, report))
    first_by_slug: dict[str, CourseSpec] = {}
    for spec, report in results:
        if spec is None:
            continue
        if spec.slug in first_by_slug:
            other = relative_name(first_by_slug[spec.slug].directory / "course.yaml", root)
            report.errors.append(
                LoaderError(
                    relative_name(spec.directory / "course.yaml", root),
                    spec.data.line_of("slug"),
                    f"duplicate course slug '{spec.slug}' (also in {other})",
                )
            )
        else:
            first_by_slug[spec.slug] = spec
    return results, catalogue_problems


def _load_course(spec: CourseSpec, report: CourseReport, *, dry_run: bool) -> None:
    try:
        with transaction.atomic():
            course = write_course(spec, report)
            if report.status == "updated" and (report.added or report.removed):
                report.completed_by_new_version = enrolments_recount_for_course(course=course)
            for extension in course_extensions:
                extension(course, spec.directory, report, dry_run)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    except LoaderError as exc:
        report.status = "invalid"
        report.errors.append(exc)


def load_catalogue(root: Path, *, dry_run: bool = False) -> CatalogueReport:
    """Validate and load the catalogue in ``root``; see the module docstring."""
    root = Path(root)
    report = CatalogueReport(root=root, dry_run=dry_run)
    if not root.is_dir():
        report.errors.append(LoaderError(str(root), None, "the catalogue folder does not exist"))
        return report
    results, catalogue_problems = validate_catalogue(root)
    report.errors, report.warnings = _split(catalogue_problems)

    if not report.errors and len(catalogue_extensions):
        try:
            with transaction.atomic():
                for extension in catalogue_extensions:
                    extension(root, report, dry_run)
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
        except LoaderError as exc:
            report.errors.append(exc)

    for spec, course_report in results:
        report.courses.append(course_report)
        if spec is None or course_report.errors:
            course_report.status = "invalid"
            continue
        _load_course(spec, course_report, dry_run=dry_run)

    loaded = {course_report.slug for course_report in report.courses}
    for slug in Course.objects.exclude(slug__in=loaded).values_list("slug", flat=True):
        report.notes.append(f"{slug}: in the database but not in the catalogue (left as it is)")
    return report
