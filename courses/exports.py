"""CSV export of a trainer's progress matrix, streamed row by row.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as formulas ("CSV injection"); names are typed by users, so every such cell gets a
leading apostrophe. The file starts with a UTF-8 byte order mark so that Excel reads accents
correctly.
"""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.queries_trainer import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Column,
    matrix_chunks,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


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
