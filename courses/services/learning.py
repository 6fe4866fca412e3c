"""Learning: enrolment, lesson progress and the completion rule.

Completion rule, on the courses app's own data: an enrolment is complete when every ACTIVE
lesson of its course is done and, for a course that ``requires_final_quiz``, the final quiz was
passed (``Enrolment.final_quiz_passed_at``, stored by the assessments app through
:func:`enrolment_final_quiz_passed`). Completion is written once, by a conditional
``UPDATE … WHERE completed_at IS NULL``. Higher apps react to a completion through
``completion_handlers`` (``register_completion_handler(fn)``, ``fn(*, enrolment_id)``): each
runs once, after the completing transaction commits, only for the call that completed the
enrolment; one that raises is logged and does not stop the others (the certificates app queues
the issuance there, and its periodic sweep catches what a failed handler left undone).

A lesson can be marked done only after it was opened. In a course with ``minimum_study``
(accredited courses) also only after the learner spent at least half of the lesson's stated
minutes on it (``MINIMUM_STUDY_SHARE``); :class:`StudyTimeTooShort` tells how long is left.
Measured time gates completion and is shown to the learner; trainers see progress, not minutes.

Time spent is measured on the server only. Every learner request on an enrolment (opening a
lesson, marking it done) credits the wall-clock time since the previous such request to the
lesson that was on screen (``Enrolment.last_opened_lesson``), capped at
``TIME_GAP_CAP_SECONDS`` (30 minutes) per gap: a tab left open overnight counts as 30 minutes,
never as 12 hours, and nothing the browser sends can inflate the figure.

The services are ``@transaction.atomic(savepoint=False)``: atomic on their own, and when one
calls another (or a view, the loader or the assessments app calls them inside its own
transaction) they join that transaction instead of adding SAVEPOINT round trips. An error
anywhere rolls back the whole outer transaction; nothing here catches and continues.
"""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Case, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy.registry import Registry
from accounts.models import User
from courses.models import Course, Enrolment, Lesson, LessonProgress
from organisations.models import Membership, Organisation

logger = logging.getLogger(__name__)

completion_handlers = Registry("completion handlers")


def register_completion_handler(fn):
    return completion_handlers.register(fn)


def _run_completion_handlers(enrolment_id: int) -> None:
    for handler in completion_handlers:
        try:
            handler(enrolment_id=enrolment_id)
        except Exception:  # one app's failure must not hide the completion from the others
            logger.exception("Completion handler %r failed for enrolment %s", handler, enrolment_id)


TIME_GAP_CAP_SECONDS = 30 * 60

MINIMUM_STUDY_SHARE = 0.5


class LessonNotOpened(Exception):
    """The learner tried to mark a lesson done that they never opened."""


class StudyTimeTooShort(Exception):
    """Too little time measured on the lesson yet; ``remaining_seconds`` says how much more."""

    def __init__(self, remaining_seconds: int) -> None:
        super().__init__(f"{remaining_seconds} seconds of study left")
        self.remaining_seconds = remaining_seconds


def minimum_study_seconds(lesson: Lesson) -> int:
    return int(lesson.minutes * 60 * MINIMUM_STUDY_SHARE)


@transaction.atomic(savepoint=False)
def enrol(
    *,
    user: User,
    course: Course,
    organisation: Organisation | None = None,
    source: str = Enrolment.Source.SELF,
) -> Enrolment:
    """Enrol ``user`` in ``course``; returns the existing enrolment when there is one.

    The organisation defaults to the learner's first membership (the one they joined first);
    it decides on whose dashboards the enrolment appears.
    """
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    organisation_id = (
        organisation.pk
        if organisation is not None
        else Membership.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )
    enrolment, _ = Enrolment.objects.get_or_create(
        user=user,
        course=course,
        defaults={
            "organisation_id": organisation_id,
            "source": source,
            "version_started": course.version,
        },
    )
    return enrolment


def _time_gap(enrolment: Enrolment, now: datetime) -> int:
    """Seconds since the previous request on this enrolment, 0 … TIME_GAP_CAP_SECONDS."""
    if enrolment.last_activity_at is None:
        return 0
    seconds = int((now - enrolment.last_activity_at).total_seconds())
    return max(0, min(seconds, TIME_GAP_CAP_SECONDS))


def _check_lesson(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson.course_id != enrolment.course_id:
        raise ValueError("The lesson belongs to another course than the enrolment.")
    if not lesson.is_active:
        raise ValueError("The lesson is no longer part of the course.")


@transaction.atomic(savepoint=False)
def lesson_open(*, enrolment: Enrolment, lesson: Lesson, now: datetime | None = None) -> int:
    """Record that the learner opened ``lesson`` (first/last seen; time spent, see the module
    docstring). Returns the seconds credited for the previous gap."""
    _check_lesson(enrolment, lesson)
    now = now or timezone.now()
    gap = _time_gap(enrolment, now)
    previous_id = enrolment.last_opened_lesson_id
    # One UPDATE for both rows: the gap goes to the lesson that was on screen, "last seen" to
    # the lesson being opened (often the same row, on a reload).
    rows = {lesson.pk} | ({previous_id} if previous_id else set())
    updated = LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=rows).update(
        seconds_spent=F("seconds_spent")
        + Case(When(lesson_id=previous_id, then=Value(gap)), default=Value(0)),
        last_seen_at=Case(When(lesson_id=lesson.pk, then=Value(now)), default=F("last_seen_at")),
    )
    if updated < len(rows):  # first visit of this lesson
        LessonProgress.objects.bulk_create(
            [LessonProgress(enrolment=enrolment, lesson=lesson, last_seen_at=now)],
            ignore_conflicts=True,
        )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_activity_at=now,
        last_opened_lesson=lesson,
        started_at=Coalesce(F("started_at"), Value(now)),
    )
    enrolment.last_activity_at = now
    enrolment.last_opened_lesson = lesson
    enrolment.started_at = enrolment.started_at or now
    return gap


def lesson_complete(*, enrolment: Enrolment, lesson: Lesson, now: datetime | None = None) -> bool:
    """Mark ``lesson`` as done. Idempotent: returns False (and changes nothing) when it already
    was. Updates the counters, ``last_lesson`` and checks course completion.

    Raises :class:`LessonNotOpened` for a lesson never opened and, in a course with
    ``minimum_study``, :class:`StudyTimeTooShort`; both write nothing."""
    _check_lesson(enrolment, lesson)
    now = now or timezone.now()
    gap = _time_gap(enrolment, now)
    progress = (
        LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson)
        .values("completed_at", "seconds_spent", "last_seen_at")
        .first()
    )
    if progress is None or progress["last_seen_at"] is None:  # never opened (in this round)
        raise LessonNotOpened
    if progress["completed_at"] is None and enrolment.course.minimum_study:
        on_screen = gap if enrolment.last_opened_lesson_id == lesson.pk else 0
        remaining = minimum_study_seconds(lesson) - progress["seconds_spent"] - on_screen
        if remaining > 0:  # nothing written: the time keeps counting from the last request
            raise StudyTimeTooShort(remaining)
    # The refusals above are raised before the transaction: raised inside a joined
    # transaction (savepoint=False) they would doom the caller's transaction too.
    return _lesson_mark_done(enrolment=enrolment, lesson=lesson, now=now, gap=gap)


@transaction.atomic(savepoint=False)
def _lesson_mark_done(*, enrolment: Enrolment, lesson: Lesson, now: datetime, gap: int) -> bool:
    if gap and enrolment.last_opened_lesson_id:
        LessonProgress.objects.filter(
            enrolment=enrolment, lesson_id=enrolment.last_opened_lesson_id
        ).update(seconds_spent=F("seconds_spent") + gap)
    newly_done = bool(
        LessonProgress.objects.filter(
            enrolment=enrolment, lesson=lesson, completed_at__isnull=True
        ).update(completed_at=now, last_seen_at=now)
    )
    changes: dict = {"last_activity_at": now, "started_at": Coalesce(F("started_at"), Value(now))}
    if newly_done:
        # Count under the enrolment's row lock: two lessons marked done at once are counted
        # one after the other, so the later count sees both and the course gets completed.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk").first()
        total, done = _counts(enrolment)
        changes |= {
            "last_lesson": lesson,
            "lessons_completed": done,
            "progress_percent": _percent(enrolment, total, done),
        }
    Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    enrolment.last_activity_at = now
    enrolment.started_at = enrolment.started_at or now
    if not newly_done:
        return False
    enrolment.last_lesson = lesson
    enrolment.lessons_completed = changes["lessons_completed"]
    enrolment.progress_percent = changes["progress_percent"]
    _complete_if_rule_holds(enrolment, total=total, done=done, now=now)
    return True


def _percent(enrolment: Enrolment, total: int, done: int) -> int:
    if enrolment.completed_at is not None:
        return 100
    return done * 100 // total if total else 0


def _counts(enrolment: Enrolment) -> tuple[int, int]:
    """(active lessons of the course, active lessons this enrolment has done)."""
    total = Lesson.objects.filter(course_id=enrolment.course_id, is_active=True).count()
    done = LessonProgress.objects.filter(
        enrolment=enrolment, completed_at__isnull=False, lesson__is_active=True
    ).count()
    return total, done


@transaction.atomic(savepoint=False)
def enrolment_recount(*, enrolment: Enrolment) -> Enrolment:
    """Recompute ``lessons_completed`` and ``progress_percent`` from the lesson progress.

    Only active lessons count. A completed enrolment keeps 100 %: lessons added by a later
    course version do not take a completion away.
    """
    total, done = _counts(enrolment)
    percent = _percent(enrolment, total, done)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        lessons_completed=done, progress_percent=percent
    )
    enrolment.lessons_completed = done
    enrolment.progress_percent = percent
    return enrolment


@transaction.atomic(savepoint=False)
def enrolments_recount_for_course(*, course: Course) -> int:
    """After a new course version: recount every enrolment that is not complete, in two
    ``UPDATE`` statements, then complete those that now have every active lesson done
    (a removed lesson may have been the only one left). Returns how many were completed."""
    total = Lesson.objects.filter(course=course, is_active=True).count()
    done = (
        LessonProgress.objects.filter(
            enrolment=OuterRef("pk"), completed_at__isnull=False, lesson__is_active=True
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = Enrolment.objects.filter(course=course, completed_at__isnull=True)
    pending.update(lessons_completed=Coalesce(Subquery(done), 0))
    pending.update(progress_percent=F("lessons_completed") * 100 / total if total else 0)
    completed = 0
    if total:
        for enrolment in pending.filter(lessons_completed__gte=total).select_related("course"):
            completed += enrolment_check_completion(enrolment=enrolment)
    return completed


@transaction.atomic(savepoint=False)
def enrolment_check_completion(*, enrolment: Enrolment, now: datetime | None = None) -> bool:
    """Complete the enrolment when the completion rule holds (module docstring). Returns True
    only for the call that completed it."""
    if enrolment.completed_at is not None:
        return False
    total, done = _counts(enrolment)
    return _complete_if_rule_holds(enrolment, total=total, done=done, now=now)


def _complete_if_rule_holds(
    enrolment: Enrolment, *, total: int, done: int, now: datetime | None
) -> bool:
    if enrolment.completed_at is not None or total == 0 or done < total:
        return False
    version, requires_final_quiz = Course.objects.values_list("version", "requires_final_quiz").get(
        pk=enrolment.course_id
    )
    if requires_final_quiz and enrolment.final_quiz_passed_at is None:
        return False
    now = now or timezone.now()
    completed = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=now, version_completed=version, lessons_completed=done, progress_percent=100
    )
    if not completed:
        return False
    enrolment.completed_at = now
    enrolment.version_completed = version
    enrolment.lessons_completed = done
    enrolment.progress_percent = 100
    transaction.on_commit(partial(_run_completion_handlers, enrolment.pk))
    return True


@transaction.atomic(savepoint=False)
def enrolment_certificate_issued(*, enrolment_id: int, issued_at: datetime | None) -> None:
    """Record when this completion's certificate was issued (``None``: revoked), for the trainer
    pages and exports (the certificates app calls this; courses never reads its tables)."""
    Enrolment.objects.filter(pk=enrolment_id).update(certificate_issued_at=issued_at)


@transaction.atomic(savepoint=False)
def enrolments_certificate_issued(*, enrolment_ids: list[int], issued_at: datetime) -> None:
    """The same for a batch of completions certified at once."""
    if enrolment_ids:
        Enrolment.objects.filter(pk__in=enrolment_ids).update(certificate_issued_at=issued_at)


@transaction.atomic(savepoint=False)
def enrolment_final_quiz_passed(*, enrolment: Enrolment, passed_at: datetime | None = None) -> bool:
    """Store that the learner passed the course's final quiz (the first pass counts), then
    complete the enrolment if every lesson is done too. Returns True when this completed it."""
    passed_at = passed_at or timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk, final_quiz_passed_at__isnull=True).update(
        final_quiz_passed_at=passed_at
    )
    if enrolment.final_quiz_passed_at is None:
        enrolment.final_quiz_passed_at = passed_at
    return enrolment_check_completion(enrolment=enrolment, now=passed_at)


@transaction.atomic(savepoint=False)
def course_require_final_quiz(*, course: Course, required: bool) -> None:
    """Whether completing ``course`` needs a passed final quiz (the catalogue loader sets it)."""
    if course.requires_final_quiz != required:
        course.requires_final_quiz = required
        course.save(update_fields=["requires_final_quiz"])
