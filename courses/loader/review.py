"""When a course is due for review (``reviewed_on`` + ``review_every_months`` in course.yaml).

A course is due on the same day of the month ``review_every_months`` after ``reviewed_on``
(31 January + 1 month is 28 or 29 February) and overdue from the day after. A course without
``reviewed_on`` has never been reviewed: the loader says nothing about it (the key is
optional), the content authors' list "Courses due for review" shows it first. Lessons have no
review date of their own: they are reviewed with their course and share its date.
"""

import calendar
from datetime import date

from django.utils import timezone

from courses.loader.yamlio import LoaderError, relative_name


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, kept within the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(reviewed_on: date | None, every_months: int) -> date | None:
    """The day the next review is due, or None for a course that was never reviewed."""
    if reviewed_on is None:
        return None
    return add_months(reviewed_on, every_months)


def is_overdue(reviewed_on: date | None, every_months: int, *, today: date) -> bool:
    """Never reviewed, or the review date has passed."""
    due = review_due_on(reviewed_on, every_months)
    return due is None or due < today


def overdue_review_warnings(spec, root, *, today: date | None = None) -> list[LoaderError]:
    """A warning (never an error) for a course whose ``reviewed_on`` lies too long ago."""
    today = today or timezone.localdate()
    due = review_due_on(spec.reviewed_on, spec.review_every_months)
    if due is None or due >= today:
        return []
    return [
        LoaderError(
            relative_name(spec.directory / "course.yaml", root),
            spec.data.line_of("reviewed_on"),
            f"overdue for review since {due.isoformat()} (last reviewed "
            f"{spec.reviewed_on.isoformat()}, every {spec.review_every_months} months): check "
            "the content against its sources, then update 'reviewed_on'",
            warning=True,
        )
    ]
