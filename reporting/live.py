"""The live figures of the key figures (``reporting.statistics.key_figures``): first-attempt
pass rate and average score of the final quizzes, and the median days from enrolment to
completion, over the chosen organisations, course and groups. PostgreSQL gets both statements
in one round trip; the embedded SQLite default works the median out in Python (see
``reporting.counts``; as there, the ``# nosec B608`` statements join
table names and fixed fragments, and every value is a parameter)."""

from __future__ import annotations

import statistics

from django.db.models import Avg, Count, Q

from assessments.models import Attempt, Quiz
from courses.models import Enrolment

from .counts import _AT, _E, _Q, Statement, _group_sql, _in, _in_groups, _sqlite, run, run_many
from .periods import Period


def attempt_figures(ids, period: Period, course_id, group_ids) -> dict:
    """First-attempt pass rate and average score of final quizzes submitted in the period."""
    start, end = period.bounds()
    qs = Attempt.objects.filter(
        quiz__kind=Quiz.Kind.FINAL,
        enrolment__organisation_id__in=ids,
        submitted_at__gte=start,
        submitted_at__lt=end,
        score__isnull=False,
    )
    if course_id:
        qs = qs.filter(enrolment__course_id=course_id)
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids))
    return qs.aggregate(
        n=Count("id"),
        firsts=Count("id", filter=Q(number=1)),
        first_passed=Count("id", filter=Q(number=1, passed=True)),
        average=Avg("score"),
    )


def live_figures(ids, period: Period, course_id, group_ids) -> tuple[dict, tuple]:
    """``attempt_figures`` and ``median_days`` together: one round trip on PostgreSQL."""
    if _sqlite():
        return (
            attempt_figures(ids, period, course_id, group_ids),
            median_days(ids, period, course_id, group_ids),
        )
    attempts, median = run_many(
        [
            _attempts_statement(ids, period, course_id, group_ids),
            _median_statement(ids, period, course_id, group_ids),
        ]
    )
    return attempts, median


def _live_where(ids, course_id, group_ids) -> tuple[str, list, list, str]:
    """The enrolments ``e`` of the live figures: (the organisations' condition, its
    parameters, the parameters after the period's bounds, the conditions that take them)."""
    orgs, params = _in(ids)
    groups, group_params = _group_sql("e.user_id", group_ids)
    course = " AND e.course_id = %s" if course_id else ""
    return (
        f"e.organisation_id IN {orgs}",
        params,
        [
            *([course_id] if course_id else []),
            *group_params,
        ],
        course + groups,
    )


def _attempts_statement(ids, period: Period, course_id, group_ids) -> Statement:
    """``attempt_figures`` as one statement (PostgreSQL)."""
    start, end = period.bounds()
    scope, before, after, rest = _live_where(ids, course_id, group_ids)
    sql = (
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE a.number = 1), "  # nosec B608
        "COUNT(*) FILTER (WHERE a.number = 1 AND a.passed), AVG(a.score) "
        f"FROM {_AT} a JOIN {_Q} q ON q.id = a.quiz_id JOIN {_E} e ON e.id = a.enrolment_id "
        f"WHERE q.kind = %s AND {scope} AND a.submitted_at >= %s "
        f"AND a.submitted_at < %s AND a.score IS NOT NULL{rest}"
    )

    def parse(rows):
        n, firsts, first_passed, average = rows[0]
        return {"n": n, "firsts": firsts, "first_passed": first_passed, "average": average}

    return Statement(sql, [Quiz.Kind.FINAL, *before, start, end, *after], parse)


def _median_statement(ids, period: Period, course_id, group_ids) -> Statement:
    start, end = period.bounds()
    scope, before, after, rest = _live_where(ids, course_id, group_ids)
    sql = (
        "SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY "  # nosec B608
        "EXTRACT(EPOCH FROM (e.completed_at - e.created_at)) / 86400.0) "
        f"FROM {_E} e WHERE {scope} AND e.completed_at >= %s AND e.completed_at < %s{rest}"
    )
    args = [*before, start, end, *after]

    def parse(rows):
        n, median = rows[0]
        return n, (round(float(median), 1) if median is not None else None)

    return Statement(sql, args, parse)


def median_days(ids, period: Period, course_id, group_ids) -> tuple[int, float | None]:
    """(n, median days from enrolment to completion) of online completions in the period."""
    if _sqlite():
        start, end = period.bounds()
        return _median_days_sqlite(ids, start, end, course_id, group_ids)
    return run(_median_statement(ids, period, course_id, group_ids))


def _median_days_sqlite(ids, start, end, course_id, group_ids) -> tuple[int, float | None]:
    """The same from the period's rows (percentile_cont(0.5) interpolates like median)."""
    qs = Enrolment.objects.filter(
        organisation_id__in=ids, completed_at__gte=start, completed_at__lt=end
    )
    if course_id:
        qs = qs.filter(course_id=course_id)
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids))
    days = [
        (completed - created).total_seconds() / 86400.0
        for created, completed in qs.values_list("created_at", "completed_at")
    ]
    return len(days), (round(statistics.median(days), 1) if days else None)
