"""Who may see which course, lesson and enrolment (the courses app's access helpers).

The catalogue and course pages are public for published courses. Lessons are for the learner
enrolled in the course only; everyone else (other learners, trainers, anonymous visitors after
login) gets a 404, never a hint that the lesson exists. Draft courses are 404 for everyone on
the learner pages; staff preview lessons through the admin.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.models import Course, Enrolment, Lesson


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
