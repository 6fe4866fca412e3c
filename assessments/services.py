"""Writes of the assessments app: starting, answering and submitting attempts; survey answers.

Integrity rules live here (views only call these):
- the drawn questions and the order of questions and choices are frozen at the start;
- only choices that belong to the frozen layout are accepted; extra POST fields are never read;
- answers saved after the deadline plus ``GRACE`` do not count;
- a submission grades an attempt exactly once (the attempt row is locked while grading);
- attempts beyond ``Quiz.attempts_allowed`` are refused.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Attempt,
    Choice,
    Question,
    Quiz,
    Response,
    Survey,
    SurveyResponse,
)
from assessments.scoring import likert_score, percentage, question_score
from courses.models import Enrolment

GRACE = timedelta(seconds=30)


class AssessmentError(Exception):
    """A refused action, with a message for the learner."""


@dataclass(frozen=True)
class DrawUnit:
    """Questions that are drawn together: one question, or all questions of a scenario."""

    question_ids: tuple[int, ...]
    category: str


def _units(questions: list[Question]) -> list[DrawUnit]:
    by_scenario: dict[int, list[Question]] = {}
    units: list[DrawUnit] = []
    for question in questions:
        if question.scenario_id:
            by_scenario.setdefault(question.scenario_id, []).append(question)
        else:
            units.append(DrawUnit((question.pk,), question.category))
    for scenario_questions in by_scenario.values():
        units.append(
            DrawUnit(tuple(q.pk for q in scenario_questions), scenario_questions[0].category)
        )
    return units


def _draw(units: list[DrawUnit], count: int, rng: random.Random) -> list[DrawUnit]:
    """Draw units at random until ``count`` questions; a scenario never overshoots the count
    unless nothing else fits."""
    pool = units[:]
    rng.shuffle(pool)
    chosen: list[DrawUnit] = []
    total = 0
    for unit in pool:
        if total + len(unit.question_ids) <= count:
            chosen.append(unit)
            total += len(unit.question_ids)
        if total == count:
            break
    return chosen


def draw_layout(*, quiz: Quiz, rng: random.Random | None = None) -> list[dict]:
    """The frozen layout of a new attempt: [{"q": question id, "c": [choice ids]}, ...]."""
    rng = rng or random.SystemRandom()
    questions = list(
        quiz.questions.filter(is_active=True)
        .order_by("position")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
    )
    units = _units(questions)
    if quiz.per_category:
        chosen: list[DrawUnit] = []
        for category, count in quiz.per_category.items():
            chosen += _draw([u for u in units if u.category == category], int(count), rng)
    else:
        chosen = _draw(units, quiz.questions_per_attempt, rng)
    if quiz.shuffle:
        rng.shuffle(chosen)
    else:
        order = {q.pk: q.position for q in questions}
        chosen.sort(key=lambda unit: order[unit.question_ids[0]])
    by_id = {q.pk: q for q in questions}
    layout = []
    for unit in chosen:
        for question_id in unit.question_ids:
            choice_ids = [c.pk for c in by_id[question_id].choices.all()]
            if quiz.shuffle and by_id[question_id].type != Question.Type.TRUE_FALSE:
                rng.shuffle(choice_ids)
            layout.append({"q": question_id, "c": choice_ids})
    return layout


def attempts_used(*, quiz: Quiz, enrolment: Enrolment) -> int:
    return Attempt.objects.filter(quiz=quiz, enrolment=enrolment).count()


@transaction.atomic
def attempt_start(
    *, quiz: Quiz, enrolment: Enrolment, now: datetime | None = None, rng=None
) -> Attempt:
    """Resume the open attempt, or start a new one if attempts remain."""
    now = now or timezone.now()
    # Serialise starts of one learner so two tabs cannot both open attempt n+1.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, enrolment=enrolment, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if not _expired(open_attempt, now):
            return open_attempt
        _grade(open_attempt, now)
    used = attempts_used(quiz=quiz, enrolment=enrolment)
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise AssessmentError(_("You have used all attempts for this quiz."))
    if Attempt.objects.filter(quiz=quiz, enrolment=enrolment, passed=True).exists() and (
        quiz.kind == Quiz.Kind.FINAL
    ):
        raise AssessmentError(_("You have already passed this quiz."))
    layout = draw_layout(quiz=quiz, rng=rng)
    if not layout:
        raise AssessmentError(_("This quiz has no questions yet."))
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                enrolment=enrolment,
                user_id=enrolment.user_id,
                number=used + 1,
                layout=layout,
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError:
        return Attempt.objects.get(
            quiz=quiz, enrolment=enrolment, status=Attempt.Status.IN_PROGRESS
        )


def _expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def attempt_expired(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """True once the time limit plus ``GRACE`` has passed: answers no longer count."""
    return _expired(attempt, now or timezone.now())


def _layout_choices(attempt: Attempt, question_id: int) -> list[int] | None:
    for entry in attempt.layout:
        if entry["q"] == question_id:
            return entry["c"]
    return None


@transaction.atomic
def response_save(
    *,
    attempt: Attempt,
    question_id: int,
    choice_ids: list[int],
    now: datetime | None = None,
) -> Response:
    """Save (or replace) the answer to one question of an open attempt."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise AssessmentError(_("This attempt has already been submitted."))
    if _expired(attempt, now):
        raise AssessmentError(_("The time for this attempt is up; this answer does not count."))
    allowed = _layout_choices(attempt, question_id)
    if allowed is None:
        raise AssessmentError(_("This question is not part of your attempt."))
    selected = sorted({int(c) for c in choice_ids})
    if any(c not in allowed for c in selected):
        raise AssessmentError(_("Choose one of the answers shown."))
    question_type = Question.objects.filter(pk=question_id).values_list("type", flat=True).first()
    if question_type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE) and len(selected) > 1:
        raise AssessmentError(_("Choose one answer."))
    if attempt.quiz.kind == Quiz.Kind.CHECK and not selected:
        # checking reveals the explanation and locks the answer: never for an empty answer
        raise AssessmentError(_("Choose an answer first."))
    if (
        attempt.quiz.kind == Quiz.Kind.CHECK
        and Response.objects.filter(attempt=attempt, question_id=question_id).exists()
    ):
        raise AssessmentError(_("You have already checked this answer."))
    response, _created = Response.objects.update_or_create(
        attempt=attempt,
        question_id=question_id,
        defaults={"selected": selected, "answered_at": now},
    )
    return response


def _grade(attempt: Attempt, now: datetime) -> Attempt:
    """Score an attempt that the caller has locked. Answers after the deadline never count."""
    question_ids = [entry["q"] for entry in attempt.layout]
    correct: dict[int, list[int]] = {}
    meta: dict[int, tuple[str, str]] = {}
    for question in Question.objects.filter(pk__in=question_ids).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.filter(is_correct=True), to_attr="right")
    ):
        correct[question.pk] = [c.pk for c in question.right]
        meta[question.pk] = (question.type, question.scoring)
    responses = list(attempt.responses.all())
    cutoff = attempt.deadline + GRACE if attempt.deadline else None
    scores = []
    for response in responses:
        if cutoff is not None and response.answered_at > cutoff:
            response.score = 0.0
        else:
            question_type, scoring = meta[response.question_id]
            response.score = question_score(
                question_type=question_type,
                scoring=scoring,
                correct_ids=correct[response.question_id],
                selected_ids=response.selected,
            )
        scores.append(response.score)
    Response.objects.bulk_update(responses, ["score"])
    attempt.score = percentage(scores, len(question_ids))
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
    if attempt.passed and attempt.quiz.kind == Quiz.Kind.FINAL:
        from courses.services.learning import enrolment_check_completion

        enrolment_check_completion(enrolment=attempt.enrolment)
    return attempt


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade an open attempt once. A second, concurrent submit waits for the lock and then
    returns the already graded attempt unchanged."""
    now = now or timezone.now()
    locked = (
        Attempt.objects.select_for_update().select_related("quiz", "enrolment").get(pk=attempt.pk)
    )
    if locked.status == Attempt.Status.SUBMITTED:
        return locked
    return _grade(locked, now)


def final_quiz_passed(enrolment: Enrolment) -> bool:
    """Completion requirement registered with the courses app: a course with a final quiz is
    complete only once that quiz is passed."""
    quiz = Quiz.objects.filter(course_id=enrolment.course_id, kind=Quiz.Kind.FINAL).first()
    if quiz is None:
        return True
    return Attempt.objects.filter(quiz=quiz, enrolment=enrolment, passed=True).exists()


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    enrolment: Enrolment,
    phase: str,
    answers: dict[str, int] | None,
) -> SurveyResponse:
    """Store one phase of the attitude questionnaire, or that the learner skipped it.
    Answering again is refused: a phase is answered once."""
    if phase not in SurveyResponse.Phase.values:
        raise AssessmentError(_("Unknown questionnaire phase."))
    if phase == SurveyResponse.Phase.POST and enrolment.completed_at is None:
        raise AssessmentError(_("The second questionnaire opens after you complete the course."))
    items = list(survey.items.filter(is_active=True))
    if answers is None:
        score, clean, skipped = None, {}, True
    else:
        slugs = {item.slug for item in items}
        clean = {slug: int(value) for slug, value in answers.items() if slug in slugs}
        if set(clean) != slugs or any(not 1 <= value <= 5 for value in clean.values()):
            raise AssessmentError(_("Answer every statement with a number from 1 to 5."))
        score = likert_score(clean, {item.slug for item in items if item.reverse})
        skipped = False
    response, created = SurveyResponse.objects.get_or_create(
        survey=survey,
        enrolment=enrolment,
        phase=phase,
        defaults={"answers": clean, "score": score, "skipped": skipped},
    )
    if not created:
        raise AssessmentError(_("You have already answered this questionnaire."))
    return response
