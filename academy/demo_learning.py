"""Demo learning records for ``manage.py seed_demo``: assignments, lesson progress, quiz attempts
and attitude answers, so that My learning, the trainer pages and the dashboards show realistic
figures from the first ``make run`` (never in production).

What it makes (``academy.demo`` must have made the organisations, groups and people first, and
``load_catalogue`` the courses; courses that are not loaded are skipped):

- Every demo group gets the courses that fit its sector (``COURSES_BY_KIND``), assigned by the
  organisation's trainer, with a due date that is in the past for about a third of them (so
  there are overdue learners) and in the future for the others. (``academy.demo`` makes the
  trainers members of their groups, so they are enrolled, and counted below, too.)
- Per course, of the people enrolled this way, 40 % have completed it (every lesson, then the
  final quiz passed; a quarter of them failed a first attempt), 35 % are in progress (some
  lessons done; some have done every lesson and failed or not yet taken the quiz) and 25 % have
  not started. About half of the knowledge checks are answered on the way (they are optional).
- The attitude questionnaire: a "pre" answer from most people (before their first lesson) and a
  "post" answer from most of those who completed; post scores are on average about half a
  point better, so the dashboards' attitude figures pass ``AGGREGATE_MIN_N``.
- Classroom sessions (``academy.demo_classroom``): the police module taught in class, the
  alliance training bank staff in person.
- The fixed demo learner (learner@example.org) has one course completed, one in progress due in
  the coming week, and one assigned, overdue and not started (``FIXED_LEARNER``).

Everything goes through the real services (``assignment_create``, ``enrol``, ``lesson_open``,
``lesson_complete``, ``attempt_start``, ``response_save``, ``attempt_submit``,
``survey_answer``) with a simulated ``now=`` spread over the last eight months (assignments
made up to ``HISTORY_DAYS`` ago; most people finish within weeks of starting); timestamps that the
services set to the real time (enrolled, completed, first seen, questionnaire answered,
assigned; last activity, which a quiz does not touch) are moved to the simulated time afterwards with ``.update()`` / ``bulk_update``.
A fixed random seed makes the figures the same on every fresh database.

Idempotent: an assignment is only made when its group does not have that course assigned yet,
and only the enrolments created in this run get learning records, so a second run changes
nothing (and a run after the catalogue was loaded later adds what was missing).

The assignment e-mails of these made-up assignments are sent to a dummy mail backend: the
notices are recorded as sent (the trainers assigned the courses weeks ago) without filling the
console of ``make run`` with a few hundred e-mails.
"""

import logging
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from academy import demo
from academy.demo_classroom import seed_classroom
from accounts.models import User
from assessments.loader import SURVEY_SLUG
from assessments.models import Attempt, Choice, Quiz, Survey, SurveyResponse
from assessments.services import attempt_start, attempt_submit, response_save, survey_answer
from courses.models import (
    Assignment,
    ClassroomAttendance,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
)
from courses.services import lesson_complete, lesson_open
from courses.services.assignments import assignment_assignee_ids, assignment_create
from organisations.models import Group

SEED = 20260601
BASIS = "destigmatisering-basis"
COURSES_BY_KIND = {
    "police": [BASIS, "politie-bejegening-aangifte", "controles-sekswerkbranche"],
    "municipality": [BASIS, "controles-sekswerkbranche", "stigmavrij-communiceren"],
    "bank": [BASIS, "zakelijke-dienstverlening"],
    "healthcare": [BASIS, "hulp-en-zorg"],
    "government": [BASIS, "stigmavrij-communiceren"],
    "alliance": [BASIS],
}
HISTORY_DAYS = 250  # assignments made over the last eight months or so
SHARE_COMPLETED = 0.40
SHARE_IN_PROGRESS = 0.35  # the rest has not started
COMPLETED, IN_PROGRESS, NOT_STARTED = "completed", "in_progress", "not_started"

# The fixed demo learner's group and what she has done there: (course, due in days, outcome).
FIXED_GROUP = ("politieacademie", "Basisopleiding 2026-A")
FIXED_LEARNER = {
    BASIS: (16, COMPLETED),
    "politie-bejegening-aangifte": (5, IN_PROGRESS),
    "controles-sekswerkbranche": (-6, NOT_STARTED),
}
MESSAGE = "Deze cursus hoort bij ons opleidingsprogramma. Vragen? Stuur je trainer een bericht."


@dataclass
class _Context:
    rng: random.Random
    now: datetime
    survey: Survey | None
    answers: dict[int, dict[int, list[int]]] = field(default_factory=dict)  # quiz → q → right
    opened: dict[tuple[int, int], datetime] = field(default_factory=dict)
    answered: list[tuple[SurveyResponse, datetime]] = field(default_factory=list)
    completed_at: dict[int, datetime] = field(default_factory=dict)
    last_activity: dict[int, datetime] = field(default_factory=dict)
    items: list | None = None  # the questionnaire's statements, read once
    outlines: dict[int, tuple] = field(default_factory=dict)  # course id → _outline()


def seed_learning() -> dict[str, int]:
    """Create the demo learning records (see the module docstring); return totals."""
    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("Demo data is never loaded in production.")
    with _quiet():
        _seed(now=timezone.now())
    classroom = seed_classroom()
    return {
        "course assignments": Assignment.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "completed courses": Enrolment.objects.filter(completed_at__isnull=False).count(),
        "quiz attempts": Attempt.objects.count(),
        "questionnaire answers": SurveyResponse.objects.filter(skipped=False).count(),
        **classroom,
        "classroom attendances": ClassroomAttendance.objects.count(),
    }


@contextmanager
def _quiet():
    """Assignment notices to a dummy mail backend; no log lines per in-process task (Celery's
    "Task … succeeded", kombu's "No hostname was supplied" for the in-memory broker)."""
    loggers = [logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@transaction.atomic
def _seed(*, now: datetime) -> None:
    courses = {c.slug: c for c in Course.objects.filter(status=Course.Status.PUBLISHED)}
    if not courses:
        return
    context = _Context(
        rng=random.Random(SEED), now=now, survey=Survey.objects.filter(slug=SURVEY_SLUG).first()
    )
    last_before = Enrolment.objects.aggregate(last=Max("pk"))["last"] or 0
    assigned_at: dict[tuple[int, int], datetime] = {}  # (user, course) → first assignment
    for assignment, when in _assign(courses, context):
        for user_id in assignment_assignee_ids(assignment=assignment):
            key = (user_id, assignment.course_id)
            assigned_at[key] = min(assigned_at.get(key, when), when)

    new = list(
        Enrolment.objects.filter(pk__gt=last_before, source=Enrolment.Source.ASSIGNED)
        .select_related("user", "course")
        .order_by("course__slug", "user__email")
    )
    fixed_email = demo.FIXED_LOGINS["learner"]
    by_course: dict[int, list[Enrolment]] = {}
    for enrolment in new:
        enrolment.created_at = assigned_at.get(
            (enrolment.user_id, enrolment.course_id), enrolment.created_at
        )
        if enrolment.user.email == fixed_email and enrolment.course.slug in FIXED_LEARNER:
            outcome = FIXED_LEARNER[enrolment.course.slug][1]
            _learn(enrolment, outcome, context, fixed=True)
        else:
            by_course.setdefault(enrolment.course_id, []).append(enrolment)
    for enrolments in by_course.values():
        for enrolment, outcome in _outcomes(enrolments, context.rng):
            _learn(enrolment, outcome, context)
    _backdate(new, context)


# --- assignments ----------------------------------------------------------------------------


def _assign(courses: dict[str, Course], context: _Context):
    """Yield (assignment, assigned at) for every demo group × fitting course not yet assigned."""
    rng, today = context.rng, timezone.localdate(context.now)
    for spec in demo.ORGANISATIONS:
        if not spec.groups:
            continue
        groups = {
            g.name: g
            for g in Group.objects.filter(organisation__slug=spec.slug).select_related(
                "organisation"
            )
        }
        email = (
            demo.FIXED_LOGINS["trainer"]
            if spec.slug == FIXED_GROUP[0]
            else f"trainer.{spec.slug}@example.org"
        )
        trainer = User.objects.filter(email=email).first()
        for name in spec.groups:
            group = groups.get(name)
            for slug in COURSES_BY_KIND.get(spec.kind, [BASIS]):
                days_ago = rng.randint(21, HISTORY_DAYS)
                due_in = rng.randint(-14, -3) if rng.random() < 0.35 else rng.randint(8, 45)
                if (spec.slug, name) == FIXED_GROUP and slug in FIXED_LEARNER:
                    due_in = FIXED_LEARNER[slug][0]
                course = courses.get(slug)
                if group is None or trainer is None or course is None:
                    continue
                if Assignment.objects.filter(
                    group=group, course=course, unassigned_at__isnull=True
                ).exists():
                    continue
                assignment = _assign_one(group, course, trainer, today, due_in)
                when = context.now - timedelta(days=days_ago, hours=rng.uniform(0, 8))
                Assignment.objects.filter(pk=assignment.pk).update(created_at=when)
                yield assignment, when


def _assign_one(group: Group, course: Course, trainer: User, today: date, due_in: int):
    """The real service refuses due dates in the past (rightly); an overdue demo assignment is
    made with a future date that is then moved back, as if time had passed."""
    assignment = assignment_create(
        organisation=group.organisation,
        course=course,
        assigned_by=trainer,
        due_date=today + timedelta(days=max(due_in, 1)),
        group=group,
        message=MESSAGE,
    )
    if due_in < 1:
        assignment.due_date = today + timedelta(days=due_in)
        Assignment.objects.filter(pk=assignment.pk).update(due_date=assignment.due_date)
    return assignment


def _outcomes(enrolments: list[Enrolment], rng: random.Random):
    """The enrolments of one course, shuffled, split 40 / 35 / 25 %."""
    shuffled = enrolments[:]
    rng.shuffle(shuffled)
    completed = round(len(shuffled) * SHARE_COMPLETED)
    in_progress = round(len(shuffled) * SHARE_IN_PROGRESS)
    for index, enrolment in enumerate(shuffled):
        if index < completed:
            yield enrolment, COMPLETED
        elif index < completed + in_progress:
            yield enrolment, IN_PROGRESS
        else:
            yield enrolment, NOT_STARTED


# --- one learner ----------------------------------------------------------------------------


def _learn(enrolment: Enrolment, outcome: str, context: _Context, *, fixed: bool = False) -> None:
    """Play one learner's history through the services, at simulated times."""
    rng, now = context.rng, context.now
    lessons, checks, final = _outline(enrolment.course_id, context)
    level = min(4.6, max(1.6, rng.gauss(3.1, 0.5)))  # attitude before: 5 = least stigma
    # Start within the first part of the time since assignment (at most about five weeks
    # after it); never in the last week.
    latest = max(enrolment.created_at + timedelta(hours=1), now - timedelta(days=8))
    start = enrolment.created_at + min(
        (latest - enrolment.created_at) * rng.uniform(0.02, 0.6),
        timedelta(days=rng.uniform(0.5, 35)),
    )
    if outcome == NOT_STARTED:
        if not fixed and rng.random() < 0.3:
            _pre_survey(enrolment, level, start, context)
        return
    if fixed or rng.random() < 0.85:
        before = start - timedelta(minutes=rng.uniform(1, 5))
        _pre_survey(enrolment, level, before, context, may_skip=not fixed)

    quiz_plan: list[bool] = []  # passes of the final-quiz attempts, in order
    if outcome == COMPLETED:
        done = len(lessons)
        quiz_plan = [False, True] if not fixed and rng.random() < 0.25 else [True]
    elif fixed:
        done = min(3, len(lessons) - 1)
    else:
        variant = rng.random()
        done = len(lessons) if variant < 0.3 else rng.randint(1, max(1, len(lessons) - 2))
        if variant < 0.15:
            quiz_plan = [False]
    if final is None:
        quiz_plan = []

    end = now - timedelta(days=2 if fixed else rng.uniform(0.5, 6))
    if len(quiz_plan) > 1:  # leave room for the waiting time before the retake
        end = now - timedelta(days=rng.uniform(2.5, 6))
    if not fixed:  # most people finish within weeks, so completions spread over the months
        end = max(min(end, start + timedelta(days=rng.uniform(2, 45))), start + timedelta(hours=2))
    sessions = _session_starts(rng, start, end, done)
    at = start
    for index, lesson in enumerate(lessons[:done]):
        at = max(at, sessions[index])
        at = _study(enrolment, lesson, checks.get(lesson.pk), at, context)
    if outcome == IN_PROGRESS and done < len(lessons) and rng.random() < 0.5:
        next_lesson = lessons[done]  # opened, not finished
        lesson_open(enrolment=enrolment, lesson=next_lesson, now=at)
        context.opened[(enrolment.pk, next_lesson.pk)] = at
        at += timedelta(minutes=rng.uniform(1, 3))
    for passes in quiz_plan:
        if passes and len(quiz_plan) > 1:  # a retake, after the waiting time, within days
            wait = timedelta(hours=final.retry_after_hours, minutes=rng.uniform(5, 60))
            later = min(at + wait + timedelta(hours=rng.uniform(0, 48)), now - timedelta(hours=1))
            at = max(at + wait, later)
        at = _take_quiz(final, enrolment, at, passes=passes, context=context)
    context.last_activity[enrolment.pk] = at
    if outcome == COMPLETED:
        enrolment.refresh_from_db(fields=["completed_at"])
        if enrolment.completed_at is None:  # cannot happen with a valid quiz; keep it honest
            return
        context.completed_at[enrolment.pk] = at
        if fixed or rng.random() < 0.85:
            later = min(4.9, level + max(0.0, rng.gauss(0.55, 0.3)))
            _survey(enrolment, SurveyResponse.Phase.POST, later, at + timedelta(minutes=2), context)


def _outline(course_id: int, context: _Context):
    """(active lessons in order, knowledge check per lesson id, final quiz) of a course."""
    if course_id not in context.outlines:
        context.outlines[course_id] = (
            list(Lesson.objects.filter(course_id=course_id, is_active=True).order_by("position")),
            {
                quiz.lesson_id: quiz
                for quiz in Quiz.objects.filter(course_id=course_id, kind=Quiz.Kind.CHECK)
            },
            Quiz.objects.filter(course_id=course_id, kind=Quiz.Kind.FINAL).first(),
        )
    return context.outlines[course_id]


def _session_starts(rng: random.Random, start: datetime, end: datetime, lessons: int):
    """When each lesson's study session begins: 2–4 lessons per sitting, sittings spread over
    the learner's window (a lesson starts at the later of this and the previous lesson's end)."""
    sittings = max(1, math.ceil(lessons / rng.randint(2, 4)))
    window = max((end - start).total_seconds(), 3600)
    starts = sorted(start + timedelta(seconds=rng.uniform(0, window)) for _ in range(sittings))
    starts[0] = start
    per = math.ceil(lessons / sittings) if lessons else 1
    return [starts[min(index // per, sittings - 1)] for index in range(lessons)]


def _study(enrolment, lesson: Lesson, check: Quiz | None, at: datetime, context) -> datetime:
    rng = context.rng
    lesson_open(enrolment=enrolment, lesson=lesson, now=at)
    context.opened[(enrolment.pk, lesson.pk)] = at
    at += timedelta(seconds=lesson.minutes * 60 * rng.uniform(0.6, 1.4))
    if check is not None and rng.random() < 0.5:
        at = _take_quiz(check, enrolment, at, passes=rng.random() < 0.85, context=context)
    lesson_complete(enrolment=enrolment, lesson=lesson, now=at)
    return at + timedelta(seconds=rng.uniform(10, 90))


def _take_quiz(quiz: Quiz, enrolment, at: datetime, *, passes: bool, context) -> datetime:
    """One attempt with answers chosen to pass (0–3 wrong, at most what the pass mark allows)
    or to fail (just below the pass mark). Returns the time after submitting."""
    rng = context.rng
    right = _right_answers(quiz, context)
    attempt = attempt_start(quiz=quiz, enrolment=enrolment, now=at, rng=rng)
    count = len(attempt.layout)
    allowed = count - math.ceil(count * quiz.pass_mark / 100)  # wrong answers that still pass
    wrong_count = (
        rng.randint(0, min(3, allowed))
        if passes
        else min(count, allowed + 1 + rng.randint(0, 2 if quiz.kind == Quiz.Kind.FINAL else 0))
    )
    wrong = set(rng.sample(range(count), wrong_count))
    for index, entry in enumerate(attempt.layout):
        at += timedelta(seconds=rng.uniform(15, 70))
        correct = right.get(entry["q"], [])
        if index in wrong:
            choices = [c for c in entry["c"] if c not in correct][:1] or correct[:-1]
        else:
            choices = correct
        positions = [entry["c"].index(choice) for choice in choices]
        response_save(attempt=attempt, question_id=entry["q"], positions=positions, now=at)
    at += timedelta(seconds=rng.uniform(10, 40))
    attempt_submit(attempt=attempt, now=at)
    return at


def _right_answers(quiz: Quiz, context: _Context) -> dict[int, list[int]]:
    if quiz.pk not in context.answers:
        right: dict[int, list[int]] = {}
        for question_id, choice_id in Choice.objects.filter(
            question__quiz=quiz, is_correct=True
        ).values_list("question_id", "pk"):
            right.setdefault(question_id, []).append(choice_id)
        context.answers[quiz.pk] = right
    return context.answers[quiz.pk]


# --- attitude questionnaire -----------------------------------------------------------------


def _pre_survey(
    enrolment, level: float, at: datetime, context: _Context, *, may_skip: bool = True
) -> None:
    if context.survey is None:
        return
    if may_skip and context.rng.random() < 0.05:  # some choose to skip it
        response = survey_answer(
            survey=context.survey, enrolment=enrolment, phase="pre", answers=None
        )
        context.answered.append((response, at))
        return
    _survey(enrolment, SurveyResponse.Phase.PRE, level, at, context)


def _survey(enrolment, phase: str, level: float, at: datetime, context: _Context) -> None:
    """Answers around ``level`` (5 = least stigma); reverse-scored statements answered
    the other way round, as a person would."""
    if context.survey is None:
        return
    if context.items is None:
        context.items = list(context.survey.items.filter(is_active=True))
    answers = {}
    for item in context.items:
        agreement = min(5, max(1, round(level + context.rng.gauss(0, 0.7))))
        answers[item.slug] = 6 - agreement if item.reverse else agreement
    response = survey_answer(
        survey=context.survey, enrolment=enrolment, phase=phase, answers=answers
    )
    context.answered.append((response, at))


# --- realistic timestamps -------------------------------------------------------------------


def _backdate(enrolments: list[Enrolment], context: _Context) -> None:
    """Move the times the services set to the real clock to the simulated history."""
    started = []
    for enrolment in enrolments:
        if enrolment.pk in context.last_activity:
            # The lesson services keep it; a quiz taken after the last lesson counts too.
            enrolment.last_activity_at = context.last_activity[enrolment.pk]
            enrolment.completed_at = context.completed_at.get(enrolment.pk)
            started.append(enrolment)
    Enrolment.objects.bulk_update(enrolments, ["created_at"], batch_size=200)
    Enrolment.objects.bulk_update(started, ["last_activity_at", "completed_at"], batch_size=200)
    progress = list(
        LessonProgress.objects.filter(enrolment__in=[e.pk for e in enrolments]).only(
            "pk", "enrolment_id", "lesson_id", "first_seen_at"
        )
    )
    for row in progress:
        row.first_seen_at = context.opened.get((row.enrolment_id, row.lesson_id), context.now)
    LessonProgress.objects.bulk_update(progress, ["first_seen_at"], batch_size=500)
    for response, at in context.answered:
        response.submitted_at = at
    SurveyResponse.objects.bulk_update(
        [response for response, _at in context.answered], ["submitted_at"], batch_size=500
    )
