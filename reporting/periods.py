"""Reporting periods: inclusive date ranges, from fixed names or the dashboard's GET params.

Aggregate-only viewers (above the learner's organisation) get fixed calendar periods only
(``Period.is_fixed``): two overlapping custom periods could otherwise be subtracted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

FIXED = ("month", "quarter", "year")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def named(cls, name: str, today: date) -> Period:
        """The current month, quarter or year (containing ``today``), or the last 30 days."""
        if name == "month":
            return cls.month(today.year, today.month)
        if name == "quarter":
            return cls.quarter(*quarter_of(today))
        if name == "year":
            return cls.year(today.year)
        if name == "last_30_days":
            return cls(today - timedelta(days=29), today)
        raise ValueError(f"Unknown period {name!r}.")

    @classmethod
    def parse(cls, data: Mapping, today: date, *, fixed_only: bool = False) -> Period:
        """From GET params: ``period=month|quarter|year`` (optionally ``start=YYYY-MM-DD`` to pick
        the month, quarter or year containing that day) or ``period=custom&start=&end=``.
        Anything unreadable, or a custom range when ``fixed_only``: the current quarter."""
        name = (data.get("period") or "").strip()
        start = _date(data.get("start"))
        if name in FIXED:
            return cls.named(name, start or today)
        if name == "last_30_days" and not fixed_only:
            return cls.named(name, today)
        if name == "custom" and not fixed_only:
            end = _date(data.get("end"))
            if start and end and start <= end:
                return cls(start, end)
        return cls.named("quarter", today)

    # --- properties -----------------------------------------------------------------------

    @property
    def is_fixed(self) -> bool:
        """A whole calendar month, quarter or year."""
        s, e = self.start, self.end
        if s.day != 1 or e != _month_end(e.year, e.month) or s.year != e.year:
            return False
        months = e.month - s.month + 1
        return months == 1 or (months == 3 and s.month % 3 == 1) or months == 12

    @property
    def name(self) -> str:
        if not self.is_fixed:
            return "custom"
        return {1: "month", 3: "quarter", 12: "year"}[self.end.month - self.start.month + 1]

    def family(self) -> tuple[Period, list[Period]] | None:
        """(the calendar year, its four quarters) for a quarter or a year; otherwise None.
        Aggregate-only viewers see these periods only: their figures are protected together
        (``reporting.timeline``)."""
        if self.name not in ("quarter", "year"):
            return None
        year = self.start.year
        return Period.year(year), [Period.quarter(year, q) for q in (1, 2, 3, 4)]

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [start 00:00, day after end 00:00) in the current time zone."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def weeks(self) -> list[date]:
        """Mondays of the weeks that overlap the period."""
        monday = self.start - timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += timedelta(days=7)
        return out

    def last_quarters(self, count: int = 4) -> list[Period]:
        """The ``count`` quarters up to the one containing the period's end, oldest first."""
        year, q = quarter_of(self.end)
        out = []
        for _ in range(count):
            out.append(Period.quarter(year, q))
            year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        return out[::-1]


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
