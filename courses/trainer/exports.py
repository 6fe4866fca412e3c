"""CSV export of a trainer's progress matrix, streamed row by row.

Every cell goes through ``accounts.spreadsheets.csv_safe`` (no formulas). The file starts
with a UTF-8 byte order mark so that Excel reads accents correctly.
"""

import csv
from collections.abc import Iterator

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
    matrix_chunks,
)


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


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def matrix_csv_lines(
    *, learners: QuerySet[User], columns: list[Column], language: str
) -> Iterator[str]:
    """Header and one line per learner: name, e-mail, last activity, and per course the status,
    progress percentage and completion date."""
    writer = csv.writer(_Echo())
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
        for rows in matrix_chunks(learners, columns):
            for row in rows:
                line = [row.learner.name, row.learner.email, _local(row.last_activity)]
                for cell in row.cells:
                    line += [
                        _status_label(cell.status),
                        cell.percent,
                        _local(cell.completed_at),
                    ]
                yield writer.writerow([csv_safe(value) for value in line])
