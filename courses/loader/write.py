"""Writing one validated course into the database (called inside the course's transaction).

Courses, modules and lessons are matched by slug. Nothing is ever deleted: a lesson that left
the outline gets ``is_active=False`` (its progress rows stay but no longer count), a lesson
that returns is active again. An unchanged content hash writes nothing at all.
"""

from dataclasses import dataclass, field

from courses.loader.parse import CourseSpec
from courses.models import Course, Lesson, Module

LESSON_CONTENT_FIELDS = ("title_nl", "title_en", "body_nl", "body_en", "minutes", "kind")


@dataclass
class CourseReport:
    """What happened to one course; extensions may append to ``notes``."""

    slug: str
    status: str = ""  # created | updated | unchanged | invalid
    version: int | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    lessons: int = 0
    completed_by_new_version: int = 0

    def summary(self) -> str:
        if self.status == "created":
            text = f"created, version {self.version} ({self.lessons} lessons)"
        elif self.status == "updated":
            text = (
                f"updated to version {self.version} ({len(self.added)} lessons added, "
                f"{len(self.removed)} removed, {len(self.changed)} changed)"
            )
        elif self.status == "unchanged":
            text = f"unchanged (version {self.version})"
        else:
            text = f"not loaded ({len(self.errors)} errors)"
        return "; ".join([text, *self.notes])


def _set(obj, values: dict) -> list[str]:
    """Assign ``values``; return the names of the fields that really changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def write_course(spec: CourseSpec, report: CourseReport) -> Course:
    course = Course.objects.select_for_update().filter(slug=spec.slug).first()
    if course is not None and course.content_hash == spec.content_hash:
        report.status = "unchanged"
        report.version = course.version
        report.lessons = course.lessons.filter(is_active=True).count()
        return course

    created = course is None
    if created:
        course = Course(slug=spec.slug, version=1)
    else:
        course.version += 1
    version = course.version
    values = {
        "title_nl": spec.title.get("nl", ""),
        "title_en": spec.title.get("en", ""),
        "summary_nl": spec.summary.get("nl", ""),
        "summary_en": spec.summary.get("en", ""),
        "theme": spec.theme,
        "audiences": spec.audiences,
        "minutes": spec.minutes,
        "languages": spec.languages,
        "certificate_validity_months": spec.certificate_validity_months,
        "reviewed_on": spec.reviewed_on,
        "review_every_months": spec.review_every_months,
        "minimum_study": spec.minimum_study,
        "content_hash": spec.content_hash,
        "status": Course.Status.PUBLISHED,
    }
    changed_fields = _set(course, values)
    if created:
        course.save()
    else:
        course.save(update_fields=[*changed_fields, "version", "updated_at"])

    modules = {module.slug: module for module in course.modules.all()} if not created else {}
    for position, module_spec in enumerate(spec.modules):
        module_values = {
            "title_nl": module_spec.title.get("nl", ""),
            "title_en": module_spec.title.get("en", ""),
            "position": position,
            "is_active": True,
        }
        module = modules.get(module_spec.slug)
        if module is None:
            modules[module_spec.slug] = Module.objects.create(
                course=course, slug=module_spec.slug, **module_values
            )
        elif fields := _set(module, module_values):
            module.save(update_fields=fields)
    wanted_modules = {module_spec.slug for module_spec in spec.modules}
    for module in modules.values():
        if module.slug not in wanted_modules and module.is_active:
            module.is_active = False
            module.save(update_fields=["is_active"])

    lessons = {lesson.slug: lesson for lesson in course.lessons.all()} if not created else {}
    for position, lesson_spec in enumerate(spec.lessons):
        content = {
            "title_nl": lesson_spec.title.get("nl", ""),
            "title_en": lesson_spec.title.get("en", ""),
            "body_nl": lesson_spec.body.get("nl", ""),
            "body_en": lesson_spec.body.get("en", ""),
            "minutes": lesson_spec.minutes,
            "kind": lesson_spec.kind,
        }
        placement = {"module": modules[lesson_spec.module_slug], "position": position}
        lesson = lessons.get(lesson_spec.slug)
        if lesson is None:
            Lesson.objects.create(
                course=course,
                slug=lesson_spec.slug,
                added_in_version=version,
                **content,
                **placement,
            )
            report.added.append(lesson_spec.slug)
            continue
        fields = _set(lesson, content)
        if fields and lesson.is_active:
            report.changed.append(lesson_spec.slug)
        if lesson.module_id != placement["module"].pk:
            lesson.module = placement["module"]
            fields.append("module")
        fields += _set(lesson, {"position": position})
        if not lesson.is_active:
            lesson.is_active = True
            lesson.added_in_version = version
            fields += ["is_active", "added_in_version"]
            report.added.append(lesson_spec.slug)
        if fields:
            lesson.save(update_fields=fields)
    wanted_lessons = {lesson_spec.slug for lesson_spec in spec.lessons}
    for lesson in lessons.values():
        if lesson.slug not in wanted_lessons and lesson.is_active:
            lesson.is_active = False
            lesson.save(update_fields=["is_active"])
            report.removed.append(lesson.slug)

    report.status = "created" if created else "updated"
    report.version = version
    report.lessons = len(spec.lessons)
    return course
