"""Course-building helpers for the courses tests (on top of tests/factories.py)."""

from courses.models import Course
from tests.factories import CourseFactory, LessonFactory, ModuleFactory


def make_course(*, lessons: int = 4, per_module: int = 2, **course_fields) -> Course:
    """A published course with ``lessons`` active lessons, ``per_module`` per module, positions
    in order across the course."""
    course = CourseFactory(**course_fields)
    module = None
    for index in range(lessons):
        if index % per_module == 0:
            module = ModuleFactory(course=course, position=index // per_module)
        LessonFactory(module=module, course=course, position=index, slug=f"les-{index + 1}")
    return course


def study_lesson(*, enrolment, lesson, now=None) -> bool:
    """Open a lesson, read it for its stated minutes, then mark it as done at ``now`` (a lesson
    can only be marked done once opened; accredited courses also count the time)."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.services import lesson_complete, lesson_open

    now = now or timezone.now()
    lesson_open(enrolment=enrolment, lesson=lesson, now=now - timedelta(minutes=lesson.minutes))
    return lesson_complete(enrolment=enrolment, lesson=lesson, now=now)
