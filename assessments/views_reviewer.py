"""The whole question bank of a course, with the answer key, for course reviewers.

An accrediting body's assessor (``courses.CourseReviewer``), an accreditation administrator or
staff sees every active question of the course's final quiz and knowledge checks: its choices,
which are correct, the feedback per choice, the explanation and the lesson it belongs to. Only
read: no attempt or response is written, so nothing counts in the item statistics. Access is
``courses.access.may_review_course``; everyone else gets a 404. The page is never cached.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from assessments.models import Choice, Question, Quiz
from courses.access import get_reviewable_course_or_404


def question_bank_quizzes(course) -> list[Quiz]:
    """The course's quizzes (knowledge checks of removed lessons left out), final quiz first,
    then the knowledge checks in lesson order, each
    with its active questions (scenario and lesson) and their choices: three queries."""
    questions = (
        Question.objects.filter(is_active=True)
        .select_related("scenario", "lesson")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )
    quizzes = list(
        Quiz.objects.filter(course=course)
        .filter(Q(lesson__isnull=True) | Q(lesson__is_active=True))
        .select_related("lesson")
        .prefetch_related(Prefetch("questions", queryset=questions, to_attr="bank"))
    )
    quizzes.sort(
        key=lambda quiz: (quiz.kind != Quiz.Kind.FINAL, quiz.lesson.position if quiz.lesson else 0)
    )
    return quizzes


@never_cache
@login_required
def question_bank(request, course_slug):
    course = get_reviewable_course_or_404(request.user, course_slug)
    quizzes = question_bank_quizzes(course)
    return render(
        request,
        "assessments/reviewer/question_bank.html",
        {
            "course": course,
            "quizzes": quizzes,
            "question_count": sum(len(quiz.bank) for quiz in quizzes),
        },
    )
