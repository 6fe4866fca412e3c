"""Who may see which course, lesson and enrolment (the courses app's access helpers).

The catalogue and course pages are public for published courses. Lessons are for the learner
enrolled in the course only; everyone else (other learners, trainers, anonymous visitors after
login) gets a 404, never a hint that the lesson exists. Draft courses are 404 for everyone on
the learner pages; staff preview lessons through the admin.

Course reviewers (``CourseReviewer``, an accrediting body's assessor) read a course without an
enrolment through :func:`may_review_course`; see the section at the end.
"""

from datetime import date

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Course, CourseReviewer, Enrolment, Lesson
from organisations.permissions import is_accreditation_admin


def get_published_course_or_404(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug, status=Course.Status.PUBLISHED)


def get_enrolment_for_user(user, course: Course) -> Enrolment | None:
    """The user's enrolment in ``course``, or None (also for anonymous visitors)."""
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def get_enrolment_or_404(user, course_slug: str) -> Enrolment:
    """The user's own enrolment in the published course ``course_slug`` (course selected)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Enrolment.objects.select_related("course"),
        user=user,
        course__slug=course_slug,
        course__status=Course.Status.PUBLISHED,
    )


def get_active_lesson_or_404(enrolment: Enrolment, lesson_slug: str) -> Lesson:
    return get_object_or_404(
        Lesson.objects.defer("body_nl", "body_en"),
        course_id=enrolment.course_id,
        slug=lesson_slug,
        is_active=True,
    )


def can_preview_lessons(user) -> bool:
    """Staff who may read lessons in the admin (content authors, platform staff)."""
    return bool(user.is_active and user.is_staff and user.has_perm("courses.view_lesson"))


# --- course reviewers (an accrediting body's assessor) -----------------------------------------
#
# A reviewer reads a course without an enrolment: every active lesson and, in the assessments
# app, the whole question bank with its answer key. Nothing they open is recorded, so nothing
# counts in progress figures or statistics. Staff and accreditation administrators may open the
# same pages (to check what an assessor sees). Draft courses too: a body assesses a course
# before it is offered. Everyone else gets a 404.

REVIEWER_CACHE_KEY = "courses:reviews-until:{user_id}"
REVIEWER_CACHE_SECONDS = 30 * 24 * 3600
_NO_REVIEWS = "none"
_OPEN_ENDED = "open"


def active_reviewer_rows(user, *, today: date | None = None) -> QuerySet:
    """The person's reviewer rows that give access today (``valid_until`` empty or not past)."""
    today = today or timezone.localdate()
    return CourseReviewer.objects.filter(user=user).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def may_review_course(user, course: Course) -> bool:
    """Whether ``user`` may open the read-only review pages of ``course``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_accreditation_admin(user):  # accreditation administrators and staff
        return True
    return active_reviewer_rows(user).filter(course=course).exists()


def get_reviewable_course_or_404(user, slug: str) -> Course:
    course = get_object_or_404(Course, slug=slug)
    if not may_review_course(user, course):
        raise Http404
    return course


def _status_value(rows: list) -> str:
    """What the reviewer cache stores: no rows, open-ended access, or the last day of access."""
    if not rows:
        return _NO_REVIEWS
    if any(until is None for until in rows):
        return _OPEN_ENDED
    return max(rows).isoformat()


def _reviews_on(value: str, today: date) -> bool:
    if value == _NO_REVIEWS:
        return False
    return value == _OPEN_ENDED or date.fromisoformat(value) >= today


def review_status_refresh(user_id: int, *, valid_until: list | None = None) -> bool:
    """Read (or take) the ``valid_until`` of the person's reviewer rows, store the summary in the
    cache for the navigation, and say whether they review a course today. Called at login (the
    start page), on the "Courses to review" page and when the admin changes reviewer rows."""
    if valid_until is None:
        valid_until = list(
            CourseReviewer.objects.filter(user_id=user_id).values_list("valid_until", flat=True)
        )
    value = _status_value(valid_until)
    cache.set(REVIEWER_CACHE_KEY.format(user_id=user_id), value, REVIEWER_CACHE_SECONDS)
    return _reviews_on(value, timezone.localdate())


def reviews_courses_cached(user) -> bool:
    """Whether the person reviews a course today, from the cache only (no query: the header
    shows "Courses to review" on every page). Unknown counts as no until the next refresh."""
    if user is None or not user.is_authenticated:
        return False
    value = cache.get(REVIEWER_CACHE_KEY.format(user_id=user.pk))
    return value is not None and _reviews_on(value, timezone.localdate())
