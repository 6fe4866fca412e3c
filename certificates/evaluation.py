"""The course evaluation that accreditation registries require, and its aggregates.

A completion that a granted accreditation covers waits for the evaluation before its
certificate is issued (``certificates.services.certificate_readiness``). The learner answers
three questions (relevance, quality, the time it took), chooses the accreditation whose points
they want (only the ones that cover their completion are offered; or none), and gives the
registration number that accreditation's register needs (and the date of birth when the
register asks for it). :func:`evaluation_submit` stores all of it in one transaction and queues
the issuance. When the evaluation was answered but the number is still missing,
:func:`evaluation_registration_add` completes it (or switches to "no points").

Aggregates (:func:`course_evaluation_results`) are shown only for courses with at least
``MINIMUM_ANSWERS`` answers: a smaller group could identify people. Below it not even the
number of answers is passed to the page. A period filter narrows the answers; comparing two
periods that differ by one answer could in theory isolate it (the limit of any threshold), so
the page is open only to accreditation administrators, content authors and staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language

from accounts.forms import clean_registration_number, validate_date_of_birth
from accounts.models import REGISTER_NUMBER_FIELDS, Register, User
from accounts.services import profile_update
from certificates.models import Accreditation, CourseEvaluation
from certificates.services import Readiness, Waiting, certificate_issue_later, certificate_readiness
from courses.models import Enrolment, LessonProgress

MINIMUM_ANSWERS = 10
SCORES = (1, 2, 3, 4, 5)
MAX_MINUTES = 6000
FINISHABLE = (Waiting.EVALUATION, Waiting.REGISTRATION)


class EvaluationRefused(Exception):
    """The evaluation cannot be stored; ``reason`` says why (one of the constants below)."""

    ALREADY_ANSWERED = "already_answered"
    NOT_ANSWERED = "not_answered"
    NOT_WAITING = "not_waiting"
    NOT_COVERING = "not_covering"
    NUMBER_MISSING = "number_missing"
    NUMBER_INVALID = "number_invalid"
    DATE_OF_BIRTH = "date_of_birth"
    OUT_OF_RANGE = "out_of_range"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- reads for the finish page ----------------------------------------------------------------


def finishable_enrolment(*, user: User, slug: str) -> tuple[Enrolment, Readiness] | None:
    """The person's completed enrolment of the course whose certificate waits for the
    evaluation or a registration number, with its readiness; ``None`` for anything else."""
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.select_related("user", "course")
        .filter(user=user, course__slug=slug, completed_at__isnull=False)
        .first()
    )
    if enrolment is None:
        return None
    readiness = certificate_readiness(enrolment)
    if readiness.waiting_for not in FINISHABLE:
        return None
    return enrolment, readiness


def measured_minutes(enrolment: Enrolment) -> int:
    """The study time the platform measured in the course's lessons, in whole minutes."""
    total = LessonProgress.objects.filter(enrolment=enrolment).aggregate(s=Sum("seconds_spent"))
    return round((total["s"] or 0) / 60)


def points_plain(points: Decimal | None) -> str:
    """ "2" for 2.00 and "1.5" for 1.50 (files)."""
    if points is None:
        return ""
    text = format(points, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def points_text(points: Decimal | None) -> str:
    """ "2" for 2.00 and "1,5" (Dutch) or "1.5" (English) for 1.50 (pages)."""
    plain = points_plain(points)
    return number_format(Decimal(plain)) if plain else ""


# --- writes -----------------------------------------------------------------------------------


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "course")
        .get(pk=enrolment.pk)
    )


def _profile_changes(
    *,
    user: User,
    accreditation: Accreditation | None,
    registration_number: str,
    date_of_birth: date | None,
) -> dict:
    """What the profile must hold for the chosen accreditation (validated as on the profile)."""
    if accreditation is None:
        return {}
    register = accreditation.body.register
    try:
        number = clean_registration_number(register, registration_number)
    except ValidationError as error:
        raise EvaluationRefused(EvaluationRefused.NUMBER_INVALID) from error
    if not number:
        raise EvaluationRefused(EvaluationRefused.NUMBER_MISSING)
    changes: dict = {REGISTER_NUMBER_FIELDS[register]: number}
    if register == Register.OTHER and not user.other_register_name:
        changes["other_register_name"] = accreditation.body.name[:100]
    if accreditation.requires_date_of_birth:
        if date_of_birth is None:
            raise EvaluationRefused(EvaluationRefused.DATE_OF_BIRTH)
        try:
            validate_date_of_birth(date_of_birth)
        except ValidationError as error:
            raise EvaluationRefused(EvaluationRefused.DATE_OF_BIRTH) from error
        changes["date_of_birth"] = date_of_birth
    return changes


def _covering_choice(readiness: Readiness, accreditation: Accreditation | None):
    """The chosen accreditation as one of those covering the completion (points are never
    promised for another one)."""
    if accreditation is None:
        return None
    chosen = next((a for a in readiness.covering if a.pk == accreditation.pk), None)
    if chosen is None:
        raise EvaluationRefused(EvaluationRefused.NOT_COVERING)
    return chosen


@transaction.atomic
def evaluation_submit(
    *,
    enrolment: Enrolment,
    relevance: int,
    quality: int,
    minutes_reported: int,
    accreditation: Accreditation | None,
    registration_number: str = "",
    date_of_birth: date | None = None,
    request=None,
) -> CourseEvaluation:
    """Store the evaluation of a completion, the registration number (and date of birth) the
    chosen accreditation needs in the profile (audited, through ``profile_update``), and queue
    the certificate. Once per enrolment: a second answer raises ``EvaluationRefused``."""
    locked = _locked(enrolment)
    if CourseEvaluation.objects.filter(enrolment=locked).exists():
        raise EvaluationRefused(EvaluationRefused.ALREADY_ANSWERED)
    readiness = certificate_readiness(locked)
    if readiness.waiting_for != Waiting.EVALUATION:
        raise EvaluationRefused(EvaluationRefused.NOT_WAITING)
    if relevance not in SCORES or quality not in SCORES or not 1 <= minutes_reported <= MAX_MINUTES:
        raise EvaluationRefused(EvaluationRefused.OUT_OF_RANGE)
    chosen = _covering_choice(readiness, accreditation)
    user = locked.user
    changes = _profile_changes(
        user=user,
        accreditation=chosen,
        registration_number=registration_number,
        date_of_birth=date_of_birth,
    )
    evaluation = CourseEvaluation.objects.create(
        enrolment=locked,
        relevance=relevance,
        quality=quality,
        minutes_reported=minutes_reported,
        accreditation=chosen,
    )
    if changes:
        profile_update(user=user, changes=changes, request=request)
    certificate_issue_later(enrolment_id=locked.pk)
    return evaluation


@transaction.atomic
def evaluation_registration_add(
    *,
    enrolment: Enrolment,
    accreditation: Accreditation | None,
    registration_number: str = "",
    date_of_birth: date | None = None,
    request=None,
) -> CourseEvaluation:
    """After the evaluation: give the registration number (and date of birth) that was still
    missing, or choose another covering accreditation or none; then queue the certificate."""
    locked = _locked(enrolment)
    evaluation = CourseEvaluation.objects.filter(enrolment=locked).first()
    if evaluation is None:
        raise EvaluationRefused(EvaluationRefused.NOT_ANSWERED)
    readiness = certificate_readiness(locked)
    if readiness.waiting_for != Waiting.REGISTRATION:
        raise EvaluationRefused(EvaluationRefused.NOT_WAITING)
    chosen = _covering_choice(readiness, accreditation)
    user = locked.user
    changes = _profile_changes(
        user=user,
        accreditation=chosen,
        registration_number=registration_number,
        date_of_birth=date_of_birth,
    )
    new_choice = chosen.pk if chosen else None
    if evaluation.accreditation_id != new_choice:
        evaluation.accreditation = chosen
        evaluation.save(update_fields=["accreditation"])
    if changes:
        profile_update(user=user, changes=changes, request=request)
    certificate_issue_later(enrolment_id=locked.pk)
    return evaluation


# --- aggregates -------------------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's exact median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Distribution:
    score: int
    count: int
    percent: int


@dataclass(frozen=True)
class CourseResults:
    """One course's aggregates. When ``shown`` is false (fewer than ``MINIMUM_ANSWERS``),
    every figure is ``None``: the page cannot show what it does not get."""

    course_id: int
    title: str
    slug: str
    stated_minutes: int
    shown: bool
    answers: int | None = None
    mean_relevance: float | None = None
    mean_quality: float | None = None
    mean_minutes: float | None = None
    median_minutes: float | None = None
    relevance: tuple[Distribution, ...] = ()
    quality: tuple[Distribution, ...] = ()

    @property
    def per_score(self) -> tuple[tuple[Distribution, Distribution], ...]:
        """(relevance, quality) per score, for one table."""
        return tuple(zip(self.relevance, self.quality, strict=True))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_q(field: str, date_from: date | None, date_to: date | None) -> Q:
    """``field`` (a datetime) on or after the start of ``date_from`` and before the day after
    ``date_to``, in local time."""
    q = Q()
    if date_from is not None:
        q &= Q(**{f"{field}__gte": day_start(date_from)})
    if date_to is not None:
        q &= Q(**{f"{field}__lt": day_start(date_to + timedelta(days=1))})
    return q


def _distribution(row: dict, prefix: str, answers: int) -> tuple[Distribution, ...]:
    return tuple(
        Distribution(
            score=score,
            count=row[f"{prefix}{score}"],
            percent=round(100 * row[f"{prefix}{score}"] / answers),
        )
        for score in SCORES
    )


def _medians(rows: list[dict], answers) -> dict[int, float]:
    """Median minutes per course for the backends without PERCENTILE_CONT (SQLite): one more
    query, only for the courses whose results are shown."""
    course_ids = [row["course_id"] for row in rows if row["answers"] >= MINIMUM_ANSWERS]
    minutes: dict[int, list[int]] = {pk: [] for pk in course_ids}
    for course_id, value in answers.filter(enrolment__course_id__in=course_ids).values_list(
        "enrolment__course_id", "minutes_reported"
    ):
        minutes[course_id].append(value)
    return {pk: float(median(values)) for pk, values in minutes.items() if values}


def course_evaluation_results(
    *, date_from: date | None = None, date_to: date | None = None
) -> list[CourseResults]:
    """Per course with answers in the period (by the day they were given), sorted by title:
    the aggregates of its evaluations, or nothing but "fewer than MINIMUM_ANSWERS". One
    aggregate query for all courses (two on SQLite, for the medians)."""
    answers = CourseEvaluation.objects.filter(period_q("submitted_at", date_from, date_to))
    aggregates = {
        "answers": Count("pk"),
        "mean_relevance": Avg("relevance"),
        "mean_quality": Avg("quality"),
        "mean_minutes": Avg("minutes_reported"),
    }
    for score in SCORES:
        aggregates[f"r{score}"] = Count("pk", filter=Q(relevance=score))
        aggregates[f"q{score}"] = Count("pk", filter=Q(quality=score))
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median_minutes"] = _Median("minutes_reported")
    rows = list(
        answers.values(
            course_id=F("enrolment__course_id"),
            slug=F("enrolment__course__slug"),
            title_nl=F("enrolment__course__title_nl"),
            title_en=F("enrolment__course__title_en"),
            stated_minutes=F("enrolment__course__minutes"),
        )
        .annotate(**aggregates)
        .order_by()
    )
    medians = {} if postgres else _medians(rows, answers)
    english = (get_language() or "nl").startswith("en")
    results = []
    for row in rows:
        title = (row["title_en"] if english else "") or row["title_nl"]
        common = {
            "course_id": row["course_id"],
            "title": title,
            "slug": row["slug"],
            "stated_minutes": row["stated_minutes"],
        }
        count = row["answers"]
        if count < MINIMUM_ANSWERS:
            results.append(CourseResults(shown=False, **common))
            continue
        median_minutes = row["median_minutes"] if postgres else medians.get(row["course_id"])
        results.append(
            CourseResults(
                shown=True,
                answers=count,
                mean_relevance=round(row["mean_relevance"], 1),
                mean_quality=round(row["mean_quality"], 1),
                mean_minutes=round(row["mean_minutes"]),
                median_minutes=round(median_minutes) if median_minutes is not None else None,
                relevance=_distribution(row, "r", count),
                quality=_distribution(row, "q", count),
                **common,
            )
        )
    results.sort(key=lambda item: item.title.lower())
    return results
