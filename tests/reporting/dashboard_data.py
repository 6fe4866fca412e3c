"""Small datasets and page readers for the dashboard and export tests."""

import re
from datetime import date, datetime
from html.parser import HTMLParser

from django.utils import timezone

from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    GroupMemberFactory,
    MemberFactory,
)


def make_course(title: str, slug: str):
    """A published course with the same title in both languages."""
    return CourseFactory(title_nl=title, title_en=title, slug=slug)


def add_learners(organisation, course, *, count: int, completed: int = 0, group=None):
    """``count`` learners of the organisation enrolled in the course (started now); the first
    ``completed`` of them completed it now. Returns the users."""
    now = timezone.now()
    users = []
    for index in range(count):
        user = MemberFactory(organisation=organisation, role="learner").user
        EnrolmentFactory(
            user=user,
            course=course,
            organisation=organisation,
            started_at=now,
            last_activity_at=now,
            completed_at=now if index < completed else None,
            progress_percent=100 if index < completed else 50,
        )
        if group is not None:
            GroupMemberFactory(group=group, user=user)
        users.append(user)
    return users


class _Tables(HTMLParser):
    """Collects every ``<table id="table-...">``: rows of cell texts (a ``<time>`` cell gives
    its ``datetime``; hidden "not available" texts are dropped, as the files leave them
    empty)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self.current = attrs["id"].removeprefix("table-")
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.row = []
        elif self.current and tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif self.cell is not None and tag == "time":
            self.cell.append(attrs["datetime"])
            self.skip += 1
        elif self.cell is not None and "visually-hidden" in (attrs.get("class") or ""):
            self.skip += 1
        elif self.cell is not None and attrs.get("aria-hidden") == "true":
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("time", "span") and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.current:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


PAGE_NUMBER = re.compile(r"^-?\d+([,.]\d+)?( %)?$")


def normal(value) -> str:
    """One cell, from the page or a file, in one notation: numbers with one decimal ("42.5",
    "12.0"; the page writes "42,5 %"), "< 5", dates as "2025-01-06", texts as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{value:.1f}"
    text = str(value).strip()
    if PAGE_NUMBER.match(text):
        return f"{float(text.removesuffix(' %').replace(',', '.')):.1f}"
    return text


def normal_rows(rows) -> list[list[str]]:
    return [[normal(cell) for cell in row] for row in rows]
