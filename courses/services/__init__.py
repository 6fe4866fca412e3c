"""Writes of the courses app, split by concern:

- ``learning``: enrolment, lesson progress, the completion rule and completion handlers;
- ``assignments``: assigning courses, reminders.
"""
