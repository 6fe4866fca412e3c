"""Reading and validating one course folder (no database access).

``parse_course(course_dir, root=...)`` returns a ``CourseSpec`` (everything the database writer
needs, lesson bodies already rendered and sanitised) and a list of ``LoaderError``s, each naming
the file and, where it can, the line. A course with any error (not counting warnings) is not
loaded. The rules are those of ``content/README.md``.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from courses.loader.lessons import (
    LANGUAGES,
    SLUG_RE,
    Errors,
    LessonSpec,
    check_language,
    lesson_spec,
)
from courses.loader.yamlio import (
    LoaderError,
    YamlList,
    YamlMap,
    read_text,
    read_yaml,
    relative_name,
)
from courses.models import Audience

# Course slugs that would shadow a page under /courses/.
RESERVED_SLUGS = frozenset({"my", "enrol", "lessons", "static", "review", "review-due"})

COURSE_KEYS = {
    "slug",
    "theme",
    "audiences",
    "minutes",
    "certificate_validity_months",
    "title",
    "summary",
    "minimum_study",
    "reviewed_on",
    "review_every_months",
    "modules",
    "languages",
}


@dataclass
class ModuleSpec:
    slug: str
    title: dict[str, str]
    lesson_slugs: list[str]


@dataclass
class CourseSpec:
    slug: str
    directory: Path
    data: YamlMap
    theme: int
    audiences: list[str]
    minutes: int
    certificate_validity_months: int | None
    languages: list[str]
    title: dict[str, str]
    summary: dict[str, str]
    minimum_study: bool = False
    reviewed_on: date | None = None
    review_every_months: int = 12
    modules: list[ModuleSpec] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    content_hash: str = ""


def content_hash(course_dir: Path) -> str:
    """sha256 over every file of the course folder (hidden files skipped), with normalised
    text: UTF-8 without BOM, ``\\n`` line ends, no trailing spaces, no trailing blank lines.
    Formatting noise therefore never bumps a version; any real edit (including quiz.yaml and
    checks/) does."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in course_dir.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(course_dir).parts)
    )
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            data = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n").encode()
        except UnicodeDecodeError:
            data = raw
        digest.update(path.relative_to(course_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _texts(
    errors: Errors, name: str, data: YamlMap, key: str, languages: list[str], *, required=True
) -> dict[str, str]:
    """A ``{nl: "…", en: "…"}`` text in every language of the course."""
    value = data.get(key)
    if value is None:
        if required:
            errors.add(name, data.line, f"'{key}' is missing")
        return {}
    if not isinstance(value, YamlMap):
        errors.add(name, data.line_of(key), f"'{key}' must be a mapping like {{nl: …, en: …}}")
        return {}
    texts = {}
    for language in value:
        if language not in LANGUAGES:
            errors.add(name, value.line_of(language), f"'{key}' has unknown language '{language}'")
    for language in languages:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            errors.add(name, value.line_of(language), f"'{key}' is missing language '{language}'")
        else:
            texts[language] = text.strip()
    return texts


def _positive_int(errors, name, data, key, *, required=True, low=1, high=10_000) -> int | None:
    value = data.get(key)
    if value is None:
        if required:
            errors.add(name, data.line, f"'{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(name, data.line_of(key), f"'{key}' must be a whole number from {low} to {high}")
        return None
    return value


def _reviewed_on(errors: Errors, name: str, data: YamlMap) -> date | None:
    value = data.get("reviewed_on")
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add(name, data.line_of("reviewed_on"), "'reviewed_on' must be a date (YYYY-MM-DD)")
        return None
    return value


def parse_course(
    course_dir: Path, *, root: Path, extra_keys: frozenset[str] = frozenset()
) -> tuple[CourseSpec | None, list[LoaderError]]:
    """Read and check ``course_dir``; see the module docstring."""
    errors = Errors()
    path = course_dir / "course.yaml"
    name = relative_name(path, root)
    if not path.is_file():
        errors.add(relative_name(course_dir, root), None, "course.yaml is missing")
        return None, errors
    try:
        data = read_yaml(path, root=root)
    except LoaderError as exc:
        return None, [exc]
    if not isinstance(data, YamlMap):
        errors.add(name, 1, "course.yaml must be a mapping")
        return None, errors

    for key in data:
        if key not in COURSE_KEYS | extra_keys:
            errors.add(name, data.line_of(key), f"unknown key '{key}'")
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        errors.add(name, data.line_of("slug"), "'slug' must be lowercase letters, digits, hyphens")
        slug = course_dir.name
    elif slug != course_dir.name:
        errors.add(name, data.line_of("slug"), f"slug '{slug}' differs from the folder name")
    if slug in RESERVED_SLUGS:
        errors.add(name, data.line_of("slug"), f"'{slug}' is reserved; choose another slug")

    languages = data.get("languages", list(LANGUAGES))
    if not isinstance(languages, list) or "nl" not in languages:
        errors.add(name, data.line_of("languages"), "'languages' must be a list including nl")
        languages = list(LANGUAGES)
    for language in languages:
        if language not in LANGUAGES:
            errors.add(name, data.line_of("languages"), f"unknown language '{language}'")
    languages = [language for language in LANGUAGES if language in languages]

    theme = _positive_int(errors, name, data, "theme", high=5)
    audiences = data.get("audiences")
    if not isinstance(audiences, YamlList) or not audiences:
        errors.add(name, data.line_of("audiences"), "'audiences' must be a non-empty list")
        audiences = []
    for index, audience in enumerate(audiences):
        if audience not in Audience.values:
            errors.add(
                name,
                audiences.line_of(index),
                f"unknown audience '{audience}' (use {', '.join(Audience.values)})",
            )
    minutes = _positive_int(errors, name, data, "minutes", high=600)
    validity = _positive_int(errors, name, data, "certificate_validity_months", required=False)
    title = _texts(errors, name, data, "title", languages)
    summary = _texts(errors, name, data, "summary", languages)
    minimum_study = data.get("minimum_study", False)
    if not isinstance(minimum_study, bool):
        errors.add(name, data.line_of("minimum_study"), "'minimum_study' is true or false")
        minimum_study = False
    reviewed_on = _reviewed_on(errors, name, data)
    review_every = (
        _positive_int(errors, name, data, "review_every_months", required=False, high=60) or 12
    )
    check_language(errors, name, read_text(path, root=root))

    modules = data.get("modules")
    if not isinstance(modules, YamlList) or not modules:
        errors.add(name, data.line_of("modules"), "'modules' must be a non-empty list")
        modules = YamlList()
    spec = CourseSpec(
        slug=slug,
        directory=course_dir,
        data=data,
        theme=theme or 0,
        audiences=list(dict.fromkeys(audiences)),
        minutes=minutes or 0,
        certificate_validity_months=validity,
        languages=languages,
        title=title,
        summary=summary,
        minimum_study=minimum_study,
        reviewed_on=reviewed_on,
        review_every_months=review_every,
    )
    module_slugs: set[str] = set()
    lesson_lines: dict[str, int] = {}
    for index, module in enumerate(modules):
        line = modules.line_of(index)
        if not isinstance(module, YamlMap):
            errors.add(name, line, "a module must be a mapping with slug, title and lessons")
            continue
        for key in module:
            if key not in {"slug", "title", "lessons"}:
                errors.add(name, module.line_of(key), f"unknown module key '{key}'")
        module_slug = module.get("slug")
        if not isinstance(module_slug, str) or not SLUG_RE.match(module_slug):
            errors.add(name, module.line_of("slug"), "module 'slug' is missing or not a slug")
            module_slug = f"module-{index + 1}"
        elif module_slug in module_slugs:
            errors.add(name, module.line_of("slug"), f"duplicate module slug '{module_slug}'")
        module_slugs.add(module_slug)
        lessons = module.get("lessons")
        if not isinstance(lessons, YamlList) or not lessons:
            errors.add(name, module.line_of("lessons"), "module 'lessons' must be a non-empty list")
            lessons = YamlList()
        lesson_slugs = []
        for position, lesson_slug in enumerate(lessons):
            lesson_line = lessons.line_of(position)
            if not isinstance(lesson_slug, str) or not SLUG_RE.match(lesson_slug):
                errors.add(name, lesson_line, f"'{lesson_slug}' is not a valid lesson slug")
                continue
            if lesson_slug in lesson_lines:
                errors.add(
                    name,
                    lesson_line,
                    f"duplicate lesson slug '{lesson_slug}' (also on line {lesson_lines[lesson_slug]})",
                )
                continue
            lesson_lines[lesson_slug] = lesson_line
            lesson_slugs.append(lesson_slug)
            spec.lessons.append(
                lesson_spec(errors, spec, module_slug, lesson_slug, lesson_line, root)
            )
        spec.modules.append(
            ModuleSpec(
                slug=module_slug,
                title=_texts(errors, name, module, "title", languages),
                lesson_slugs=lesson_slugs,
            )
        )
    spec.lessons = [lesson for lesson in spec.lessons if lesson is not None]

    lessons_dir = course_dir / "lessons"
    if lessons_dir.is_dir():
        for path in sorted(lessons_dir.glob("*.md")):
            stem, _, language = path.stem.rpartition(".")
            if stem not in lesson_lines or language not in languages:
                errors.add(
                    relative_name(path, root),
                    None,
                    "this lesson file is not in the outline of course.yaml",
                    warning=True,
                )
    total = sum(lesson.minutes for lesson in spec.lessons)
    if spec.minutes and total > spec.minutes:
        errors.add(
            name,
            data.line_of("minutes"),
            f"the lessons take {total} minutes, more than the course's {spec.minutes}",
            warning=True,
        )
    spec.content_hash = content_hash(course_dir)
    return spec, errors
