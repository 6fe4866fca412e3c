"""Helpers of the certificates tests: a course completed through the real services."""

from courses.services import enrol, lesson_complete, lesson_open
from tests.factories import CourseFactory, LessonFactory


def one_lesson_course(**course_fields):
    course = CourseFactory(**course_fields)
    LessonFactory(module__course=course, course=course)
    return course


def complete(user, course, *, capture):
    """Enrol ``user`` and complete ``course`` (every lesson), running the after-commit handlers
    (``capture`` is pytest-django's ``django_capture_on_commit_callbacks``)."""
    with capture(execute=True):
        enrolment = enrol(user=user, course=course)
        for lesson in course.lessons.filter(is_active=True).order_by("position"):
            lesson_open(enrolment=enrolment, lesson=lesson)
            lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    return enrolment
