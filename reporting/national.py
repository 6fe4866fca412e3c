"""The national overview and the progress report for the coordinator.

Every figure comes from ``reporting.statistics.national_overview`` (the one statistics engine);
this module only shapes it:

- ``overview_data(period)`` turns the engine's theme blocks into plain JSON (numbers stay numbers,
  a suppressed cell stays ``None``). A progress report stores exactly this in
  ``ProgressReport.data``, so its print view, XLSX and PDF show the same figures, frozen at the
  moment the report was made, whatever changes afterwards.
- ``overview_tables(data)`` adds the display texts ("< 5", "42 %", theme names) the page, the
  print view, the XLSX and the PDF share, so a number is never formatted twice in two ways.
- ``progress_report_request`` and ``progress_report_make`` are the services behind the form and
  the Celery task. The task claims the report with a conditional UPDATE, so a duplicate delivery
  or a re-run does nothing to a finished report.

Periods are fixed (a calendar year or quarter): the coordinator sees aggregates only, and two
overlapping custom periods could be subtracted to reveal a suppressed cell.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

from accounts import outbox
from organisations.models import Theme
from reporting.models import ProgressReport

logger = logging.getLogger(__name__)

# A report left "being made" this long was lost with its worker: a new delivery may take it over.
STALE_AFTER = timedelta(minutes=15)
YEARS_BACK = 3


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodChoice:
    value: str  # "2025" or "2025-Q3"
    start: date
    end: date

    @property
    def label(self) -> str:
        if "-Q" in self.value:
            year, quarter = self.value.split("-Q")
            return gettext("Quarter %(quarter)s %(year)s") % {"quarter": quarter, "year": year}
        return gettext("Year %(year)s") % {"year": self.value}


def _quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def period_choices(today: date) -> list[PeriodChoice]:
    """The current year and quarter first, then earlier ones: only periods that have begun."""
    choices = []
    for year in range(today.year, today.year - YEARS_BACK, -1):
        choices.append(PeriodChoice(str(year), date(year, 1, 1), date(year, 12, 31)))
        last_quarter = _quarter_of(today) if year == today.year else 4
        for quarter in range(last_quarter, 0, -1):
            start = date(year, 3 * quarter - 2, 1)
            end = (date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - timedelta(days=1)
            choices.append(PeriodChoice(f"{year}-Q{quarter}", start, end))
    return choices


def period_choice(value: str | None, today: date) -> PeriodChoice | None:
    """The choice named ``value``; None for anything that is not on offer."""
    for choice in period_choices(today):
        if choice.value == value:
            return choice
    return None


def period_label(start: date, end: date) -> str:
    """ "Year 2025" or "Quarter 3 2025" for a stored report's period."""
    for choice in period_choices(max(end, timezone.localdate())):
        if (choice.start, choice.end) == (start, end):
            return choice.label
    return f"{start.isoformat()} – {end.isoformat()}"


# --- the data ----------------------------------------------------------------------------------


def overview_data(start: date, end: date) -> dict:
    """The national overview over the period as JSON, ready to store and to render."""
    from reporting import statistics

    blocks = statistics.national_overview(statistics.Period(start=start, end=end))
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "min_cell": min_cell(),
        "themes": [_theme_data(block) for block in blocks],
    }


def min_cell() -> int:
    return settings.REPORTING_MIN_CELL


def _figures(item) -> dict:
    return {
        "reached": item.reached,
        "completed": item.completed,
        "completed_online": item.completed_online,
        "completed_classroom": item.completed_classroom,
        "target": item.target,
        "progress": item.progress,
    }


def _theme_data(block) -> dict:
    """One theme block: a row per partner and course, plus the partner's "all courses" row
    when it has several courses or a target over all of them."""
    rows = []
    for partner in block.partners:
        for course in partner.courses:
            rows.append({"partner": partner.name, "course": course.title, **_figures(course)})
        if len(partner.courses) != 1 or partner.target is not None:
            rows.append({"partner": partner.name, "course": None, **_figures(partner)})
    attitude = block.attitude
    return {
        "theme": block.theme,
        "rows": rows,
        "attitude": None
        if attitude is None
        else {
            "n": attitude["n"],
            "pre": attitude["mean_pre"],
            "post": attitude["mean_post"],
            "change": attitude["mean_change"],
        },
        # A theme without partners has no trend (the engine's None there is "nobody", not "< K").
        "trend": [
            {"quarter": label, "completed": completed}
            for label, completed in (block.trend if block.partners else [])
        ],
    }


# --- display texts, shared by the page, the print view, the XLSX and the PDF -------------------


def count_text(value, minimum: int) -> str:
    """A count as shown: a suppressed cell reads "< 5"."""
    return f"< {minimum}" if value is None else str(value)


def percent_text(value) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def number_text(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def signed_text(value) -> str:
    return "–" if value is None else f"{value:+.1f}"


def theme_label(theme: int) -> str:
    try:
        return str(Theme(theme).label)
    except ValueError:
        return str(theme)


def overview_tables(data: dict) -> list[dict]:
    """Per theme: its name, the table rows as texts, the attitude texts and the trend rows."""
    minimum = data.get("min_cell", min_cell())
    themes = []
    for theme in data["themes"]:
        rows = [
            {
                "partner": row["partner"],
                "course": row["course"] or gettext("All courses"),
                "cells": [
                    count_text(row["reached"], minimum),
                    count_text(row["completed_online"], minimum),
                    count_text(row["completed_classroom"], minimum),
                    count_text(row["completed"], minimum),
                    "–" if row["target"] is None else str(row["target"]),
                    percent_text(row["progress"]),
                ],
                "progress": row["progress"],
            }
            for row in theme["rows"]
        ]
        attitude = theme["attitude"]
        shown = (
            None
            if attitude is None
            else {
                "n": attitude["n"],
                "pre": number_text(attitude["pre"]),
                "post": number_text(attitude["post"]),
                "change": signed_text(attitude["change"]),
            }
        )
        themes.append(
            {
                "theme": theme["theme"],
                "label": theme_label(theme["theme"]),
                "slug": f"theme-{theme['theme']}",
                "rows": rows,
                "attitude": shown,
                "attitude_text": attitude_text(shown),
                "trend": [
                    {
                        "quarter": point["quarter"],
                        "cells": [count_text(point["completed"], minimum)],
                    }
                    for point in theme["trend"]
                ],
            }
        )
    return themes


def suppression_note(minimum: int) -> str:
    return gettext(
        "“< %(k)s” means fewer than %(k)s people: the number is hidden to protect their privacy. "
        "Where needed a second small number is hidden too, so no hidden number can be worked "
        "out from the totals. Questionnaire results are shown only for 10 or more people who "
        "answered before and after the course."
    ) % {"k": minimum}


def attitude_text(attitude: dict | None) -> str:
    """The attitude change as a sentence (its figures already as texts)."""
    if attitude is None:
        return gettext("Attitude change: fewer than 10 paired answers, not shown.")
    return (
        gettext(
            "Attitude change (paired answers before and after the course, n = %(n)s): "
            "%(pre)s before, %(post)s after, change %(change)s."
        )
        % attitude
    )


def table_headers() -> list[str]:
    """The columns of every partner table (after "Partner" and "Course")."""
    return [
        gettext("Reached"),
        gettext("Completed online"),
        gettext("Completed in class"),
        gettext("Completed in total"),
        gettext("Target"),
        gettext("Progress toward target"),
    ]


def trend_headers() -> list[str]:
    return [gettext("Completions (online and in class)")]


def chart_data(data: dict) -> dict:
    """The trend chart's data island: completions per quarter, one series per theme. Suppressed
    cells are gaps (null), never a number the tables do not show."""
    quarters: list[str] = []
    for theme in data["themes"]:
        for point in theme["trend"]:
            if point["quarter"] not in quarters:
                quarters.append(point["quarter"])
    series = []
    for theme in data["themes"]:
        if not theme["trend"]:
            continue
        by_quarter = {point["quarter"]: point["completed"] for point in theme["trend"]}
        series.append(
            {
                "label": theme_label(theme["theme"]),
                "values": [by_quarter.get(quarter) for quarter in quarters],
            }
        )
    return {"labels": quarters, "series": series}


# --- texts of the report ------------------------------------------------------------------------------


def report_title() -> str:
    return gettext("Training of professionals: progress report")


def annex_line() -> str:
    return gettext("Annex to the yearly progress letter to Parliament")


def source_line() -> str:
    return gettext("Source: Academy platform")


def period_text(data: dict) -> str:
    start = date.fromisoformat(data["period"]["start"])
    end = date.fromisoformat(data["period"]["end"])
    return (
        f"{period_label(start, end)} ({date_format(start, 'j F Y')} – {date_format(end, 'j F Y')})"
    )


def generated_text(generated_at: datetime) -> str:
    return gettext("Generated on %(date)s") % {
        "date": date_format(timezone.localtime(generated_at), "j F Y, H:i")
    }


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def progress_report_request(*, user, start: date, end: date) -> ProgressReport:
    """Record the request and queue the task once the row is committed."""
    from reporting.tasks import make_progress_report

    report = ProgressReport.objects.create(requested_by=user, period_start=start, period_end=end)
    outbox.enqueue(make_progress_report, report.pk)
    return report


def _claim(report_id: int) -> bool:
    """Take the report for this run: waiting, failed, or lost by a worker long ago."""
    claimable = Q(status__in=[ProgressReport.Status.PENDING, ProgressReport.Status.FAILED]) | Q(
        status=ProgressReport.Status.RUNNING, created_at__lt=timezone.now() - STALE_AFTER
    )
    return bool(
        ProgressReport.objects.filter(claimable, pk=report_id).update(
            status=ProgressReport.Status.RUNNING, progress=5, error=""
        )
    )


def _advance(report_id: int, progress: int) -> None:
    ProgressReport.objects.filter(pk=report_id).update(progress=progress)


def _report_language(report: ProgressReport) -> str:
    user = report.requested_by
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def progress_report_make(*, report_id: int) -> ProgressReport | None:
    """Make the report's data, XLSX and PDF. Steps are committed one by one (not atomic) so the
    status page can show the progress; a failure leaves the report "failed" with the reason (the
    coordinator may start it again). A finished report is left as it is."""
    from reporting.national_files import report_pdf, report_xlsx

    if not _claim(report_id):
        return ProgressReport.objects.filter(pk=report_id).first()
    report = ProgressReport.objects.select_related("requested_by").get(pk=report_id)
    try:
        with override(_report_language(report)):  # course titles and file texts
            data = overview_data(report.period_start, report.period_end)
            _advance(report_id, 40)
            generated_at = timezone.now()
            xlsx = report_xlsx(data, generated_at=generated_at)
            _advance(report_id, 70)
            pdf = report_pdf(data, generated_at=generated_at)
    except Exception as error:  # noqa: BLE001 - any failure: tell the coordinator, keep the reason
        logger.exception("progress report %s failed", report_id)
        ProgressReport.objects.filter(pk=report_id).update(
            status=ProgressReport.Status.FAILED, error=str(error)[:1000]
        )
        return None
    data["generated_at"] = generated_at.isoformat()
    report.data, report.xlsx, report.pdf = data, xlsx, pdf
    report.status, report.progress, report.finished_at = (
        ProgressReport.Status.DONE,
        100,
        timezone.now(),
    )
    report.save(update_fields=["data", "xlsx", "pdf", "status", "progress", "finished_at"])
    return report
