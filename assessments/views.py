"""Quiz, attempt, review, questionnaire and item-statistics pages (thin views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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
from courses.models import Course, Enrolment, Lesson
from organisations.permissions import can_grant_extra_attempt


def _positions(request, question_id: int) -> list[int]:
    """The positions picked for one question; only the field of that question is read."""
    values = request.POST.getlist(f"q{question_id}")
    try:
        return [int(value) for value in values]
    except ValueError as exc:
        raise services.AssessmentError(_("Choose one of the answers shown.")) from exc


@login_required
def quiz_detail(request, quiz_id: int):
    quiz, enrolment = get_quiz_for_learner(request.user, quiz_id)
    allowance = services.attempt_allowance(quiz=quiz, enrolment=enrolment)
    attempts = list(Attempt.objects.filter(quiz=quiz, enrolment=enrolment).order_by("number"))
    now = timezone.now()
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "attempts": attempts,
            "allowance": allowance,
            "open_attempt": allowance.open_attempt,
            "passed": allowance.passed,
            "remaining": allowance.remaining,
            "can_start": allowance.can_start(now),
            "wait_until": allowance.next_start_at
            if allowance.next_start_at and now < allowance.next_start_at
            else None,
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
    items = _with_answer_urls(attempt, attempt_items(attempt=attempt))
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "items": items,
            "answered": sum(1 for item in items if item.answered),
            "now": timezone.now(),
            **_check_links(attempt),
        },
    )


def _with_answer_urls(attempt, items):
    """Each question's answer URL, reversed once for the page rather than once per question."""
    base = reverse("assessments:answer", args=[attempt.pk, 0]).removesuffix("0/")
    for item in items:
        item.answer_url = f"{base}{item.key}/"
    return items


def _check_links(attempt) -> dict:
    """After a knowledge check: back to its lesson and on to the next one."""
    if attempt.quiz.kind != Quiz.Kind.CHECK or attempt.quiz.lesson is None:
        return {}
    lesson = attempt.quiz.lesson
    following = (
        Lesson.objects.filter(
            course_id=lesson.course_id, is_active=True, position__gt=lesson.position
        )
        .order_by("position")
        .only("slug", "title_nl", "title_en")
        .first()
    )
    return {"check_lesson": lesson, "next_lesson": following}


@login_required
@require_POST
def answer_save(request, attempt_id: int, question_id: int):
    """Save one answer (htmx, as the learner goes); for knowledge checks this also checks it.
    Only the question that changed is rendered: its save status, or (knowledge check) the
    checked question with its feedback."""
    attempt = get_attempt_for_user(request.user, attempt_id)
    error = ""
    try:
        positions = _positions(request, question_id)
        services.response_save(attempt=attempt, question_id=question_id, positions=positions)
    except services.AssessmentError as exc:
        error = str(exc)
    is_check = attempt.quiz.kind == Quiz.Kind.CHECK
    if is_check and not error and attempt.responses.count() >= len(attempt.layout):
        attempt = services.attempt_submit(attempt=attempt)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    context = {"attempt": attempt, "quiz": attempt.quiz, "error": error, "saved": not error}
    if not is_check:
        if services.layout_entry(attempt, question_id) is None:
            raise Http404
        context["item"] = {"key": str(question_id)}
        return render(request, "assessments/attempt.html#status", context)
    items = _with_answer_urls(attempt, attempt_items(attempt=attempt, question_id=question_id))
    if not items:
        raise Http404
    context |= {"item": items[0], "course": attempt.quiz.course, **_check_links(attempt)}
    context["check_done"] = attempt.status == Attempt.Status.SUBMITTED
    return render(request, "assessments/attempt.html#question", context)


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
            positions = _positions(request, entry["q"])
            if not positions:
                continue
            services.response_save(attempt=attempt, question_id=entry["q"], positions=positions)
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
    """Score and explanations. The right choices of a final quiz show only once the learner
    has passed it: before that, a failed attempt shows which questions were wrong, the
    explanation and the lesson to reread, never the key (attempts are few and draw afresh)."""
    attempt = get_attempt_for_user(request.user, attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    allowance = services.attempt_allowance(quiz=quiz, enrolment=attempt.enrolment)
    show_key = quiz.kind == Quiz.Kind.CHECK or allowance.passed
    now = timezone.now()
    return render(
        request,
        "assessments/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.course,
            "items": attempt_items(attempt=attempt, review=True, show_key=show_key),
            "show_key": show_key,
            "allowance": allowance,
            "can_retry": not attempt.passed and allowance.can_start(now),
            "wait_until": allowance.next_start_at
            if not allowance.passed
            and not allowance.exhausted
            and allowance.next_start_at
            and now < allowance.next_start_at
            else None,
            **_check_links(attempt),
        },
    )


@login_required
@require_POST
def extra_attempt_grant(request, quiz_id: int, user_id: int):
    """A trainer or admin of the learner's organisation grants one more final-quiz attempt."""
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("user", "organisation"),
        course=quiz.course,
        user_id=user_id,
    )
    if not can_grant_extra_attempt(request.user, enrolment.user):
        raise Http404
    try:
        services.extra_attempt_grant(
            quiz=quiz, enrolment=enrolment, granted_by=request.user, request=request
        )
    except services.AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s can try the final quiz once more, starting now.")
            % {"name": enrolment.user.name or enrolment.user.email},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = reverse("trainer:home")
    return redirect(target)


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
