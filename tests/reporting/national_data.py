"""A small national dataset and a table reader for the national overview and progress report
tests. Counts are kept at 5 or more where a test reads them (the coordinator sees aggregates
only: smaller counts are suppressed)."""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils import timezone

from courses.models import ClassroomAttendance, ClassroomSession
from reporting.models import Target
from tests.factories import CourseFactory, EnrolmentFactory, MemberFactory, OrganisationFactory


@dataclass
class Partner:
    organisation: object
    course: object


def add_partner(*, name, kind, theme, course_title, enrolled, completed, classroom=0, target=None):
    """A partner of one theme with ``enrolled`` learners in one course, ``completed`` of them
    completed online now, and ``classroom`` people who attended a class today."""
    organisation = OrganisationFactory(name=name, kind=kind, themes=[theme])
    course = CourseFactory(title_en=course_title, title_nl=course_title, theme=theme)
    now = timezone.now()
    for index in range(enrolled):
        user = MemberFactory(organisation=organisation, role="learner").user
        EnrolmentFactory(
            user=user,
            course=course,
            organisation=organisation,
            started_at=now,
            completed_at=now if index < completed else None,
        )
    if classroom:
        session = ClassroomSession.objects.create(
            course=course, organisation=organisation, held_on=timezone.localdate()
        )
        for index in range(classroom):
            ClassroomAttendance.objects.create(
                session=session, email=f"class-{organisation.pk}-{index}@example.org"
            )
    if target is not None:
        Target.objects.create(
            organisation=organisation,
            course=course,
            year=timezone.localdate().year,
            completions=target,
            label="Staff trained",
        )
    return Partner(organisation, course)


class Tables(HTMLParser):
    """Every ``<table>`` with an id: its rows as lists of cell texts (header row included)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
