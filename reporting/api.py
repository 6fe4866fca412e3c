"""The partner API (django-ninja), mounted at ``/api/v1/``; schema at ``/api/v1/openapi.json``.

Authentication: ``Authorization: Bearer acad_...`` with a token of one organisation
(``reporting.tokens``). A token reads its organisation and the organisations below it exactly
as an analyst of that organisation would (``reporting.scope``): another organisation's slug,
or one the token's organisation may not see, is a 404 (it does not exist for this token).

Every figure comes from ``reporting.statistics``, as on the dashboard; suppressed cells are
``null``. Pseudonymous per-learner rows (``/completions``) are the only thing computed here:
they are given only for the token's own organisation, never for organisations below it, and
only for people who are members of it; the pseudonym is an HMAC of the organisation and the
person (keyed with ``SECRET_KEY``): stable for that organisation, useless anywhere else.

Each token may make ``API_RATE_LIMIT_PER_MINUTE`` requests a minute (default 60), counted in
the cache; beyond that the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import Field

from courses.models import ClassroomAttendance, Course, Enrolment
from organisations.models import Membership, Organisation
from reporting import scope, statistics
from reporting.tokens import token_authenticate

DEFAULT_RATE_PER_MINUTE = 60
MAX_CUSTOM_DAYS = 3 * 366
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
MAX_LEARNER_ROWS = 5000


# --- authentication and rate limit -----------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer acad_...``; ``request.auth`` becomes the ``ApiToken``."""

    def authenticate(self, request, token):
        return token_authenticate(token)


class TokenRateThrottle(BaseThrottle):
    """A fixed window of one minute per token, counted atomically in the shared cache."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        limit = getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)
        key = f"reporting:api-rate:{token.pk}:{int(time.time() // 60)}"
        if cache.add(key, 1, timeout=70):
            return limit >= 1
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 1, timeout=70)
            count = 1
        return count is None or count <= limit  # None: the cache is down, do not limit

    def wait(self) -> float:
        return 60 - time.time() % 60


api = NinjaAPI(
    title="Academy partner API",
    version="1",
    description=(
        "Completion statistics of a partner organisation and the organisations below it. "
        "Send a token of the organisation as `Authorization: Bearer acad_...`. Counts below "
        "the minimum cell size are `null` (suppressed)."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
)


@api.exception_handler(statistics.PeriodNotAllowed)
def _period_not_allowed(request, exc):
    detail = [{"type": "value_error", "loc": ["query", "period"], "msg": str(exc)}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# --- schemas ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class OrganisationOut(Schema):
    slug: str
    name: str


class PeriodOut(Schema):
    name: Literal["month", "quarter", "year", "custom"]
    start: date
    end: date


class ContextOut(Schema):
    organisation: OrganisationOut
    period: PeriodOut
    course: str | None = Field(description="Slug of the course the figures are limited to.")
    aggregate_only: bool = Field(
        description="True when the organisation's learners are seen from above (fixed "
        "periods, small counts suppressed)."
    )
    min_cell: int = Field(description="Counts below this number are null.")


Count = int | None


class KeyFiguresOut(Schema):
    learners: Count
    enrolled: Count
    started: Count
    completed: Count
    completed_online: Count
    completed_classroom: Count
    completion_rate: float | None = Field(description="completed / enrolled, 0..1")
    first_attempt_pass_rate: float | None
    average_score: float | None
    median_days_to_complete: float | None
    assigned: Count
    overdue: Count
    certificates_issued: Count
    certificates_expiring_soon: Count


class StatisticsOut(ContextOut):
    figures: KeyFiguresOut


class CourseRowOut(Schema):
    course: str = Field(description="Course slug.")
    title: str
    enrolled: Count
    started: Count
    completed: Count
    completed_classroom: Count
    completion_rate: float | None


class CoursesOut(ContextOut):
    courses: list[CourseRowOut]


class WeekOut(Schema):
    week_start: date
    completions: Count


class LearnerCompletionOut(Schema):
    learner: str = Field(description="Pseudonym: stable for this organisation, not the id.")
    completed_on: date
    course: str
    mode: Literal["online", "classroom"]


class CompletionsOut(ContextOut):
    weeks: list[WeekOut]
    learners: list[LearnerCompletionOut] = Field(
        description="Only for learners of this organisation itself (not of organisations "
        "below it), and only when the token belongs to this organisation."
    )
    learners_total: int
    offset: int
    limit: int


class FiltersIn(Schema):
    period: Literal["month", "quarter", "year", "custom"] = Field(
        "quarter", description="A calendar month, quarter or year, or custom dates."
    )
    start: date | None = Field(
        None,
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="With month, quarter or year: a day in the one wanted (default: today). "
        "With custom: the first day.",
    )
    end: date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="With custom: the last day."
    )
    course: str | None = Field(None, max_length=100, description="A course slug.")


class CompletionsFiltersIn(FiltersIn):
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(1000, ge=1, le=MAX_LEARNER_ROWS)


ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


# --- shared steps ----------------------------------------------------------------------------


def _invalid(field: str, message: str):
    return NinjaValidationError([{"type": "value_error", "loc": ["query", field], "msg": message}])


def _resolve(request, slug: str, filters: FiltersIn):
    """Organisation, viewer, period, course and engine filters for a request (404/422)."""
    token = request.auth
    unknown = sorted(set(request.GET) - set(type(filters).model_fields))
    if unknown:  # a typo ("perod=month") must not silently give other figures
        raise NinjaValidationError(
            [
                {"type": "value_error", "loc": ["query", name], "msg": "Unknown parameter."}
                for name in unknown
            ]
        )
    organisation = get_object_or_404(Organisation, slug=slug)
    viewer = viewer_for_token(token.organisation, organisation)
    if viewer is None:
        raise Http404
    period = _period(filters, viewer)
    course = None
    if filters.course:
        course = Course.objects.filter(slug=filters.course).only("pk", "slug").first()
        if course is None:
            raise _invalid("course", "Unknown course.")
    engine_filters = statistics.Filters(course_id=course.pk if course else None)
    return organisation, viewer, period, course, engine_filters


def viewer_for_token(holder: Organisation, organisation: Organisation):
    """What a token of ``holder`` sees of ``organisation``: what an analyst of ``holder`` sees
    (``reporting.scope``); None (→ 404) outside ``holder``'s tree or past a legal entity that
    does not share its figures."""
    if not organisation.path.startswith(holder.path):
        return None
    if organisation.pk == holder.pk:
        return scope.organisation_viewer(holder)
    lineage = organisation.lineage_ids
    below = lineage[lineage.index(holder.pk) + 1 :]
    boundary = [org for org in Organisation.objects.filter(pk__in=below) if org.is_legal_entity]
    if not boundary:
        return scope.organisation_viewer(organisation)
    if not all(org.shares_figures_with_parent for org in boundary):
        return None
    anchor_ids = scope.organisation_viewer(holder).organisation_ids
    return scope.Viewer(
        organisation_ids=scope.organisation_viewer(organisation).organisation_ids & anchor_ids,
        detail=False,
        root_id=organisation.pk,
        anchor_ids=anchor_ids,
    )


def _period(filters: FiltersIn, viewer) -> statistics.Period:
    if filters.period != "custom":
        return statistics.Period.named(filters.period, filters.start or timezone.localdate())
    if not viewer.detail:
        raise _invalid("period", "Only quarter or year for this organisation.")
    if filters.start is None or filters.end is None:
        raise _invalid("start" if filters.start is None else "end", "Required for a custom period.")
    if filters.end < filters.start:
        raise _invalid("end", "The end lies before the start.")
    if (filters.end - filters.start).days > MAX_CUSTOM_DAYS:
        raise _invalid("end", "A custom period spans at most three years.")
    return statistics.Period(start=filters.start, end=filters.end)


def _context(organisation, viewer, period, filters: FiltersIn) -> dict:
    return {
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "period": {"name": filters.period, "start": period.start, "end": period.end},
        "course": filters.course or None,
        "aggregate_only": not viewer.detail,
        "min_cell": settings.REPORTING_MIN_CELL,
    }


# --- endpoints -------------------------------------------------------------------------------


@api.get(
    "/organisations/{slug}/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="Key figures",
    operation_id="organisation_statistics",
)
def organisation_statistics(request, slug: str, filters: Query[FiltersIn]):
    """Key figures for the organisation and the organisations below it in the period."""
    organisation, viewer, period, _course, engine_filters = _resolve(request, slug, filters)
    figures = statistics.key_figures(viewer, period, engine_filters)
    return {**_context(organisation, viewer, period, filters), "figures": figures}


@api.get(
    "/organisations/{slug}/courses",
    response={200: CoursesOut, **ERRORS},
    summary="Figures per course",
    operation_id="organisation_courses",
)
def organisation_courses(request, slug: str, filters: Query[FiltersIn]):
    organisation, viewer, period, _course, engine_filters = _resolve(request, slug, filters)
    rows = statistics.table_per_course(viewer, period, engine_filters)
    return {
        **_context(organisation, viewer, period, filters),
        "courses": [
            {
                "course": row.key,
                "title": row.label,
                "enrolled": row.enrolled,
                "started": row.started,
                "completed": row.completed,
                "completed_classroom": row.completed_classroom,
                "completion_rate": row.completion_rate,
            }
            for row in rows
        ],
    }


@api.get(
    "/organisations/{slug}/completions",
    response={200: CompletionsOut, **ERRORS},
    summary="Completions per week and per learner",
    operation_id="organisation_completions",
)
def organisation_completions(request, slug: str, filters: Query[CompletionsFiltersIn]):
    """Completions per week (online and classroom) and, for the token's own organisation only,
    one pseudonymous row per completion of its own members."""
    organisation, viewer, period, course, engine_filters = _resolve(request, slug, filters)
    weeks = statistics.completions_per_week(viewer, period, engine_filters)
    rows: list[dict] = []
    total = 0
    if organisation.pk == request.auth.organisation_id:
        rows, total = learner_completions(
            organisation, period, course, offset=filters.offset, limit=filters.limit
        )
    return {
        **_context(organisation, viewer, period, filters),
        "weeks": [{"week_start": start, "completions": count} for start, count in weeks],
        "learners": rows,
        "learners_total": total,
        "offset": filters.offset,
        "limit": filters.limit,
    }


# --- pseudonymous rows -----------------------------------------------------------------------


def pseudonym(organisation_id: int, user_id: int) -> str:
    message = f"reporting.api.learner:{organisation_id}:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def learner_completions(organisation, period, course, *, offset: int, limit: int):
    """Completions in the period by members of the organisation itself (online: enrolments
    attributed to it; classroom: attendance of its sessions), newest first: one page and a
    count, two queries whatever the number of learners."""
    member = Membership.objects.filter(organisation=organisation, user=OuterRef("user_id"))
    start, end = period.bounds()
    online = Enrolment.objects.filter(
        Exists(member), organisation=organisation, completed_at__gte=start, completed_at__lt=end
    )
    classroom = ClassroomAttendance.objects.filter(
        Exists(member),
        session__organisation=organisation,
        session__held_on__gte=period.start,
        session__held_on__lte=period.end,
        user__isnull=False,
    )
    if course is not None:
        online = online.filter(course=course)
        classroom = classroom.filter(session__course=course)
    online = online.annotate(
        day=TruncDate("completed_at"), slug=F("course__slug"), mode=Value("online")
    ).values_list("user_id", "day", "slug", "mode")
    classroom = classroom.annotate(
        day=F("session__held_on"), slug=F("session__course__slug"), mode=Value("classroom")
    ).values_list("user_id", "day", "slug", "mode")
    rows = online.union(classroom, all=True)
    page = rows.order_by("-day", "slug", "mode", "user_id")[offset : offset + limit]
    return [
        {
            "learner": pseudonym(organisation.pk, user_id),
            "completed_on": day,
            "course": slug,
            "mode": mode,
        }
        for user_id, day, slug, mode in page
    ], rows.count()
