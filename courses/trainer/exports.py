"""CSV export of a trainer's progress matrix, streamed row by row.

Every cell goes through ``accounts.spreadsheets.csv_safe`` (no formulas). The file starts
with a UTF-8 byte order mark so that Excel reads accents correctly.
"""

import csv
from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.spreadsheets import csv_safe
from courses.trainer.queries import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Column,
    matrix_export_csv_sql,
    matrix_export_rows,
    status_of,
)

LINES_PER_CHUNK = 200  # lines per piece of the streamed response (Python path)
BYTES_PER_CHUNK = 32 * 1024  # bytes per piece of the streamed response (COPY path)


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


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
    progress percentage and completion date. One aggregate query for all learners, formatted
    by PostgreSQL itself (``COPY``) or, on SQLite, in Python. Only the texts people typed
    (names, addresses, course titles) can start a formula, so only they are neutralised
    (labels, numbers and dates are ours)."""
    writer = csv.writer(_Echo(), lineterminator="\n")  # as PostgreSQL's COPY writes lines
    with translation.override(language):
        header = [_("Name"), _("E-mail address"), _("Last activity")]
        for column in columns:
            title = column.course.title
            header += [
                _("%(course)s: status") % {"course": title},
                _("%(course)s: progress (%%)") % {"course": title},
                _("%(course)s: completed on") % {"course": title},
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
            completed_at, started, percent = cells[3 * index : 3 * index + 3]
            status = status_of(
                completed_at=completed_at,
                started_at=started or None,
                percent=percent,
                overdue=is_overdue,
            )
            line += [labels[status], percent or 0, _local(completed_at, zone)]
        batch.append(writer.writerow(line))
        if len(batch) == LINES_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
