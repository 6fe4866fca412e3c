"""Content authors' page "Courses due for review".

A course is due when it was never reviewed (no ``reviewed_on`` in course.yaml) or when
``reviewed_on`` + ``review_every_months`` lies before today (``courses.loader.review``). Lessons
have no review date of their own: they are reviewed with their course, so each due course lists
its active lessons. Oldest first: never-reviewed courses, then by the day the review fell due.
Two queries, however many courses and lessons there are.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from courses.loader.review import is_overdue, review_due_on
from courses.models import Course, Lesson
from organisations.permissions import is_content_author, is_staff


@dataclass(frozen=True)
class DueCourse:
    course: Course
    due_on: date | None  # None: never reviewed
    lessons: list[Lesson]


def due_for_review(*, today: date) -> list[DueCourse]:
    """The courses (with their lessons) that are due for review on ``today``, oldest first."""
    courses = Course.objects.prefetch_related(
        Prefetch(
            "lessons",
            queryset=Lesson.objects.filter(is_active=True).order_by("position"),
            to_attr="active_lessons",
        )
    ).order_by("slug")
    due = [
        DueCourse(
            course=course,
            due_on=review_due_on(course.reviewed_on, course.review_every_months),
            lessons=course.active_lessons,
        )
        for course in courses
        if is_overdue(course.reviewed_on, course.review_every_months, today=today)
    ]
    return sorted(due, key=lambda row: (row.due_on is not None, row.due_on or today))


@login_required
def review_due(request):
    if not (is_content_author(request.user) or is_staff(request.user)):
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "courses/review_due.html",
        {"rows": due_for_review(today=today), "today": today},
    )
