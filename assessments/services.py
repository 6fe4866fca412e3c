"""Writes of the assessments app: starting, answering and submitting attempts; extra attempts;
survey answers.

Integrity rules live here (views only call these):
- the drawn questions and the order of questions and choices are frozen at the start
  (``Attempt.layout``); the page names a choice only by its position in that frozen, shuffled
  order, so nothing it carries tells a right choice from a wrong one, nor the file order;
- only positions that exist in the frozen layout are accepted; extra POST fields are never read;
- answers saved after the deadline plus ``GRACE`` do not count;
- a submission grades an attempt exactly once (the attempt row is locked while grading), and
  an answer saved at the same moment is either graded or refused;
- attempts beyond ``Quiz.attempts_allowed`` plus the extra attempts granted are refused, and
  after a failed attempt the next opens ``Quiz.retry_after_hours`` later (an extra attempt
  opens at once); every attempt draws afresh;
- after a renewal (``Enrolment.restarted_at``, see ``courses.services.renewal``) only the
  attempts started and the extra attempts granted since then count, for the limit, for
  "passed" and for the waiting time (:func:`in_current_round`); older ones stay as history.
"""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from assessments.draw import DrawUnit, draw_units
from assessments.models import (
    Attempt,
    Choice,
    ExtraAttempt,
    Question,
    Quiz,
    Response,
    Survey,
    SurveyResponse,
)
from assessments.scoring import likert_score, percentage, question_score
from courses.models import Enrolment
from courses.services import enrolment_final_quiz_passed
from organisations.permissions import organisation_acting_for

GRACE = timedelta(seconds=30)


class AssessmentError(Exception):
    """A refused action, with a message for the learner."""


def _units(questions: list[Question]) -> list[DrawUnit]:
    """Single questions in bank order, then each scenario's questions together (the same
    order as ``assessments.guessing.bank_units``, which computes guessing odds exactly)."""
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


def draw_layout(*, quiz: Quiz, rng: random.Random | None = None) -> list[dict]:
    """The frozen layout of a new attempt: [{"q": question id, "t": type, "c": [choice ids in
    the order shown]}, ...]. Choices are always shuffled (true/false keeps "true" first), so
    a choice's position says nothing about the file order; ``Quiz.shuffle`` decides whether
    the questions are shuffled too."""
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
            chosen += draw_units([u for u in units if u.category == category], int(count), rng)
    else:
        chosen = draw_units(units, quiz.questions_per_attempt, rng)
    if quiz.shuffle:
        rng.shuffle(chosen)
    else:
        order = {q.pk: q.position for q in questions}
        chosen.sort(key=lambda unit: order[unit.keys[0]])
    by_id = {q.pk: q for q in questions}
    layout = []
    for unit in chosen:
        for question_id in unit.keys:
            question = by_id[question_id]
            choice_ids = [c.pk for c in question.choices.all()]
            if question.type != Question.Type.TRUE_FALSE:
                rng.shuffle(choice_ids)
            layout.append({"q": question_id, "t": question.type, "c": choice_ids})
    return layout


def in_current_round(moment: datetime, enrolment: Enrolment) -> bool:
    """Whether an attempt started (or an extra attempt was granted) at ``moment`` belongs to
    the enrolment's current round: a renewal starts a new one."""
    return enrolment.restarted_at is None or moment >= enrolment.restarted_at


@dataclass(frozen=True)
class Allowance:
    """Where a learner stands with a quiz: attempts used and allowed, and when the next may
    start (``next_start_at`` is None when it may start now, or never — see ``can_start``)."""

    used: int
    allowed: int | None  # None: unlimited
    passed: bool
    open_attempt: Attempt | None
    next_start_at: datetime | None
    last_number: int = 0  # the highest attempt number so far, earlier rounds included

    @property
    def remaining(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def exhausted(self) -> bool:
        return self.open_attempt is None and self.remaining == 0

    def can_start(self, now: datetime) -> bool:
        if self.open_attempt is not None:
            return True
        if self.passed or self.exhausted:
            return False
        return self.next_start_at is None or now >= self.next_start_at


def attempt_allowance(*, quiz: Quiz, enrolment: Enrolment) -> Allowance:
    """Two queries: the learner's attempts and the extra attempts granted (of the current
    round, see :func:`in_current_round`)."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, enrolment=enrolment)
        .only(
            "pk", "number", "status", "passed", "started_at", "submitted_at", "deadline", "quiz_id"
        )
        .order_by("number")
    )
    last_number = attempts[-1].number if attempts else 0
    attempts = [a for a in attempts if in_current_round(a.started_at, enrolment)]
    extras = [
        granted
        for granted in ExtraAttempt.objects.filter(quiz=quiz, enrolment=enrolment).values_list(
            "granted_at", flat=True
        )
        if in_current_round(granted, enrolment)
    ]
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    passed = quiz.kind == Quiz.Kind.FINAL and any(a.passed for a in attempts)
    allowed = None if quiz.attempts_allowed is None else quiz.attempts_allowed + len(extras)
    next_start_at = None
    submitted = [a for a in attempts if a.submitted_at is not None]
    if submitted and quiz.retry_after_hours and not passed:
        last = max(submitted, key=lambda a: a.submitted_at)
        if not any(granted > last.submitted_at for granted in extras):
            next_start_at = last.submitted_at + timedelta(hours=quiz.retry_after_hours)
    return Allowance(
        used=len(attempts),
        allowed=allowed,
        passed=passed,
        open_attempt=open_attempt,
        next_start_at=next_start_at,
        last_number=last_number,
    )


@transaction.atomic
def attempt_start(
    *, quiz: Quiz, enrolment: Enrolment, now: datetime | None = None, rng=None
) -> Attempt:
    """Resume the open attempt, or start a new one (a fresh draw) if the rules allow it."""
    now = now or timezone.now()
    # Serialise starts of one learner so two tabs cannot both open attempt n+1.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, enrolment=enrolment, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if not _expired(open_attempt, now) and in_current_round(open_attempt.started_at, enrolment):
            return open_attempt
        _grade(open_attempt, now)  # expired, or left open before a renewal: close it
    allowance = attempt_allowance(quiz=quiz, enrolment=enrolment)
    if allowance.passed:
        raise AssessmentError(_("You have already passed this quiz."))
    if allowance.exhausted:
        raise AssessmentError(
            _("You have used all attempts for this quiz. Your trainer can grant you another.")
        )
    if not allowance.can_start(now):
        raise AssessmentError(
            _("You can try again from %(time)s. Use the time to reread the lessons.")
            % {"time": date_format(timezone.localtime(allowance.next_start_at), "j F Y, H:i")}
        )
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
                number=allowance.last_number + 1,
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


def layout_entry(attempt: Attempt, question_id: int) -> dict | None:
    for entry in attempt.layout:
        if entry["q"] == question_id:
            return entry
    return None


def _choices_at(entry: dict, positions: list[int]) -> list[int]:
    """The choice ids at the given positions of the frozen order; an unknown position is
    refused (the page only ever offers 0 … n − 1)."""
    shown = entry["c"]
    if any(not 0 <= position < len(shown) for position in positions):
        raise AssessmentError(_("Choose one of the answers shown."))
    return sorted({shown[position] for position in positions})


def response_save(
    *,
    attempt: Attempt,
    question_id: int,
    positions: list[int],
    now: datetime | None = None,
) -> Response:
    """Save (or replace) the answer to one question of an open attempt. ``positions`` are the
    positions of the picked choices in the frozen order (what the page sends).

    The most frequent write of the platform, so a final-quiz answer is one statement: an
    upsert that only writes while the attempt is still open (see ``_upsert_while_open``). The
    layout and the deadline are fixed at the start, so they are checked on the caller's copy."""
    now = now or timezone.now()
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise AssessmentError(_("This attempt has already been submitted."))
    if _expired(attempt, now):
        raise AssessmentError(_("The time for this attempt is up; this answer does not count."))
    entry = layout_entry(attempt, question_id)
    if entry is None:
        raise AssessmentError(_("This question is not part of your attempt."))
    selected = _choices_at(entry, positions)
    question_type = entry.get("t") or (
        Question.objects.filter(pk=question_id).values_list("type", flat=True).first()
    )
    if question_type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE) and len(selected) > 1:
        raise AssessmentError(_("Choose one answer."))
    if attempt.quiz.kind == Quiz.Kind.CHECK:
        return _check_answer_save(attempt, question_id, selected, now)
    if not _upsert_while_open(attempt.pk, question_id, selected, now):
        raise AssessmentError(_("This attempt has already been submitted."))
    return Response(
        attempt_id=attempt.pk, question_id=question_id, selected=selected, answered_at=now
    )


def _upsert_while_open(attempt_id: int, question_id: int, selected: list[int], now) -> bool:
    """Insert or replace the answer in one statement, only while the attempt is in progress.

    Against a concurrent hand-in (which locks the attempt row ``FOR UPDATE`` while grading):
    on PostgreSQL the ``FOR SHARE`` in the condition waits for the hand-in to commit and then
    sees it submitted, so an answer is either graded or refused, never lost in between; SQLite
    runs one writer at a time (immediate transactions). Returns False when refused. Only table
    names go into the text; the values are parameters."""
    responses, attempts = Response._meta.db_table, Attempt._meta.db_table
    postgres = connection.vendor == "postgresql"
    sql = (
        f"INSERT INTO {responses} (attempt_id, question_id, selected, answered_at) "  # nosec B608
        f"SELECT %s, %s, {'CAST(%s AS jsonb)' if postgres else '%s'}, %s "
        f"WHERE EXISTS (SELECT 1 FROM {attempts} WHERE id = %s AND status = %s"
        f"{' FOR SHARE' if postgres else ''}) "
        "ON CONFLICT (attempt_id, question_id) "
        "DO UPDATE SET selected = excluded.selected, answered_at = excluded.answered_at "
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                attempt_id,
                question_id,
                json.dumps(selected),
                now,
                attempt_id,
                Attempt.Status.IN_PROGRESS.value,
            ],
        )
        return cursor.fetchone() is not None


@transaction.atomic
def _check_answer_save(attempt: Attempt, question_id: int, selected: list[int], now) -> Response:
    """A knowledge-check answer is checked once: it reveals the explanation and locks."""
    status = Attempt.objects.select_for_update().filter(pk=attempt.pk).values("status").get()
    if status["status"] != Attempt.Status.IN_PROGRESS:
        raise AssessmentError(_("This attempt has already been submitted."))
    if not selected:
        raise AssessmentError(_("Choose an answer first."))
    response, created = Response.objects.get_or_create(
        attempt_id=attempt.pk,
        question_id=question_id,
        defaults={"selected": selected, "answered_at": now},
    )
    if not created:  # the attempt row is locked: no race between the check and the insert
        raise AssessmentError(_("You have already checked this answer."))
    return response


def _grade(attempt: Attempt, now: datetime) -> Attempt:
    """Score an attempt that the caller has locked. Answers after the deadline never count.
    Multiple-choice partial credit: see ``assessments.scoring.question_score``."""
    question_ids = [entry["q"] for entry in attempt.layout]
    correct: dict[int, list[int]] = {}
    meta: dict[int, tuple[str, str, int]] = {}
    for question in (
        Question.objects.filter(pk__in=question_ids)
        .annotate(choice_count=Count("choices"))
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.filter(is_correct=True), to_attr="right")
        )
    ):
        correct[question.pk] = [c.pk for c in question.right]
        meta[question.pk] = (question.type, question.scoring, question.choice_count)
    responses = list(attempt.responses.all())
    cutoff = attempt.deadline + GRACE if attempt.deadline else None
    scores = []
    for response in responses:
        if cutoff is not None and response.answered_at > cutoff:
            response.score = 0.0
        else:
            question_type, scoring, choice_count = meta[response.question_id]
            response.score = question_score(
                question_type=question_type,
                scoring=scoring,
                correct_ids=correct[response.question_id],
                selected_ids=response.selected,
                choice_count=choice_count,
            )
        scores.append(response.score)
    Response.objects.bulk_update(responses, ["score"])
    attempt.score = percentage(scores, len(question_ids))
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
    if (
        attempt.passed
        and attempt.quiz.kind == Quiz.Kind.FINAL
        and in_current_round(attempt.started_at, attempt.enrolment)
    ):
        enrolment_final_quiz_passed(enrolment=attempt.enrolment, passed_at=now)
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


@transaction.atomic
def extra_attempt_grant(
    *, quiz: Quiz, enrolment: Enrolment, granted_by, request=None, now: datetime | None = None
) -> ExtraAttempt:
    """Give a learner who used every attempt of a final quiz one more, open at once. Who may
    grant is decided by the caller (``organisations.permissions``); this is audited."""
    now = now or timezone.now()
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    allowance = attempt_allowance(quiz=quiz, enrolment=enrolment)
    if quiz.kind != Quiz.Kind.FINAL or quiz.attempts_allowed is None:
        raise AssessmentError(_("This quiz has no limit on attempts."))
    if allowance.passed:
        raise AssessmentError(_("This learner has already passed the quiz."))
    if not allowance.exhausted:
        raise AssessmentError(_("This learner still has attempts left."))
    extra = ExtraAttempt.objects.create(
        quiz=quiz, enrolment=enrolment, granted_by=granted_by, granted_at=now
    )
    # The event belongs to the organisation in whose name the grant is made (the enrolment's
    # when the granter manages the learner there; a self-enrolment has none), so that it shows
    # in that organisation's audit log.
    audit_record(
        action="extra_attempt",
        request=request,
        actor=granted_by,
        subject_user=enrolment.user,
        organisation=organisation_acting_for(
            granted_by, enrolment.user, preferred=enrolment.organisation
        )
        or enrolment.organisation,
        summary=f"Extra attempt at the final quiz of {quiz.course.slug}",
        data={"quiz": quiz.pk, "course": quiz.course.slug, "enrolment": enrolment.pk},
    )
    return extra


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
