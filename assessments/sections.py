"""What the assessments app adds to the learner pages of the courses app.

After a renewal only the attempts of the current round count (``services.in_current_round``):
the sections show those, the earlier ones stay in the database as history."""

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Subquery

from assessments.loader import SURVEY_SLUG
from assessments.models import Attempt, ExtraAttempt, Quiz, Survey, SurveyResponse


def _this_round(attempts, enrolment):
    """Only the attempts started since the enrolment's renewal, if it was renewed."""
    if enrolment.restarted_at is None:
        return attempts
    return attempts.filter(started_at__gte=enrolment.restarted_at)


def _survey_id() -> int | None:
    """The questionnaire changes only when the catalogue is loaded (which clears this key):
    cache its id briefly. A missing questionnaire is not cached, so one added later shows."""
    survey_id = cache.get("assessments:survey-id")
    if not survey_id:
        survey_id = Survey.objects.filter(slug=SURVEY_SLUG).values_list("pk", flat=True).first()
        if survey_id:
            cache.set("assessments:survey-id", survey_id, 300)
    return survey_id or None


def course_page_section(request, course, enrolment):
    """The final quiz (status, best score, link) and the attitude questionnaire prompts.
    At most three queries: the quiz with this learner's attempts, and the survey answers."""
    quizzes = Quiz.objects.filter(course=course, kind=Quiz.Kind.FINAL)
    if enrolment is not None:
        quizzes = quizzes.prefetch_related(
            Prefetch(
                "attempts",
                queryset=_this_round(
                    Attempt.objects.filter(enrolment=enrolment), enrolment
                ).order_by("-number"),
                to_attr="learner_attempts",
            )
        )
    quiz = quizzes.first()
    survey = _survey_id()
    if quiz is None and survey is None:
        return None
    attempts = getattr(quiz, "learner_attempts", []) if quiz is not None else []
    answered_phases: set[str] = set()
    if enrolment is not None:
        if survey is not None:
            answered_phases = set(
                SurveyResponse.objects.filter(survey_id=survey, enrolment=enrolment).values_list(
                    "phase", flat=True
                )
            )
    scores = [a.score for a in attempts if a.score is not None]
    return (
        "assessments/sections/course_page.html",
        {
            "course": course,
            "enrolment": enrolment,
            "quiz": quiz,
            "attempts": attempts,
            "passed": any(a.passed for a in attempts),
            "best_score": max(scores) if scores else None,
            "open_attempt": next((a for a in attempts if a.status == "in_progress"), None),
            "survey": survey,
            "offer_pre": survey is not None
            and enrolment is not None
            and "pre" not in answered_phases
            and enrolment.lessons_completed == 0,
            "offer_post": survey is not None
            and enrolment is not None
            and enrolment.completed_at is not None
            and "post" not in answered_phases,
        },
    )


def lesson_page_section(request, lesson, enrolment):
    """A lesson's knowledge check: a link to start it, or its result (one query)."""
    quizzes = Quiz.objects.filter(lesson=lesson, kind=Quiz.Kind.CHECK)
    if enrolment is not None:
        last = _this_round(
            Attempt.objects.filter(quiz=OuterRef("pk"), enrolment=enrolment), enrolment
        ).order_by("-number")
        quizzes = quizzes.annotate(
            last_attempt_id=Subquery(last.values("pk")[:1]),
            last_status=Subquery(last.values("status")[:1]),
            last_score=Subquery(last.values("score")[:1]),
        )
    quiz = quizzes.first()
    if quiz is None:
        return None
    last_attempt = None
    if getattr(quiz, "last_attempt_id", None):
        last_attempt = {
            "pk": quiz.last_attempt_id,
            "status": quiz.last_status,
            "score": quiz.last_score,
        }
    return ("assessments/sections/lesson_page.html", {"quiz": quiz, "last": last_attempt})


def trainer_learner_section(request, learner, enrolments):
    """On a trainer's page of one learner: the final quiz of each course (attempts used and
    allowed, passed or not) and, for a learner who used every attempt, a button to grant one
    more. Three queries, whatever the number of courses."""
    from assessments.services import Allowance, in_current_round
    from organisations.permissions import can_grant_extra_attempt

    by_course = {enrolment.course_id: enrolment for enrolment in enrolments}
    if not by_course:
        return None
    quizzes = list(
        Quiz.objects.filter(course_id__in=list(by_course), kind=Quiz.Kind.FINAL)
        .select_related("course")
        .order_by("course__title_nl")
    )
    if not quizzes:
        return None
    by_quiz = {quiz.pk: by_course[quiz.course_id] for quiz in quizzes}
    attempts: dict[int, list] = {}
    for attempt in Attempt.objects.filter(
        quiz__in=quizzes, enrolment__in=list(by_course.values())
    ).only("pk", "quiz_id", "status", "passed", "score", "started_at", "submitted_at"):
        if in_current_round(attempt.started_at, by_quiz[attempt.quiz_id]):
            attempts.setdefault(attempt.quiz_id, []).append(attempt)
    extras: dict[int, int] = {}
    for quiz_id, granted_at in ExtraAttempt.objects.filter(
        quiz__in=quizzes, enrolment__in=list(by_course.values())
    ).values_list("quiz_id", "granted_at"):
        if in_current_round(granted_at, by_quiz[quiz_id]):
            extras[quiz_id] = extras.get(quiz_id, 0) + 1
    may_grant = can_grant_extra_attempt(request.user, learner)
    rows = []
    for quiz in quizzes:
        own = attempts.get(quiz.pk, [])
        allowance = Allowance(
            used=len(own),
            allowed=None
            if quiz.attempts_allowed is None
            else quiz.attempts_allowed + extras.get(quiz.pk, 0),
            passed=any(a.passed for a in own),
            open_attempt=next((a for a in own if a.status == Attempt.Status.IN_PROGRESS), None),
            next_start_at=None,
        )
        scores = [a.score for a in own if a.score is not None]
        rows.append(
            {
                "quiz": quiz,
                "allowance": allowance,
                "best_score": max(scores) if scores else None,
                "can_grant": may_grant and allowance.exhausted and not allowance.passed,
            }
        )
    return (
        "assessments/sections/trainer_learner.html",
        {"learner": learner, "rows": rows, "next": request.get_full_path()},
    )
