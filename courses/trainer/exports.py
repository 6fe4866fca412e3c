"""CSV export of a trainer's progress matrix: its one aggregate query and the streamed file.

Every cell goes through ``accounts.spreadsheets.csv_safe`` (no formulas). The file starts
with a UTF-8 byte order mark so that Excel reads accents correctly.
"""

import csv
from collections.abc import Iterator

from django.db import connection
from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.spreadsheets import FORMULA_PATTERN, csv_safe
from courses.models import Enrolment
from courses.trainer.queries import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Column,
    status_of,
)

# --- the export's one query ------------------------------------------------------------


def _export_aggregates(columns: list[Column]) -> dict:
    """Per learner: the last activity, and per column the enrolment's completion, a started
    flag (1/0; a flag reads faster than a date), its progress and when its certificate was
    issued. Max() over the enrolments of one (learner, course) pair is that enrolment's value,
    and it stays right whatever other joins the filters add."""
    courses = [c.course.pk for c in columns]
    aggregates = {
        "x_last": Max("enrolments__last_activity_at", filter=Q(enrolments__course_id__in=courses))
    }
    for index, column in enumerate(columns):
        same_course = Q(enrolments__course_id=column.course.pk)
        aggregates[f"x{index}_done"] = Max("enrolments__completed_at", filter=same_course)
        aggregates[f"x{index}_start"] = Max(
            Case(
                When(enrolments__started_at__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            filter=same_course,
        )
        aggregates[f"x{index}_pct"] = Max("enrolments__progress_percent", filter=same_course)
        aggregates[f"x{index}_cert"] = Max("enrolments__certificate_issued_at", filter=same_course)
    return aggregates


def matrix_export_rows(learners: QuerySet[User], columns: list[Column]) -> QuerySet:
    """Every learner of the matrix as one tuple, from ONE aggregate query read in one fetch (a
    group's rows are few and small): ``(name, email, last activity, then per column: completed
    at, started 1/0/None, progress %, certificate issued at)``."""
    aggregates = _export_aggregates(columns)
    return learners.annotate(**aggregates).values_list("name", "email", *aggregates)


def matrix_export_csv_sql(
    learners: QuerySet[User], columns: list[Column], *, labels: dict[str, str], zone: str
) -> tuple[str, list]:
    """The export's lines as text formatted by PostgreSQL itself, for ``COPY (…) TO STDOUT``:
    the same fields, statuses (``status_of``), neutralised texts (``csv_safe``; an empty text
    becomes NULL, which COPY writes as an empty field, as the csv module does) and local times
    as the Python path of ``courses.trainer.exports``; a test compares the two byte for byte.

    Written as SQL around the learners query (filters and order as on the page, numbered by a
    window): built with the ORM, its dozens of filtered aggregates cost more to compile than
    PostgreSQL needs to run them. Course ids are integers from the database (cast with ``int``),
    column names are the code's own; every other value is a parameter."""
    numbered = (
        learners.annotate(x_row=Window(RowNumber(), order_by=list(learners.query.order_by)))
        .order_by()
        .values_list("pk", "name", "email", "x_row")
    )
    learners_sql, learners_params = numbered.query.sql_with_params()
    params = list(learners_params)
    courses = [int(column.course.pk) for column in columns]
    aggregates = ["MAX(e.last_activity_at) AS last_activity"]
    for index, course in enumerate(courses):
        only = f"FILTER (WHERE e.course_id = {course})"
        aggregates += [
            f"MAX(e.completed_at) {only} AS done{index}",
            f"MAX(CASE WHEN e.started_at IS NOT NULL THEN 1 ELSE 0 END) {only} AS started{index}",
            f"MAX(e.progress_percent) {only} AS percent{index}",
            f"MAX(e.certificate_issued_at) {only} AS certificate{index}",
        ]
    outer_params: list = []

    def safe(field: str) -> str:
        outer_params.append(FORMULA_PATTERN)
        return f"CASE WHEN a.{field} ~ %s THEN '''' || a.{field} ELSE NULLIF(a.{field}, '') END"

    def local(field: str) -> str:
        outer_params.append(zone)
        return f"to_char(timezone(%s, a.{field}), 'YYYY-MM-DD HH24:MI')"

    fields = [safe("name"), safe("email"), local("last_activity")]
    for index, column in enumerate(columns):
        status = f"CASE WHEN a.done{index} IS NOT NULL THEN %s "
        outer_params.append(labels[COMPLETED])
        if column.overdue:
            status += "WHEN TRUE THEN %s "
            outer_params.append(labels[OVERDUE])
        status += f"WHEN a.started{index} = 1 OR a.percent{index} > 0 THEN %s ELSE %s END"
        outer_params += [labels[IN_PROGRESS], labels[NOT_STARTED]]
        fields += [
            status,
            f"COALESCE(a.percent{index}, 0)",
            local(f"done{index}"),
            local(f"certificate{index}"),
        ]
    in_courses = ", ".join(str(course) for course in courses) or "NULL"
    sql = (
        f"SELECT {', '.join(fields)} FROM ("  # nosec B608
        f"SELECT l.x_row, l.name, l.email, {', '.join(aggregates)} "
        f"FROM ({learners_sql}) l LEFT JOIN {Enrolment._meta.db_table} e "
        f"ON e.user_id = l.pk AND e.course_id IN ({in_courses}) "
        "GROUP BY l.x_row, l.pk, l.name, l.email) a ORDER BY a.x_row"
    )
    # the outer placeholders come first in the text, the learners query's inside it
    return sql, outer_params + params


# --- the file --------------------------------------------------------------------------------


LINES_PER_CHUNK = 200  # lines per piece of the streamed response (Python path)
BYTES_PER_CHUNK = 32 * 1024  # bytes per piece of the streamed response (COPY path)


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


class _LineWriter:
    """csv.writer with lines ending in "\n" as PostgreSQL's COPY writes them, quoting a cell
    with a carriage return as COPY does: the csv module quotes only the characters of its own
    line end, and a bare carriage return would start a new row (and a formula) in Excel."""

    def __init__(self) -> None:
        self._writer = csv.writer(_Echo(), lineterminator="\r\n")

    def writerow(self, row) -> str:
        return self._writer.writerow(row).removesuffix("\r\n") + "\n"


def _status_label(status: str) -> str:
    return {
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        OVERDUE: _("Overdue"),
    }[status]


def _local(value, zone=None) -> str:
    if not value:
        return ""
    return value.astimezone(zone or timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")


def matrix_csv_lines(
    *, learners: QuerySet[User], columns: list[Column], language: str
) -> Iterator[str | bytes]:
    """Header and one line per learner: name, e-mail, last activity, and per course the status,
    progress percentage, completion date and when its certificate was issued (empty: none, or
    revoked). One aggregate query for all learners, formatted by PostgreSQL itself (``COPY``)
    or, on SQLite, in Python. Only the texts people typed (names, addresses, course titles)
    can start a formula, so only they are neutralised (labels, numbers and dates are ours)."""
    writer = _LineWriter()
    with translation.override(language):
        header = [_("Name"), _("E-mail address"), _("Last activity")]
        for column in columns:
            title = column.course.title
            header += [
                _("%(course)s: status") % {"course": title},
                _("%(course)s: progress (%%)") % {"course": title},
                _("%(course)s: completed on") % {"course": title},
                _("%(course)s: certificate issued on") % {"course": title},
            ]
        yield "\ufeff" + writer.writerow([csv_safe(cell) for cell in header])
        labels = {
            status: _status_label(status)
            for status in (NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE)
        }
        if connection.vendor == "postgresql":
            yield from _copy_lines(learners, columns, labels)
            return
        yield from _python_lines(learners, columns, labels, writer)


def _copy_lines(learners, columns, labels) -> Iterator[bytes]:
    """The lines as PostgreSQL writes them with ``COPY (…) TO STDOUT (FORMAT csv)``: the
    fastest way, with no Python work per learner."""
    sql, params = matrix_export_csv_sql(
        learners, columns, labels=labels, zone=timezone.get_current_timezone_name()
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            piece = bytearray()
            for block in copy:  # PostgreSQL sends a block per line: pass them on in pieces
                piece += block
                if len(piece) >= BYTES_PER_CHUNK:
                    yield bytes(piece)
                    piece.clear()
            if piece:
                yield bytes(piece)


def _python_lines(learners, columns, labels, writer) -> Iterator[str]:
    """The same lines formatted in Python (SQLite, the embedded default)."""
    overdue = [column.overdue for column in columns]
    zone = timezone.get_current_timezone()
    batch: list[str] = []
    for name, email, last_activity, *cells in matrix_export_rows(learners, columns):
        line = [csv_safe(name), csv_safe(email), _local(last_activity, zone)]
        for index, is_overdue in enumerate(overdue):
            completed_at, started, percent, certificate_at = cells[4 * index : 4 * index + 4]
            status = status_of(
                completed_at=completed_at,
                started_at=started or None,
                percent=percent,
                overdue=is_overdue,
            )
            line += [
                labels[status],
                percent or 0,
                _local(completed_at, zone),
                _local(certificate_at, zone),
            ]
        batch.append(writer.writerow(line))
        if len(batch) == LINES_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
