"""Writes of the courses app, split by concern:

- ``learning``: enrolment, lesson progress, the completion rule and completion handlers;
- ``assignments``: assigning courses, reminders.
"""

from courses.services.learning import (
    TIME_GAP_CAP_SECONDS,
    completion_handlers,
    completion_requirements,
    enrol,
    enrolment_check_completion,
    enrolment_recount,
    enrolments_recount_for_course,
    lesson_complete,
    lesson_open,
    register_completion_handler,
    register_completion_requirement,
)

__all__ = [
    "TIME_GAP_CAP_SECONDS",
    "completion_handlers",
    "completion_requirements",
    "enrol",
    "enrolment_check_completion",
    "enrolment_recount",
    "enrolments_recount_for_course",
    "lesson_complete",
    "lesson_open",
    "register_completion_handler",
    "register_completion_requirement",
]
