"""The dashboard's tables, assembled once from ``reporting.statistics`` and used by both the
page and the exports (CSV, XLSX): what is downloaded is what is shown.

A cell is a ``Value``: its raw figure, its kind (count, percentage, number, date, text) and
whether it is hidden. The engine returns ``None`` for a count it must hide (fewer than
``REPORTING_MIN_CELL`` learners, or a second cell hidden so the first cannot be derived from a
total); pages and files show it as "< K". A percentage or average without data is "not
available" (an empty cell in the files, a dash on the page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reporting import statistics

COUNT, PERCENT, SCORE, NUMBER, DATE, TEXT = "count", "percent", "score", "number", "date", "text"

# key figure → (label, kind); the order of the page and the files
KEY_FIGURES = [
    ("learners", lambda: _("Learners"), COUNT),
    ("enrolled", lambda: _("Enrolled"), COUNT),
    ("started", lambda: _("Started"), COUNT),
    ("completed", lambda: _("Completed"), COUNT),
    ("completed_online", lambda: _("Completed online"), COUNT),
    ("completed_classroom", lambda: _("Completed in a classroom session"), COUNT),
    ("completion_rate", lambda: _("Completion rate"), PERCENT),
    ("first_attempt_pass_rate", lambda: _("Passed the final quiz at the first attempt"), PERCENT),
    ("average_score", lambda: _("Average final quiz score"), SCORE),
    ("median_days_to_complete", lambda: _("Median days from enrolment to completion"), NUMBER),
    ("assigned", lambda: _("Assigned"), COUNT),
    ("overdue", lambda: _("Overdue"), COUNT),
    ("certificates_issued", lambda: _("Certificates issued"), COUNT),
    ("certificates_expiring_soon", lambda: _("Certificates expiring soon"), COUNT),
]
HEADLINE = ("learners", "completed", "completion_rate", "certificates_issued")
RATE_PARTS = {"completion_rate": ("completed", "enrolled")}


def min_cell() -> int:
    return getattr(settings, "REPORTING_MIN_CELL", 5)


@dataclass(frozen=True)
class Value:
    raw: int | float | str | date | None
    kind: str = COUNT
    suppressed: bool = False
    url: str = ""

    @property
    def missing(self) -> bool:
        return self.raw is None and not self.suppressed

    def export(self) -> int | float | str | date:
        """The cell in a file: numbers as numbers (percentages and scores as 0–100, one
        decimal)."""
        if self.suppressed:
            return f"< {min_cell()}"
        if self.raw is None:
            return ""
        if self.kind == PERCENT:
            return round(float(self.raw) * 100, 1) + 0.0  # + 0.0: no "-0.0"
        if self.kind in (NUMBER, SCORE):
            return round(float(self.raw), 1) + 0.0
        return self.raw

    def text(self) -> str:
        """The cell on the page (numbers in the reader's language)."""
        if self.suppressed:
            return f"< {min_cell()}"
        if self.raw is None:
            return "–"
        if self.kind in (PERCENT, SCORE):
            return f"{formats.number_format(self.export(), 1, use_l10n=True)} %"
        if self.kind == NUMBER:
            return formats.number_format(self.export(), 1, use_l10n=True)
        if self.kind == DATE:
            return formats.date_format(self.raw, "j F Y")
        return str(self.raw)


def count(value) -> Value:
    """A count from the engine: ``None`` means hidden."""
    return Value(value, COUNT, suppressed=value is None)


def rate(value, *parts) -> Value:
    """A percentage; hidden (rather than "not available") when a count it is made of is."""
    return Value(value, PERCENT, suppressed=value is None and any(p is None for p in parts))


@dataclass
class Table:
    key: str  # also the file name of its export and the page element's id
    title: str
    columns: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    numeric_from: int = 1  # columns from here on are right-aligned figures

    @property
    def suppressed(self) -> bool:
        return any(cell.suppressed for row in self.rows for cell in row)

    def export_rows(self) -> list[list]:
        return [[cell.export() for cell in row] for row in self.rows]


TABLE_KEYS = ("figures", "courses", "groups", "organisations", "weeks")


def _row_columns(first: str) -> list[str]:
    return [
        first,
        _("Enrolled"),
        _("Started"),
        _("Completed"),
        _("Of which in a classroom session"),
        _("Completion rate"),
    ]


def _row_cells(row: statistics.Row, url: str = "", label: str | None = None) -> list[Value]:
    return [
        Value(row.label if label is None else label, TEXT, url=url),
        count(row.enrolled),
        count(row.started),
        count(row.completed),
        count(row.completed_classroom),
        rate(row.completion_rate, row.completed, row.enrolled),
    ]


@dataclass
class Dashboard:
    """Everything the dashboard shows, for one viewer, period and set of filters."""

    figures: dict
    tables: dict[str, Table]
    weeks: list[tuple[date, int | None]]
    attitude: dict | None

    def headline(self) -> list[tuple[str, Value]]:
        table = self.tables["figures"]
        wanted = {key: index for index, (key, _label, _kind) in enumerate(KEY_FIGURES)}
        return [(table.rows[wanted[key]][0].raw, table.rows[wanted[key]][1]) for key in HEADLINE]

    def chart(self) -> dict:
        """The data island of the weekly chart (hidden weeks are gaps)."""
        return {
            "labels": [formats.date_format(week, "j M") for week, _value in self.weeks],
            "values": [value for _week, value in self.weeks],
            "label": _("Completions per week"),
        }


def build(
    *,
    viewer: statistics.Viewer,
    period: statistics.Period,
    filters: statistics.Filters,
    drill_down_query: dict | None = None,
    drill_down_path: str = "",
) -> Dashboard:
    """All tables of the dashboard. ``drill_down_query`` (the current filters) and
    ``drill_down_path`` make each sub-organisation's name a link to the same view narrowed to
    it."""
    figures = statistics.key_figures(viewer, period, filters)
    key_table = Table("figures", _("Key figures"), [_("Figure"), _("Value")])
    for key, label, kind in KEY_FIGURES:
        raw = figures.get(key)
        if kind == COUNT:
            value = count(raw)
        elif key in RATE_PARTS:
            value = rate(raw, *(figures.get(part) for part in RATE_PARTS[key]))
        else:
            value = Value(raw, kind)
        key_table.rows.append([Value(label(), TEXT), value])

    courses = Table("courses", _("Per course"), _row_columns(_("Course")))
    for row in statistics.table_per_course(viewer, period, filters):
        courses.rows.append(_row_cells(row))

    groups = Table("groups", _("Per group"), _row_columns(_("Group")))
    if viewer.detail:
        for row in statistics.table_per_group(viewer, period, filters):
            groups.rows.append(_row_cells(row))

    organisations = Table(
        "organisations", _("Per sub-organisation"), _row_columns(_("Sub-organisation"))
    )
    for row in statistics.table_per_organisation(viewer, period, filters):
        url, label = "", None
        if row.is_own:  # the learners of the organisation itself, not of one below it
            label = _("%(name)s itself") % {"name": row.label}
        elif drill_down_query is not None:
            query = {**drill_down_query, "organisation": row.key}
            url = f"{drill_down_path}?{urlencode(query)}"
        organisations.rows.append(_row_cells(row, url, label))

    weeks = statistics.completions_per_week(viewer, period, filters)
    week_table = Table("weeks", _("Completions per week"), [_("Week starting"), _("Completed")])
    for week, value in weeks:
        week_table.rows.append([Value(week, DATE), count(value)])

    tables = {table.key: table for table in (key_table, courses, groups, organisations, week_table)}
    if not viewer.detail:
        del tables["groups"]
    return Dashboard(
        figures=figures,
        tables=tables,
        weeks=weeks,
        attitude=statistics.attitude_change(viewer, period, filters),
    )
