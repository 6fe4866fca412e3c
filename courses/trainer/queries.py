"""Reads for the trainer pages: groups with their completion, and the progress matrix.

The matrix is "learners × assigned courses". Its queries do not grow with the number of
learners or courses: the learners of a page come from one annotated query (filters and sorting
in SQL), their enrolments in the page's courses from a second one.

A cell's status, in this order: ``completed`` (the enrolment is complete), ``overdue`` (not
complete and the due date has passed), ``in_progress`` (started or some lessons done),
``not_started``. Filtering on a status without a course keeps the learners who have at least one
course in that status; ``not_done`` keeps those who have not completed every course. A completed
cell also says whether its certificate was issued (``Enrolment.certificate_issued_at``, kept by
the certificates app), as text.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Assignment, Course, Enrolment, Lesson, LessonProgress
from organisations.models import Group, GroupMember, Organisation

PAGE_SIZE = 50

NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE, NOT_DONE = (
    "not_started",
    "in_progress",
    "completed",
    "overdue",
    "not_done",
)
STATUS_CHOICES = [
    (NOT_DONE, _("Not completed")),
    (NOT_STARTED, _("Not started")),
    (IN_PROGRESS, _("In progress")),
    (OVERDUE, _("Overdue")),
    (COMPLETED, _("Completed")),
]
SORT_CHOICES = [
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("-activity", _("Last activity (most recent first)")),
    ("activity", _("Last activity (longest ago first)")),
    ("progress", _("Progress (lowest first)")),
    ("-progress", _("Progress (highest first)")),
]
SORTS = dict(SORT_CHOICES)


# --- the trainer's groups -------------------------------------------------------------------


def active_assignments_queryset() -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(unassigned_at__isnull=True)
        .select_related("course")
        .order_by("due_date", "pk")
    )


def trainer_groups(*, organisations: QuerySet[Organisation]) -> QuerySet[Group]:
    """Groups of the given organisations with ``member_count`` and ``active_assignments``."""
    return (
        Group.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(member_count=Count("group_members", distinct=True))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=active_assignments_queryset(),
                to_attr="active_assignments",
            )
        )
        .order_by("organisation__name", "name", "pk")
    )


def groups_completion(groups: list[Group]) -> None:
    """Set ``completed_cells``, ``total_cells`` and ``completion_percent`` on each group: the
    share of (member, assigned course) pairs that are complete. One query for all groups."""
    done = dict(
        GroupMember.objects.filter(
            group_id__in=[g.pk for g in groups],
            user__enrolments__completed_at__isnull=False,
            user__enrolments__course__assignments__group_id=F("group_id"),
            user__enrolments__course__assignments__unassigned_at__isnull=True,
        )
        .values("group_id")
        .annotate(n=Count("user__enrolments", distinct=True))
        .values_list("group_id", "n")
    )
    for group in groups:
        group.total_cells = group.member_count * len(group.active_assignments)
        group.completed_cells = done.get(group.pk, 0)
        group.completion_percent = (
            round(100 * group.completed_cells / group.total_cells) if group.total_cells else None
        )


def learner_assignments(*, organisations: QuerySet[Organisation]) -> QuerySet[Assignment]:
    """Active assignments to chosen learners (not to a group), with learner and done counts."""
    return (
        active_assignments_queryset()
        .filter(group__isnull=True, organisation__in=organisations)
        .select_related("organisation")
        .annotate(
            learner_count=Count("learners", distinct=True),
            completed_count=Count(
                "learners__enrolments",
                filter=Q(
                    learners__enrolments__course=F("course"),
                    learners__enrolments__completed_at__isnull=False,
                ),
                distinct=True,
            ),
        )
    )


# --- the progress matrix --------------------------------------------------------------------


@dataclass
class Column:
    assignment: Assignment
    overdue: bool
    completed_count: int = 0

    @property
    def course(self) -> Course:
        return self.assignment.course

    @property
    def due_date(self) -> date:
        return self.assignment.due_date


class StatusText:
    """What a cell says, in the active language: ``label`` ("In progress 40 %"), ``badge``
    (ok / error, or "" for none), ``detail`` (completion date or progress of an overdue
    course) and ``certificate`` (for a completed course: issued on which date, or not). Built
    in Python: the matrix has hundreds of cells per page."""

    status: str

    @cached_property
    def label(self) -> str:
        if self.status == COMPLETED:
            return gettext("Completed")
        if self.status == OVERDUE:
            return gettext("Overdue")
        if self.status == IN_PROGRESS:
            if self.percent >= 100:
                return gettext("Lessons done, quiz not passed yet")
            return gettext("In progress %(percent)s %%") % {"percent": self.percent}
        return gettext("Not started")

    @cached_property
    def badge(self) -> str:
        return {COMPLETED: "ok", OVERDUE: "error"}.get(self.status, "")

    @cached_property
    def detail(self) -> str:
        if self.status == COMPLETED and self.completed_at:
            return date_format(timezone.localtime(self.completed_at), "j F Y")
        if self.status == OVERDUE:
            return gettext("%(percent)s %% done") % {"percent": self.percent}
        return ""

    @cached_property
    def certificate(self) -> str:
        if self.status != COMPLETED:
            return ""
        issued_at = self.enrolment.certificate_issued_at if self.enrolment else None
        if issued_at is None:
            return gettext("Certificate: not issued")
        return gettext("Certificate: %(date)s") % {
            "date": date_format(timezone.localtime(issued_at), "j F Y")
        }


@dataclass
class Cell(StatusText):
    column: Column
    enrolment: Enrolment | None
    status: str

    @property
    def percent(self) -> int:
        return self.enrolment.progress_percent if self.enrolment else 0

    @property
    def completed_at(self) -> datetime | None:
        return self.enrolment.completed_at if self.enrolment else None


@dataclass
class Row:
    learner: User
    cells: list[Cell] = field(default_factory=list)
    url: str = ""

    @property
    def last_activity(self) -> datetime | None:
        """The latest activity in the courses of the matrix."""
        moments = [
            c.enrolment.last_activity_at
            for c in self.cells
            if c.enrolment and c.enrolment.last_activity_at
        ]
        return max(moments, default=None)

    @property
    def progress(self) -> int:
        """Average progress over the courses of the matrix (0–100)."""
        return round(sum(c.percent for c in self.cells) / len(self.cells)) if self.cells else 0


def matrix_columns(assignments: list[Assignment], *, today: date) -> list[Column]:
    return [Column(assignment=a, overdue=a.due_date < today) for a in assignments]


def cell_status(enrolment: Enrolment | None, column: Column) -> str:
    if enrolment is None:
        return status_of(completed_at=None, started_at=None, percent=0, overdue=column.overdue)
    return status_of(
        completed_at=enrolment.completed_at,
        started_at=enrolment.started_at,
        percent=enrolment.progress_percent,
        overdue=column.overdue,
    )


def status_of(*, completed_at, started_at, percent, overdue: bool) -> str:
    """The status of one learner in one course of the matrix (page, filters and export)."""
    if completed_at is not None:
        return COMPLETED
    if overdue:
        return OVERDUE
    if started_at or percent:
        return IN_PROGRESS
    return NOT_STARTED


def _count(courses: list[int], condition: Q | None = None) -> Count:
    where = Q(enrolments__course_id__in=courses)
    if condition is not None:
        where &= condition
    return Count("enrolments", filter=where)


DONE = Q(enrolments__completed_at__isnull=False)
STARTED = Q(enrolments__completed_at__isnull=True) & (
    Q(enrolments__started_at__isnull=False) | Q(enrolments__progress_percent__gt=0)
)


def matrix_learners(
    *,
    learners: QuerySet[User],
    columns: list[Column],
    status: str = "",
    course_column: Column | None = None,
    sort: str = "name",
) -> QuerySet[User]:
    """The learners of the matrix, filtered on ``status`` (for ``course_column`` or any course)
    and sorted by ``sort`` (see SORTS). Enrolments are joined and aggregated only when the
    filter or the sort needs them: the default (everyone by name) is a plain query."""
    courses = [c.course.pk for c in columns]
    scope = [course_column] if course_column is not None else columns
    scope_all = [c.course.pk for c in scope]
    scope_overdue = [c.course.pk for c in scope if c.overdue]
    scope_open = [c.course.pk for c in scope if not c.overdue]
    queryset = learners.only("pk", "name", "email").annotate(
        display_name=Lower(Coalesce(NullIf("name", Value("")), "email", output_field=CharField()))
    )
    if sort in ("activity", "-activity"):
        queryset = queryset.alias(
            last_activity=Max(
                "enrolments__last_activity_at", filter=Q(enrolments__course_id__in=courses)
            )
        )
    if sort in ("progress", "-progress"):
        queryset = queryset.alias(
            progress_sum=Coalesce(
                Sum("enrolments__progress_percent", filter=Q(enrolments__course_id__in=courses)),
                0,
            )
        )
    if status and scope:
        if status == COMPLETED:
            queryset = queryset.alias(n=_count(scope_all, DONE)).filter(n__gte=1)
        elif status == NOT_DONE:
            queryset = queryset.alias(n=_count(scope_all, DONE)).filter(n__lt=len(scope_all))
        elif status == OVERDUE:
            queryset = queryset.alias(n=_count(scope_overdue, DONE)).filter(
                n__lt=len(scope_overdue)
            )
        elif status == IN_PROGRESS:
            queryset = queryset.alias(n=_count(scope_open, STARTED)).filter(n__gte=1)
        elif status == NOT_STARTED:
            queryset = queryset.alias(n=_count(scope_open, DONE | STARTED)).filter(
                n__lt=len(scope_open)
            )
    order = {
        "name": [F("display_name").asc()],
        "-name": [F("display_name").desc()],
        "activity": [F("last_activity").asc(nulls_first=True)],
        "-activity": [F("last_activity").desc(nulls_last=True)],
        "progress": [F("progress_sum").asc()],
        "-progress": [F("progress_sum").desc()],
    }.get(sort, [F("display_name").asc()])
    return queryset.order_by(*order, "pk")


def matrix_rows(*, learners: list[User], columns: list[Column]) -> list[Row]:
    """Rows for the given (page of) learners: one query for all their enrolments."""
    courses = [c.course.pk for c in columns]
    enrolments = {
        (e.user_id, e.course_id): e
        for e in Enrolment.objects.filter(
            user_id__in=[u.pk for u in learners], course_id__in=courses
        ).only(
            "pk",
            "user_id",
            "course_id",
            "started_at",
            "completed_at",
            "last_activity_at",
            "progress_percent",
            "lessons_completed",
            "certificate_issued_at",
        )
    }
    rows = []
    for learner in learners:
        row = Row(learner=learner)
        for column in columns:
            enrolment = enrolments.get((learner.pk, column.course.pk))
            row.cells.append(Cell(column, enrolment, cell_status(enrolment, column)))
        rows.append(row)
    return rows


def assignments_completed_counts(*, columns: list[Column], learner_filter: dict) -> None:
    """Set ``completed_count`` on each column: how many learners completed it (1 query).
    ``learner_filter`` selects the learners as a join from Enrolment, for example
    ``{"user__group_memberships__group": group}`` (a join plans better than ``user__in``)."""
    counts = dict(
        Enrolment.objects.filter(
            course_id__in=[c.course.pk for c in columns],
            completed_at__isnull=False,
            **learner_filter,
        )
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    for column in columns:
        column.completed_count = counts.get(column.course.pk, 0)


class _Paginator(Paginator):
    """A paginator that may be told the number of rows (saves a COUNT over the aggregate)."""

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count


def matrix_page(
    queryset: QuerySet[User], page_number, *, per_page: int = PAGE_SIZE, count: int | None = None
):
    return _Paginator(queryset, per_page, known_count=count).get_page(page_number)


# --- one learner ----------------------------------------------------------------------------


@dataclass
class LessonLine:
    lesson: Lesson
    progress: LessonProgress | None


@dataclass
class CourseDetail(StatusText):
    column: Column
    enrolment: Enrolment | None
    status: str
    lessons: list[LessonLine]

    @property
    def lessons_done(self) -> int:
        return sum(1 for line in self.lessons if line.progress and line.progress.completed_at)

    @property
    def percent(self) -> int:
        return self.enrolment.progress_percent if self.enrolment else 0

    @property
    def completed_at(self) -> datetime | None:
        return self.enrolment.completed_at if self.enrolment else None


def learner_course_details(*, learner: User, columns: list[Column]) -> list[CourseDetail]:
    """Per course: the enrolment and each active lesson with its progress (3 queries). Study
    time is deliberately left out: trainers see progress and completion, not minutes. A lesson
    counts as opened while its ``last_seen_at`` is set (a renewal clears it)."""
    courses = [c.course.pk for c in columns]
    enrolments = {
        e.course_id: e for e in Enrolment.objects.filter(user=learner, course_id__in=courses)
    }
    lessons_by_course: dict[int, list[Lesson]] = {pk: [] for pk in courses}
    for lesson in (
        Lesson.objects.filter(course_id__in=courses, is_active=True)
        .only("pk", "course_id", "title_nl", "title_en", "position", "minutes")
        .order_by("course_id", "position")
    ):
        lessons_by_course[lesson.course_id].append(lesson)
    progress = {
        row.lesson_id: row
        for row in LessonProgress.objects.filter(enrolment__in=list(enrolments.values())).only(
            "pk", "lesson_id", "enrolment_id", "first_seen_at", "last_seen_at", "completed_at"
        )
    }
    details = []
    for column in columns:
        enrolment = enrolments.get(column.course.pk)
        details.append(
            CourseDetail(
                column=column,
                enrolment=enrolment,
                status=cell_status(enrolment, column),
                lessons=[
                    LessonLine(lesson, progress.get(lesson.pk))
                    for lesson in lessons_by_course[column.course.pk]
                ],
            )
        )
    return details
