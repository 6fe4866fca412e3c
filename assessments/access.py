"""Who may see which quiz, attempt or statistics page. Others get 404."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import Attempt, Quiz
from courses.models import Course, Enrolment
from organisations.permissions import is_content_author


def get_enrolment_for_user(user, course: Course) -> Enrolment:
    enrolment = Enrolment.objects.filter(user=user, course=course).first()
    if enrolment is None:
        raise Http404
    return enrolment


def get_quiz_for_learner(user, quiz_id: int) -> tuple[Quiz, Enrolment]:
    quiz = get_object_or_404(
        Quiz.objects.select_related("course", "lesson"),
        pk=quiz_id,
        course__status=Course.Status.PUBLISHED,
    )
    return quiz, get_enrolment_for_user(user, quiz.course)


def get_attempt_for_user(user, attempt_id: int) -> Attempt:
    """Only the attempt's owner may see or change it."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "quiz__course", "quiz__lesson", "enrolment"),
        pk=attempt_id,
        user=user,
    )


def can_view_item_statistics(user) -> bool:
    return user.is_authenticated and (user.is_staff or is_content_author(user))
