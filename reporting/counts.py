"""The aggregate queries behind ``reporting.statistics``: grouped by organisation and course
(or week), one statement each, never a loop over learners.

Written for PostgreSQL (CI and production). The embedded SQLite default of ``make run`` gets
a variant of the statements PostgreSQL-only syntax would break, chosen by
``connection.vendor``, with the same results: SQLite stores datetimes as UTC text, so a
datetime parameter is passed as such (``_at``) and local weeks and the median are worked out
in Python from the rows of the period (fine for the demo-sized data SQLite holds).

The statements are put together from table names (``_meta``), integer ids (``_in``) and
fixed fragments; every other value is a parameter. That is what the ``# nosec B608`` marks
say to bandit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek

from assessments.models import Attempt, Quiz, SurveyResponse
from certificates.models import Certificate
from courses.models import Assignment, ClassroomAttendance, ClassroomSession, Enrolment
from organisations.models import GroupMember

from .periods import Period

EXPIRING_SOON_DAYS = 60

_E = Enrolment._meta.db_table
_S = ClassroomSession._meta.db_table
_A = ClassroomAttendance._meta.db_table
_G = GroupMember._meta.db_table
_AS = Assignment._meta.db_table
_AL = Assignment.learners.through._meta.db_table
_AT = Attempt._meta.db_table
_Q = Quiz._meta.db_table


def _in(ids) -> tuple[str, list]:
    """An IN list of primary keys; PostgreSQL gets them as integer literals (a long list of
    placeholders costs the driver more than the statement)."""
    ids = sorted(ids)
    if not ids:
        return "(NULL)", []
    if not _sqlite():
        return "(" + ",".join(str(int(pk)) for pk in ids) + ")", []
    return "(" + ",".join(["%s"] * len(ids)) + ")", ids


def _group_sql(column: str, group_ids) -> tuple[str, list]:
    if group_ids is None:
        return "", []
    placeholders, params = _in(group_ids)
    return f" AND {column} IN (SELECT user_id FROM {_G} WHERE group_id IN {placeholders})", params  # nosec B608


def _in_groups(group_ids, field: str = "user"):
    members = GroupMember.objects.filter(group_id__in=group_ids, user_id=OuterRef(f"{field}_id"))
    return Exists(members)


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _at(value):
    """A datetime parameter: as is for PostgreSQL, UTC text for SQLite."""
    return connection.ops.adapt_datetimefield_value(value) if _sqlite() else value


def _person(alias: str) -> str:
    """A classroom attendee: 'u' + account id, else 'e' + lower-case e-mail address."""
    user = f"CAST({alias}.user_id AS TEXT)" if _sqlite() else f"{alias}.user_id::text"
    return f"COALESCE('u' || {user}, 'e' || lower({alias}.email))"


def _monday(day) -> date:
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return day - timedelta(days=day.weekday())


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Statement(NamedTuple):
    """One aggregate query and how its rows become the function's result."""

    sql: str
    params: list
    parse: Callable[[list[tuple]], dict]


def run(statement: Statement) -> dict:
    return statement.parse(_fetch(statement.sql, statement.params))


def run_many(statements: list[Statement]) -> list[dict]:
    """The results of several statements in one round trip on PostgreSQL (Django's cursors
    bind parameters client-side, so they go as one string); one by one on SQLite."""
    if _sqlite() or len(statements) < 2:
        return [run(statement) for statement in statements]
    results = []
    with connection.cursor() as cursor:
        cursor.execute(
            ";\n".join(st.sql for st in statements), [p for st in statements for p in st.params]
        )
        for statement in statements:
            results.append(statement.parse(cursor.fetchall()))
            cursor.nextset()
    return results


def enrolment_counts(ids, period: Period, group_ids) -> dict:
    """{(organisation, course): {enrolled, started, online}}."""
    return enrolment_counts_many(ids, [period], group_ids)[period]


def enrolment_counts_many(ids, periods, group_ids) -> dict:
    """{period: enrolment_counts(ids, period, group_ids)} from one scan of the enrolments
    (the national overview's year and its four quarters)."""
    return run(enrolments_statement(ids, periods, group_ids))


def enrolments_statement(ids, periods, group_ids) -> Statement:
    periods = list(dict.fromkeys(periods))
    bounds = [(_at(start), _at(end)) for start, end in (p.bounds() for p in periods)]
    orgs, params = _in(ids)
    groups, group_params = _group_sql("e.user_id", group_ids)
    columns, args = [], []
    count = "COUNT(CASE WHEN {} THEN 1 END)" if _sqlite() else "COUNT(*) FILTER (WHERE {})"
    for start, end in bounds:
        columns += [
            count.format("e.created_at < %s"),
            count.format("e.created_at < %s AND e.started_at < %s"),
            count.format("e.created_at < %s AND e.completed_at >= %s AND e.completed_at < %s"),
        ]
        args += [end, end, end, end, start, end]
    sql = (
        f"SELECT e.organisation_id, e.course_id, {', '.join(columns)} FROM {_E} e "  # nosec B608
        f"WHERE e.organisation_id IN {orgs} AND e.created_at < %s{groups} "
        "GROUP BY e.organisation_id, e.course_id"
    )
    args += [*params, max(end for _s, end in bounds), *group_params]

    def parse(rows):
        out: dict = {p: {} for p in periods}
        for org, course, *figures in rows:
            for i, p in enumerate(periods):
                enrolled, started, online = figures[3 * i : 3 * i + 3]
                if enrolled:
                    out[p][(org, course)] = {
                        "enrolled": enrolled,
                        "started": started,
                        "online": online,
                    }
        return out

    return Statement(sql, args, parse)


def classroom_counts(ids, period: Period, group_ids) -> dict:
    """{(organisation, course, week monday): completions}: each person (account or e-mail
    address) completes a course's classroom variant once per period, in the week of their
    first session in it."""
    return run(classroom_statement(ids, period, group_ids))


def classroom_statement(ids, period: Period, group_ids) -> Statement:
    orgs, params = _in(ids)
    groups, group_params = _group_sql("a.user_id", group_ids)
    firsts = (
        "SELECT s.organisation_id AS org, s.course_id AS course, MIN(s.held_on) AS first "  # nosec B608
        f"FROM {_A} a JOIN {_S} s ON s.id = a.session_id "
        f"WHERE s.organisation_id IN {orgs} AND s.held_on BETWEEN %s AND %s{groups} "
        f"GROUP BY s.organisation_id, s.course_id, {_person('a')}"
    )
    args = [*params, period.start, period.end, *group_params]
    if _sqlite():  # per first day; the weeks in Python
        sql = f"SELECT org, course, first, COUNT(*) FROM ({firsts}) AS firsts GROUP BY 1, 2, 3"  # nosec B608

        def by_day(rows):
            out: dict = {}
            for org, course, first, n in rows:
                key = (org, course, _monday(first))
                out[key] = out.get(key, 0) + n
            return out

        return Statement(sql, args, by_day)
    sql = (
        "SELECT org, course, (first - (EXTRACT(ISODOW FROM first)::int - 1))::date, COUNT(*) "  # nosec B608
        f"FROM ({firsts}) AS firsts GROUP BY org, course, 3"
    )
    return Statement(
        sql, args, lambda rows: {(org, course, week): n for org, course, week, n in rows}
    )


def online_per_week(ids, period: Period, group_ids) -> dict:
    """{(organisation, course, week monday): online completions}."""
    start, end = period.bounds()
    if _sqlite():  # Django's SQLite functions convert to local time in Python
        return _online_per_week_sqlite(ids, start, end, group_ids)
    orgs, params = _in(ids)
    groups, group_params = _group_sql("e.user_id", group_ids)
    sql = (
        "SELECT e.organisation_id, e.course_id, "  # nosec B608
        "date_trunc('week', e.completed_at AT TIME ZONE %s)::date, COUNT(*) "
        f"FROM {_E} e WHERE e.organisation_id IN {orgs} "
        f"AND e.completed_at >= %s AND e.completed_at < %s{groups} GROUP BY 1, 2, 3"
    )
    tz = str(start.tzinfo)
    rows = _fetch(sql, [tz, *params, start, end, *group_params])
    return {(org, course, week): n for org, course, week, n in rows}


def _online_per_week_sqlite(ids, start, end, group_ids) -> dict:
    qs = Enrolment.objects.filter(
        organisation_id__in=ids, completed_at__gte=start, completed_at__lt=end
    )
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids))
    rows = (
        qs.annotate(week=TruncWeek("completed_at", tzinfo=start.tzinfo))
        .values_list("organisation_id", "course_id", "week")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(org, course, week.date()): n for org, course, week, n in rows}


def certificate_counts(ids, period: Period, group_ids, today: date) -> dict:
    """{(organisation, course): {certificates, expiring}} of certificates not revoked."""
    return run(certificates_statement(ids, period, group_ids, today))


def certificates_statement(ids, period: Period, group_ids, today: date) -> Statement:
    start, end = period.bounds()
    issued = Q(issued_at__gte=start, issued_at__lt=end)
    expiring = Q(expires_on__gte=today, expires_on__lte=today + timedelta(days=EXPIRING_SOON_DAYS))
    # Only the certificates that count, found by the two indexes on (organisation, time) that
    # hold the course too; no join to the enrolments (the certificate has their organisation).
    qs = Certificate.objects.filter(
        issued | expiring, organisation_id__in=ids, revoked_at__isnull=True
    )
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids, "enrolment__user"))
    qs = (
        qs.values("organisation_id", "course_id")
        .annotate(
            certificates=Count("id", filter=issued),
            expiring=Count("id", filter=expiring),
        )
        .values_list("organisation_id", "course_id", "certificates", "expiring")
        .order_by()
    )
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # no organisations
        sql, params = "SELECT NULL, NULL, 0, 0 WHERE 1 = 0", []
    return Statement(
        sql,
        list(params),
        lambda rows: {
            (org, course): {"certificates": n, "expiring": expiring}
            for org, course, n, expiring in rows
        },
    )


def certificates_many(ids, periods, group_ids) -> dict:
    """{period: {(organisation, course): certificates issued in it}} in one statement."""
    qs = Certificate.objects.filter(organisation_id__in=ids, revoked_at__isnull=True)
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids, "enrolment__user"))
    periods = list(dict.fromkeys(periods))
    counts = {}
    for i, period in enumerate(periods):
        start, end = period.bounds()
        counts[f"n{i}"] = Count("id", filter=Q(issued_at__gte=start, issued_at__lt=end))
    rows = (
        qs.values("organisation_id", "course_id")
        .annotate(**counts)
        .values_list("organisation_id", "course_id", *counts)
        .order_by()
    )
    out: dict = {p: {} for p in periods}
    for org, course, *figures in rows:
        for period, n in zip(periods, figures, strict=True):
            if n:
                out[period][(org, course)] = n
    return out


def assignment_counts(ids, period: Period, group_ids, today: date) -> dict:
    """{(organisation, course): {assigned, overdue}}: (learner, course) pairs assigned by the
    period's end and still assigned then; overdue: due before the reference day (the period's
    end or today, the earlier) and not completed before it."""
    return run(assignments_statement(ids, period, group_ids, today))


def assignments_statement(ids, period: Period, group_ids, today: date) -> Statement:
    start, end = period.bounds()
    reference = min(today, period.end + timedelta(days=1))
    orgs, params = _in(ids)
    groups, group_params = _group_sql("x.user_id", group_ids)
    active = (
        f"a.organisation_id IN {orgs} AND a.created_at < %s "
        "AND (a.unassigned_at IS NULL OR a.unassigned_at >= %s)"
    )
    sql = (
        "SELECT org, course, COUNT(*), COUNT(*) FILTER (WHERE due < %s AND NOT EXISTS ("  # nosec B608
        f"SELECT 1 FROM {_E} e WHERE e.user_id = pairs.user_id AND e.course_id = pairs.course "
        "AND e.completed_at < %s)) FROM ("
        "SELECT org, course, user_id, MIN(due) AS due FROM ("
        "SELECT a.organisation_id AS org, a.course_id AS course, gm.user_id, a.due_date AS due "
        f"FROM {_AS} a JOIN {_G} gm ON gm.group_id = a.group_id WHERE {active} "
        "UNION ALL SELECT a.organisation_id, a.course_id, al.user_id, a.due_date "
        f"FROM {_AS} a JOIN {_AL} al ON al.assignment_id = a.id WHERE {active}"
        f") AS x WHERE TRUE{groups} GROUP BY org, course, user_id) AS pairs GROUP BY org, course"
    )
    ref_dt = Period(reference, reference).bounds()[0]
    end = _at(end)
    args = [reference, _at(ref_dt), *params, end, end, *params, end, end, *group_params]
    return Statement(
        sql,
        args,
        lambda rows: {(org, course): {"assigned": a, "overdue": o} for org, course, a, o in rows},
    )


def learner_counts(ids, period: Period, group_ids, enrolled: dict | None = None) -> dict:
    """{(organisation, course or None): people reached}: distinct people per organisation
    (and course) with an enrolment made by the period's end or a classroom session attended
    by then. A person is counted once per organisation.

    An account enrols in a course once, so per course the people are the enrolments
    (``enrolled``: ``enrolment_counts`` of the same arguments, computed when not given) plus
    the attendees without one; per organisation the distinct enrolled accounts plus the
    attendees without any enrolment there. Integer keys, no text per row."""
    if enrolled is None:
        enrolled = enrolment_counts(ids, period, group_ids)
    return reached(run(learners_statement(ids, period, group_ids)), enrolled)


def learners_statement(ids, period: Period, group_ids) -> Statement:
    """``parse`` gives the rows as they are; ``reached(rows, enrolled)`` makes the result."""
    start, end = period.bounds()
    end = _at(end)
    orgs, params = _in(ids)
    e_groups, e_params = _group_sql("e.user_id", group_ids)
    a_groups, a_params = _group_sql("a.user_id", group_ids)
    # PostgreSQL: OFFSET 0 keeps the check a probe per attendee (no hash of all enrolments).
    fence = "" if _sqlite() else " OFFSET 0"
    has = (
        f"SELECT 1 FROM {_E} x WHERE x.user_id = att.uid AND x.organisation_id = att.org "  # nosec B608
        "AND x.created_at < %s"
    )
    sql = (
        "WITH att AS (SELECT DISTINCT s.organisation_id AS org, s.course_id AS course, "  # nosec B608
        "a.user_id AS uid, CASE WHEN a.user_id IS NULL THEN lower(a.email) END AS em "
        f"FROM {_A} a JOIN {_S} s ON s.id = a.session_id "
        f"WHERE s.organisation_id IN {orgs} AND s.held_on <= %s{a_groups}) "
        "SELECT org, course, COUNT(*) FROM att "
        f"WHERE NOT EXISTS ({has} AND x.course_id = att.course{fence}) GROUP BY org, course "
        "UNION ALL SELECT org, NULL, COUNT(*) FROM (SELECT DISTINCT org, uid, em FROM att "
        f"WHERE NOT EXISTS ({has}{fence})) AS v GROUP BY org "
        f"UNION ALL SELECT e.organisation_id, NULL, COUNT(DISTINCT e.user_id) FROM {_E} e "
        f"WHERE e.organisation_id IN {orgs} AND e.created_at < %s{e_groups} "
        "GROUP BY e.organisation_id"
    )
    args = [*params, period.end, *a_params, end, end, *params, end, *e_params]
    return Statement(sql, args, list)


def reached(rows, enrolled: dict) -> dict:
    """learner_counts from the rows of ``learners_statement`` and enrolment_counts."""
    out = {key: row["enrolled"] for key, row in enrolled.items() if row["enrolled"]}
    for org, course, n in rows:
        out[(org, course)] = out.get((org, course), 0) + n
    return out


def attitude_sums(ids, period: Period, group_ids) -> dict:
    """{(organisation, course): (n, sum pre, sum post)}: enrolments whose post questionnaire
    came in during the period and that have a pre score too (paired)."""
    start, end = period.bounds()
    pre = SurveyResponse.objects.filter(
        enrolment_id=OuterRef("enrolment_id"),
        survey_id=OuterRef("survey_id"),
        phase=SurveyResponse.Phase.PRE,
        skipped=False,
    )
    qs = SurveyResponse.objects.filter(
        phase=SurveyResponse.Phase.POST,
        skipped=False,
        submitted_at__gte=start,
        submitted_at__lt=end,
        enrolment__organisation_id__in=ids,
    )
    if group_ids is not None:
        qs = qs.filter(_in_groups(group_ids, "enrolment__user"))
    from django.db.models import Subquery, Sum

    qs = qs.annotate(pre_score=Subquery(pre.values("score")[:1])).filter(pre_score__isnull=False)
    rows = qs.values("enrolment__organisation_id", "enrolment__course_id").annotate(
        n=Count("id"), pre=Sum("pre_score"), post=Sum("score")
    )
    return {
        (r["enrolment__organisation_id"], r["enrolment__course_id"]): (r["n"], r["pre"], r["post"])
        for r in rows
    }


def group_counts(ids, period: Period, group_ids, course_id) -> dict:
    """{group: {enrolled, started, online, classroom}} for the members' enrolments and
    classroom attendance in the given organisations."""
    if not group_ids:
        return {}
    start, end = period.bounds()
    orgs, params = _in(ids)
    groups, group_params = _in(group_ids)
    e_course = " AND e.course_id = %s" if course_id else ""
    s_course = " AND s.course_id = %s" if course_id else ""
    course = [course_id] if course_id else []
    pair = "a.user_id || ',' || s.course_id" if _sqlite() else "(a.user_id, s.course_id)"
    end = _at(end)
    sql = (
        "SELECT gm.group_id, COUNT(e.id), COUNT(e.id) FILTER (WHERE e.started_at < %s), "  # nosec B608
        "COUNT(e.id) FILTER (WHERE e.completed_at >= %s AND e.completed_at < %s), 0 "
        f"FROM {_G} gm JOIN {_E} e ON e.user_id = gm.user_id "
        f"WHERE gm.group_id IN {groups} AND e.organisation_id IN {orgs} "
        f"AND e.created_at < %s{e_course} GROUP BY gm.group_id "
        f"UNION ALL SELECT gm.group_id, 0, 0, 0, COUNT(DISTINCT {pair}) "
        f"FROM {_G} gm JOIN {_A} a ON a.user_id = gm.user_id JOIN {_S} s ON s.id = a.session_id "
        f"WHERE gm.group_id IN {groups} AND s.organisation_id IN {orgs} "
        f"AND s.held_on BETWEEN %s AND %s{s_course} GROUP BY gm.group_id"
    )
    args = [end, _at(start), end, *group_params, *params, end, *course]
    args += [*group_params, *params, period.start, period.end, *course]
    out: dict = {}
    for group, enrolled, started, online, classroom in _fetch(sql, args):
        row = out.setdefault(group, {"enrolled": 0, "started": 0, "online": 0, "classroom": 0})
        row["enrolled"] += enrolled
        row["started"] += started
        row["online"] += online
        row["classroom"] += classroom
    return out
