"""Writes of the courses app, split by concern:

- ``learning``: enrolment, lesson progress, the completion rule and completion handlers;
- ``assignments``: assigning courses, reminders;
- ``renewal``: enrolling again on the current version (recertification).
"""

from courses.services.learning import (
    TIME_GAP_CAP_SECONDS,
    LessonNotOpened,
    StudyTimeTooShort,
    course_require_final_quiz,
    enrol,
    enrolment_certificate_issued,
    enrolment_check_completion,
    enrolment_final_quiz_passed,
    enrolment_recount,
    enrolments_certificate_issued,
    enrolments_recount_for_course,
    lesson_complete,
    lesson_open,
    minimum_study_seconds,
    register_completion_handler,
)
from courses.services.renewal import enrolment_restart

__all__ = [
    "TIME_GAP_CAP_SECONDS",
    "LessonNotOpened",
    "StudyTimeTooShort",
    "course_require_final_quiz",
    "enrol",
    "enrolment_certificate_issued",
    "enrolment_check_completion",
    "enrolment_final_quiz_passed",
    "enrolments_certificate_issued",
    "enrolment_recount",
    "enrolment_restart",
    "enrolments_recount_for_course",
    "lesson_complete",
    "lesson_open",
    "minimum_study_seconds",
    "register_completion_handler",
]
