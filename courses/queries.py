"""Reads of the learner pages, each a fixed number of queries whatever the number of courses,
lessons or assignments."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language

from courses.models import (
    Assignment,
    Audience,
    ClassroomAttendance,
    ClassroomSession,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
)
from organisations.models import Membership, Organisation

# Which audiences' courses to suggest to members of each kind of organisation. ``None``: all
# (the alliance, education and "other" organisations work across sectors).
ORGANISATION_KIND_AUDIENCES: dict[str, list[str] | None] = {
    Organisation.Kind.POLICE: [Audience.POLICE, Audience.BOA],
    Organisation.Kind.MUNICIPALITY: [
        Audience.MUNICIPALITY,
        Audience.BOA,
        Audience.CIVIL_SERVANT,
        Audience.COMMUNICATION,
    ],
    Organisation.Kind.HEALTHCARE: [Audience.HEALTHCARE],
    Organisation.Kind.BANK: [Audience.BANK, Audience.INSURANCE],
    Organisation.Kind.GOVERNMENT: [Audience.CIVIL_SERVANT, Audience.COMMUNICATION],
    Organisation.Kind.ALLIANCE: None,
    Organisation.Kind.EDUCATION: None,
    Organisation.Kind.OTHER: None,
}
SUGGESTIONS = 6


def _has_audience(audience: str) -> Q:
    # ``audiences`` is a JSON list of fixed slugs; the quoted value matches one whole element
    # on PostgreSQL and SQLite alike (JSON ``contains`` is not available on SQLite).
    return Q(audiences__icontains=f'"{audience}"')


def catalogue_courses(*, audience: str | None = None, theme: int | None = None) -> QuerySet:
    courses = Course.objects.filter(status=Course.Status.PUBLISHED).order_by("theme", "title_nl")
    if audience:
        courses = courses.filter(_has_audience(audience))
    if theme:
        courses = courses.filter(theme=theme)
    return courses


# Course page ---------------------------------------------------------------------------------


@dataclass
class OutlineLesson:
    lesson: Lesson
    done: bool


@dataclass
class OutlineModule:
    module: Module
    lessons: list[OutlineLesson]


@dataclass
class CourseOutline:
    modules: list[OutlineModule]
    lessons: list[OutlineLesson]
    next_lesson: Lesson | None
    done: int
    total: int
    minutes: int = 0


def _next_lesson(lessons: list[OutlineLesson], last_lesson_id: int | None) -> Lesson | None:
    """The first not-done lesson after the last one marked as done; else the first not done."""
    after = last_lesson_id is None
    for item in lessons:
        if after and not item.done:
            return item.lesson
        if item.lesson.pk == last_lesson_id:
            after = True
    return next((item.lesson for item in lessons if not item.done), None)


def course_outline(*, course: Course, enrolment: Enrolment | None) -> CourseOutline:
    """Modules → active lessons, with done flags for the enrolment (3 queries)."""
    active_lessons = Lesson.objects.filter(is_active=True).defer("body_nl", "body_en")
    modules = list(
        course.modules.filter(is_active=True)
        .order_by("position")
        .prefetch_related(Prefetch("lessons", queryset=active_lessons.order_by("position")))
    )
    done_ids: set[int] = set()
    if enrolment is not None:
        done_ids = set(
            LessonProgress.objects.filter(
                enrolment=enrolment, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
    outline_modules = [
        OutlineModule(
            module=module,
            lessons=[
                OutlineLesson(lesson, lesson.pk in done_ids) for lesson in module.lessons.all()
            ],
        )
        for module in modules
    ]
    flat = sorted(
        (item for module in outline_modules for item in module.lessons),
        key=lambda item: item.lesson.position,
    )
    return CourseOutline(
        modules=outline_modules,
        lessons=flat,
        next_lesson=_next_lesson(flat, enrolment.last_lesson_id if enrolment else None),
        done=sum(item.done for item in flat),
        total=len(flat),
        minutes=sum(item.lesson.minutes for item in flat),
    )


# Lesson page ---------------------------------------------------------------------------------


@dataclass
class LessonPage:
    lesson: Lesson
    body: str
    lessons: list[Lesson]
    index: int
    previous: Lesson | None
    next: Lesson | None
    done: bool
    done_count: int = 0

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def total(self) -> int:
        return len(self.lessons)


def lesson_page(*, enrolment: Enrolment, lesson_slug: str) -> LessonPage | None:
    """Everything the lesson page shows, in ONE query: the course's active lessons in order
    (with their module and a ``done`` flag) plus the body of the lesson on screen only."""
    shown = {
        f"shown_body_{language}": Case(
            When(slug=lesson_slug, then=F(f"body_{language}")),
            default=Value(""),
            output_field=TextField(),
        )
        for language in ("nl", "en")
    }
    study = {}
    if enrolment.course.minimum_study:  # the learner sees the time measured on the lesson
        study["seconds_spent"] = Case(
            When(
                slug=lesson_slug,
                then=Subquery(
                    LessonProgress.objects.filter(
                        enrolment=enrolment, lesson=OuterRef("pk")
                    ).values("seconds_spent")[:1]
                ),
            ),
            default=Value(0),
        )
    lessons = list(
        Lesson.objects.filter(course_id=enrolment.course_id, is_active=True)
        .select_related("module")
        .defer("body_nl", "body_en")
        .annotate(
            done=Exists(
                LessonProgress.objects.filter(
                    enrolment=enrolment, lesson=OuterRef("pk"), completed_at__isnull=False
                )
            ),
            **shown,
            **study,
        )
        .order_by("position")
    )
    for item in lessons:
        item.minutes_spent = (getattr(item, "seconds_spent", 0) or 0) // 60
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == lesson_slug), None)
    if index is None:
        return None
    lesson = lessons[index]
    language = (get_language() or "nl")[:2]
    body = getattr(lesson, f"shown_body_{language}", "") or lesson.shown_body_nl
    return LessonPage(
        lesson=lesson,
        body=body,
        lessons=lessons,
        index=index,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        done=lesson.done,
        done_count=sum(item.done for item in lessons),
    )


def lesson_preview_page(*, lesson: Lesson) -> LessonPage:
    """The lesson page as a learner would see it, for the admin preview (inactive lessons
    included so authors can check them too); nothing marked as done."""
    lessons = list(
        Lesson.objects.filter(course_id=lesson.course_id)
        .filter(Q(is_active=True) | Q(pk=lesson.pk))
        .defer("body_nl", "body_en")
        .order_by("position")
    )
    for item in lessons:
        item.done = False
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return LessonPage(
        lesson=lesson,
        body=lesson.body,
        lessons=lessons,
        index=index,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        done=False,
    )


# My learning ---------------------------------------------------------------------------------


@dataclass
class LearningItem:
    course: Course
    enrolment: Enrolment | None = None
    due_date: date | None = None
    overdue: bool = False
    classroom: ClassroomSession | None = None  # completed in class (the latest session)

    @property
    def completed_on(self) -> date | None:
        if self.classroom is not None:
            return self.classroom.held_on
        if self.enrolment is not None and self.enrolment.completed_at is not None:
            return timezone.localdate(self.enrolment.completed_at)
        return None


@dataclass
class MyLearning:
    assigned: list[LearningItem] = field(default_factory=list)
    in_progress: list[LearningItem] = field(default_factory=list)
    completed: list[LearningItem] = field(default_factory=list)
    suggestions: list[Course] = field(default_factory=list)


def assigned_course_due_dates(user) -> dict[int, date]:
    """course id → earliest due date, over the user's own assignments and their groups'
    assignments (withdrawn assignments and unpublished courses excluded)."""
    rows = (
        Assignment.objects.filter(
            unassigned_at__isnull=True, course__status=Course.Status.PUBLISHED
        )
        .filter(Q(learners=user) | Q(group__group_members__user=user))
        .values("course_id")
        .annotate(due=Min("due_date"))
        .order_by()
    )
    return {row["course_id"]: row["due"] for row in rows}


def audiences_for_user(user) -> set[str] | None:
    """Audiences to suggest from the user's organisations' kinds and profession; None: all."""
    kinds = set(Membership.objects.filter(user=user).values_list("organisation__kind", flat=True))
    audiences: set[str] = set()
    for kind in kinds:
        mapped = ORGANISATION_KIND_AUDIENCES.get(kind)
        if mapped is None:
            return None
        audiences.update(mapped)
    if user.profession in Audience.values:
        audiences.add(user.profession)
    if user.profession == "bank":
        audiences.add(Audience.INSURANCE)
    return audiences or None


def my_learning(*, user, today: date) -> MyLearning:
    """The learner's assigned, in-progress and completed courses and some suggestions.

    A fixed number of queries: enrolments, assignments, courses assigned but not yet started,
    classroom attendances, memberships, suggestions. A course attended in class is listed as
    completed ("Classroom"), beside its online completion if there is one."""

    result = MyLearning()
    enrolments = {
        enrolment.course_id: enrolment
        for enrolment in Enrolment.objects.filter(user=user).select_related("course")
    }
    due_dates = assigned_course_due_dates(user)
    missing = [course_id for course_id in due_dates if course_id not in enrolments]
    unstarted = Course.objects.in_bulk(missing) if missing else {}

    for course_id, due in due_dates.items():
        enrolment = enrolments.get(course_id)
        if enrolment is not None and enrolment.completed_at is not None:
            continue
        course = enrolment.course if enrolment else unstarted.get(course_id)
        if course is None:
            continue
        result.assigned.append(
            LearningItem(course=course, enrolment=enrolment, due_date=due, overdue=due < today)
        )
    result.assigned.sort(key=lambda item: (not item.overdue, item.due_date, item.course.title))

    for enrolment in enrolments.values():
        item = LearningItem(course=enrolment.course, enrolment=enrolment)
        if enrolment.completed_at is not None:
            item.due_date = due_dates.get(enrolment.course_id)
            result.completed.append(item)
        elif enrolment.course_id not in due_dates:
            result.in_progress.append(item)
    # Recently active first, then the ones not started yet (newest enrolment first).
    result.in_progress.sort(
        key=lambda item: (
            item.enrolment.last_activity_at is None,
            -(item.enrolment.last_activity_at or item.enrolment.created_at).timestamp(),
        )
    )
    classroom: dict[int, ClassroomSession] = {}
    for attendance in (
        ClassroomAttendance.objects.filter(user=user)
        .select_related("session__course")
        .order_by("-session__held_on", "-session_id")
    ):
        classroom.setdefault(attendance.session.course_id, attendance.session)
    for session in classroom.values():
        result.completed.append(LearningItem(course=session.course, classroom=session))
    result.completed.sort(key=lambda item: item.completed_on, reverse=True)

    audiences = audiences_for_user(user)
    suggestions = Course.objects.filter(status=Course.Status.PUBLISHED).exclude(
        pk__in=[*enrolments, *due_dates, *classroom]
    )
    if audiences:
        condition = Q()
        for audience in sorted(audiences):
            condition |= _has_audience(audience)
        suggestions = suggestions.filter(condition)
    result.suggestions = list(suggestions.order_by("theme", "title_nl")[:SUGGESTIONS])
    return result
