"""Quiz, attempt, review, questionnaire and item-statistics pages (thin views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.access import (
    can_view_item_statistics,
    get_attempt_for_user,
    get_enrolment_for_user,
    get_quiz_for_learner,
)
from assessments.forms import SurveyForm
from assessments.loader import SURVEY_SLUG
from assessments.models import Attempt, Quiz, Survey, SurveyResponse
from assessments.queries import attempt_items, item_statistics
from courses.models import Course


def _choice_ids(request, question_id: int) -> list[int]:
    """The choices picked for one question; only the field of that question is read."""
    values = request.POST.getlist(f"q{question_id}")
    try:
        return [int(value) for value in values]
    except ValueError as exc:
        raise services.AssessmentError(_("Choose one of the answers shown.")) from exc


@login_required
def quiz_detail(request, quiz_id: int):
    quiz, enrolment = get_quiz_for_learner(request.user, quiz_id)
    attempts = list(Attempt.objects.filter(quiz=quiz, enrolment=enrolment).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    passed = any(a.passed for a in attempts)
    remaining = None if quiz.attempts_allowed is None else quiz.attempts_allowed - len(attempts)
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "attempts": attempts,
            "open_attempt": open_attempt,
            "passed": passed,
            "remaining": remaining,
            "question_count": quiz.questions_per_attempt,
        },
    )


@login_required
@require_POST
def attempt_start(request, quiz_id: int):
    quiz, enrolment = get_quiz_for_learner(request.user, quiz_id)
    try:
        attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessments:quiz", quiz_id=quiz.pk)
    return redirect("assessments:attempt", attempt_id=attempt.pk)


@login_required
def attempt_detail(request, attempt_id: int):
    attempt = get_attempt_for_user(request.user, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("assessments:review", attempt_id=attempt.pk)
    items = attempt_items(attempt=attempt)
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "items": items,
            "answered": sum(1 for item in items if item.selected),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def answer_save(request, attempt_id: int, question_id: int):
    """Save one answer (htmx, as the learner goes); for knowledge checks this also checks it."""
    attempt = get_attempt_for_user(request.user, attempt_id)
    error = ""
    try:
        choice_ids = _choice_ids(request, question_id)
        services.response_save(attempt=attempt, question_id=question_id, choice_ids=choice_ids)
    except services.AssessmentError as exc:
        error = str(exc)
    if attempt.quiz.kind == Quiz.Kind.CHECK and not error:
        attempt.refresh_from_db()
        if attempt.responses.count() >= len(attempt.layout):
            services.attempt_submit(attempt=attempt)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    items = [i for i in attempt_items(attempt=attempt) if i.question.pk == question_id]
    if not items:
        raise Http404
    partial = "question" if attempt.quiz.feedback == Quiz.Feedback.PER_QUESTION else "status"
    return render(
        request,
        f"assessments/attempt.html#{partial}",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "item": items[0],
            "error": error,
            "saved": not error,
        },
    )


@login_required
@require_POST
def attempt_save_all(request, attempt_id: int):
    """Without JavaScript: save every answered question of the form, then submit or stay."""
    attempt = get_attempt_for_user(request.user, attempt_id)
    if "submit" in request.POST and services.attempt_expired(attempt=attempt):
        # too late to save anything: hand in what was saved in time
        services.attempt_submit(attempt=attempt)
        messages.info(request, _("The time was up: only answers saved in time count."))
        return redirect("assessments:review", attempt_id=attempt.pk)
    errors = []
    for entry in attempt.layout:
        try:
            choice_ids = _choice_ids(request, entry["q"])
            if not choice_ids:
                continue
            services.response_save(attempt=attempt, question_id=entry["q"], choice_ids=choice_ids)
        except services.AssessmentError as exc:
            errors.append(str(exc))
            break
    if errors:
        messages.error(request, errors[0])
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    if "submit" in request.POST:
        services.attempt_submit(attempt=attempt)
        return redirect("assessments:review", attempt_id=attempt.pk)
    messages.success(request, _("Your answers have been saved."))
    return redirect("assessments:attempt", attempt_id=attempt.pk)


@login_required
def attempt_review(request, attempt_id: int):
    attempt = get_attempt_for_user(request.user, attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    remaining_attempts = attempt.quiz.attempts_allowed is None or (
        Attempt.objects.filter(quiz=attempt.quiz, enrolment=attempt.enrolment).count()
        < attempt.quiz.attempts_allowed
    )
    return render(
        request,
        "assessments/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "items": attempt_items(attempt=attempt, reveal_all=True),
            "can_retry": not attempt.passed and remaining_attempts,
        },
    )


@login_required
def survey(request, course_slug: str, phase: str):
    course = get_object_or_404(Course, slug=course_slug, status=Course.Status.PUBLISHED)
    enrolment = get_enrolment_for_user(request.user, course)
    questionnaire = Survey.objects.filter(slug=SURVEY_SLUG).first()
    if questionnaire is None or phase not in SurveyResponse.Phase.values:
        raise Http404
    already = SurveyResponse.objects.filter(
        survey=questionnaire, enrolment=enrolment, phase=phase
    ).exists()
    items = list(questionnaire.items.filter(is_active=True))
    form = SurveyForm(request.POST or None, items=items)
    if request.method == "POST" and not already:
        skip = "skip" in request.POST
        if skip or form.is_valid():
            try:
                services.survey_answer(
                    survey=questionnaire,
                    enrolment=enrolment,
                    phase=phase,
                    answers=None if skip else form.answers(),
                )
            except services.AssessmentError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("You skipped the questionnaire.")
                    if skip
                    else _("Thank you for your answers."),
                )
                return redirect("courses:course", slug=course.slug)
    return render(
        request,
        "assessments/survey.html",
        {
            "course": course,
            "survey": questionnaire,
            "form": form,
            "phase": phase,
            "already": already,
        },
    )


@login_required
def quiz_statistics(request, quiz_id: int):
    if not can_view_item_statistics(request.user):
        raise Http404
    quiz = get_object_or_404(Quiz.objects.select_related("course", "lesson"), pk=quiz_id)
    return render(
        request,
        "assessments/statistics.html",
        {"quiz": quiz, "course": quiz.course, "rows": item_statistics(quiz=quiz)},
    )


@login_required
def statistics_index(request):
    if not can_view_item_statistics(request.user):
        raise Http404
    quizzes = Quiz.objects.select_related("course", "lesson").order_by("course__title_nl", "kind")
    return render(request, "assessments/statistics_index.html", {"quizzes": quizzes})
