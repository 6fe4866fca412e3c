"""Read-only review pages for an accrediting body's assessor (``CourseReviewer``).

A reviewer opens the course's modules and active lessons without an enrolment. These views only
read: no enrolment, no lesson progress, no opened-at or study time is written, so nothing a
reviewer does counts in any figure. Access: ``courses.access.may_review_course`` (reviewers of
this course while their access lasts, accreditation administrators and staff); everyone else
gets a 404. The whole question bank is in the assessments app
(``assessments:question_bank``), linked when that app is installed.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from courses import queries
from courses.access import get_reviewable_course_or_404, review_status_refresh
from courses.models import Course, CourseReviewer, Lesson
from organisations.permissions import is_accreditation_admin


@dataclass(frozen=True)
class ReviewEntry:
    course: Course
    on_behalf_of: str = ""
    valid_until: date | None = None


def _review_entries(user) -> list[ReviewEntry]:
    """The courses the person may review today: all courses for accreditation administrators
    and staff, else their own reviewer rows (and the navigation's cache is refreshed)."""
    if is_accreditation_admin(user):
        return [ReviewEntry(course) for course in Course.objects.order_by("theme", "title_nl")]
    rows = list(
        CourseReviewer.objects.filter(user=user)
        .select_related("course")
        .order_by("course__theme", "course__title_nl")
    )
    review_status_refresh(user.pk, valid_until=[row.valid_until for row in rows])
    today = timezone.localdate()
    return [
        ReviewEntry(row.course, row.on_behalf_of, row.valid_until)
        for row in rows
        if row.valid_until is None or row.valid_until >= today
    ]


@login_required
def review_list(request):
    entries = _review_entries(request.user)
    if not entries and not is_accreditation_admin(request.user):
        raise Http404
    return render(request, "courses/reviewer/review_list.html", {"entries": entries})


@login_required
def course_review(request, slug):
    course = get_reviewable_course_or_404(request.user, slug)
    outline = queries.course_outline(course=course, enrolment=None)
    return render(
        request, "courses/reviewer/course_review.html", {"course": course, "outline": outline}
    )


@login_required
def lesson_review(request, slug, lesson_slug):
    course = get_reviewable_course_or_404(request.user, slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module"), course=course, slug=lesson_slug, is_active=True
    )
    page = queries.lesson_preview_page(lesson=lesson)  # active lessons only: this one is active
    return render(
        request,
        "courses/reviewer/lesson_review.html",
        {"course": course, "lesson": lesson, "page": page},
    )
