"""The statistics engine: every figure on pages, exports, the API, the digest and the PDF
comes from here (a number is never computed twice in two ways).

Counting rules (per period, inclusive dates):
- enrolled: enrolments made up to the period's end; started: started by then.
- completed_online: enrolments completed in the period; completed_classroom: people (account
  or e-mail address) who attended a classroom session of the course in the period, once per
  course; completed = online + classroom (completions, not people).
- completion_rate: completed_online / enrolled (classroom attendees have no enrolment).
- learners: people reached by the period's end (an enrolment or a classroom session), counted
  once per organisation.
- assigned / overdue: (learner, course) pairs assigned and still assigned at the period's end;
  overdue when due before the reference day (the period's end or today, the earlier) and not
  completed before it.
- certificates_issued: not revoked, issued in the period; certificates_expiring_soon: not
  revoked, expiring within 60 days from today.
Aggregate-only viewers get None for every hidden cell (``reporting.suppression``); rates and
averages are None when a count they rest on is hidden or their n is under K.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from courses.models import Course

from . import counts, live
from .cube import ALL, Cube, cube_for, memoised
from .periods import Period
from .scope import Viewer, national_viewer, organisation_viewer, viewer_for  # noqa: F401
from .weekly import attitude_cell, weekly_series

Cell = int | None

__all__ = [
    "Cell", "Filters", "Period", "Row", "Viewer", "attitude_change", "completions_per_week",
    "key_figures", "national_overview", "table_per_course", "table_per_group",
    "table_per_organisation", "viewer_for",
]  # fmt: skip


class PeriodNotAllowed(ValueError):
    """Aggregate-only viewers see whole months, quarters and years only."""


@dataclass(frozen=True)
class Filters:
    course_id: int | None = None
    group_id: int | None = None
    organisation_id: int | None = None


@dataclass
class Row:
    key: str
    label: str
    enrolled: Cell
    started: Cell
    completed: Cell
    completed_classroom: Cell
    completion_rate: float | None
    organisation_id: int | None = None
    course_id: int | None = None
    group_id: int | None = None
    is_own: bool = False  # the organisation's direct learners (not a sub-organisation)


# --- helpers ------------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _check(viewer: Viewer, period: Period) -> None:
    if not viewer.detail and period.family() is None:
        raise PeriodNotAllowed("Aggregate figures are only given for a quarter or a year.")


def _group_ids(viewer: Viewer, filters: Filters):
    """The learners' groups the figures are limited to (None: no limit). A group outside
    the viewer's reach selects nobody."""
    if not viewer.detail:
        return None
    if filters.group_id is None:
        return viewer.group_ids
    if viewer.group_ids is not None and filters.group_id not in viewer.group_ids:
        return frozenset()
    from organisations.models import Group

    ok = Group.objects.filter(
        pk=filters.group_id, organisation_id__in=viewer.organisation_ids
    ).exists()
    return frozenset({filters.group_id}) if ok else frozenset()


def _cube(viewer, period, filters) -> Cube:
    _check(viewer, period)
    return cube_for(viewer, period, _today(), _group_ids(viewer, filters))


def _node(cube: Cube, viewer: Viewer, filters: Filters):
    org = filters.organisation_id
    if org is not None and org in viewer.organisation_ids and org in cube.tree.organisations:
        return org
    if viewer.root_id in cube.tree.organisations:
        return viewer.root_id
    return cube.tree.root


def _course(filters: Filters):
    return filters.course_id if filters.course_id is not None else ALL


def _rate(numerator, denominator) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def _row(cube: Cube, node, course, **extra) -> dict:
    online, classroom = cube.cell("online", node, course), cube.cell("classroom", node, course)
    enrolled = cube.cell("enrolled", node, course)
    return dict(
        enrolled=enrolled,
        started=cube.cell("started", node, course),
        completed=cube.completed(node, course),
        completed_classroom=classroom,
        completion_rate=_rate(online, enrolled),
        **extra,
    )


# --- the API ------------------------------------------------------------------------------------


def key_figures(viewer: Viewer, period: Period, filters: Filters = Filters()) -> dict:
    cube = _cube(viewer, period, filters)
    node, course = _node(cube, viewer, filters), _course(filters)
    ids = cube.tree.subtree_ids(node)
    group_ids = _group_ids(viewer, filters)
    course_id = filters.course_id
    k = 0 if viewer.detail else settings.REPORTING_MIN_CELL

    attempts, (n_completed, median) = memoised(
        ("live", frozenset(ids), period, course_id, group_ids),
        lambda: live.live_figures(ids, period, course_id, group_ids),
    )
    online = cube.cell("online", node, course)
    enrolled = cube.cell("enrolled", node, course)
    enough = attempts["firsts"] >= max(k, 1)
    return {
        "learners": cube.cell("learners", node, course),
        "enrolled": enrolled,
        "started": cube.cell("started", node, course),
        "completed": cube.completed(node, course),
        "completed_online": online,
        "completed_classroom": cube.cell("classroom", node, course),
        "completion_rate": _rate(online, enrolled),
        "first_attempt_pass_rate": (
            round(attempts["first_passed"] / attempts["firsts"], 4) if enough else None
        ),
        "average_score": (
            round(float(attempts["average"]), 1)
            if attempts["average"] is not None and attempts["n"] >= max(k, 1)
            else None
        ),
        "median_days_to_complete": median if n_completed >= max(k, 1) else None,
        "assigned": cube.cell("assigned", node, course),
        "overdue": cube.cell("overdue", node, course),
        "certificates_issued": cube.cell("certificates", node, course),
        "certificates_expiring_soon": cube.cell("expiring", node, course),
    }


def table_per_course(viewer: Viewer, period: Period, filters: Filters = Filters()) -> list[Row]:
    cube = _cube(viewer, period, filters)
    node = _node(cube, viewer, filters)
    courses = [filters.course_id] if filters.course_id else cube.courses
    active = [
        c
        for c in courses
        if any(cube.values[m].get((node, c), 0) for m in ("enrolled", "online", "classroom"))
    ]
    titles = courses_by_id(active)
    return [
        Row(key=titles[c].slug, label=titles[c].title, course_id=c, **_row(cube, node, c))
        for c in sorted(active, key=lambda c: (titles[c].title, c))
        if c in titles
    ]


def table_per_organisation(
    viewer: Viewer, period: Period, filters: Filters = Filters()
) -> list[Row]:
    """The sub-organisations of the organisation viewed (or drilled into), and a row for its
    own direct learners; empty when it has none."""
    cube = _cube(viewer, period, filters)
    node, course = _node(cube, viewer, filters), _course(filters)
    rows = []
    for child in cube.tree.children.get(node, []):
        own = isinstance(child, tuple)
        org = cube.tree.organisations[child[1] if own else child]
        if not own and org.pk not in viewer.organisation_ids:
            continue
        rows.append(
            Row(
                key=org.slug,
                label=org.name,
                organisation_id=org.pk,
                is_own=own,
                **_row(cube, child, course),
            )
        )
    return rows


def table_per_group(viewer: Viewer, period: Period, filters: Filters = Filters()) -> list[Row]:
    """Detail viewers only: one row per group of the organisation viewed (drilled into)."""
    if not viewer.detail:
        return []
    _check(viewer, period)
    cube = cube_for(viewer, period, _today(), _group_ids(viewer, filters))
    node = _node(cube, viewer, filters)
    ids = cube.tree.subtree_ids(node)
    inside = set(ids)
    groups = [
        g
        for g in groups_visible_to(viewer)
        if g.organisation_id in inside and filters.group_id in (None, g.pk)
    ]
    figures = counts.group_counts(ids, period, [g.pk for g in groups], filters.course_id)
    rows = []
    for group in groups:
        f = figures.get(group.pk, {})
        online, classroom = f.get("online", 0), f.get("classroom", 0)
        enrolled = f.get("enrolled", 0)
        rows.append(
            Row(
                key=str(group.pk),
                label=group.name,
                group_id=group.pk,
                enrolled=enrolled,
                started=f.get("started", 0),
                completed=online + classroom,
                completed_classroom=classroom,
                completion_rate=_rate(online, enrolled),
            )
        )
    return rows


def completions_per_week(
    viewer: Viewer, period: Period, filters: Filters = Filters()
) -> list[tuple[date, Cell]]:
    """Completions (online + classroom) per week (its Monday), counted inside the period.
    Aggregate-only viewers: not per course (a fixed breakdown), so [] with a course filter."""
    if not viewer.detail and (filters.course_id is not None or period.name != "quarter"):
        return []  # weeks of a year would overlap those of its quarters: see reporting.timeline
    cube = _cube(viewer, period, filters)
    return weekly_series(cube, viewer, period, _node(cube, viewer, filters), filters.course_id,
                         _group_ids(viewer, filters))  # fmt: skip


def attitude_change(viewer: Viewer, period: Period, filters: Filters = Filters()) -> dict | None:
    """Paired pre/post questionnaire scores (post answered in the period): {n, mean_pre,
    mean_post, mean_change}; None under AGGREGATE_MIN_N or when a difference of two views
    could single out a smaller group. Aggregate-only viewers: not per course."""
    if not viewer.detail and filters.course_id is not None:
        return None
    cube = _cube(viewer, period, filters)
    return attitude_cell(cube, viewer, period, _node(cube, viewer, filters), filters.course_id,
                         _group_ids(viewer, filters))  # fmt: skip


def all_courses() -> dict[int, Course]:
    """Every course of the catalogue (a handful) by id, once per request."""
    return memoised("courses", lambda: Course.objects.only(
        "pk", "slug", "title_nl", "title_en", "theme", "status").in_bulk())  # fmt: skip


def courses_by_id(ids) -> dict[int, Course]:
    courses = all_courses()
    return {pk: courses[pk] for pk in ids if pk in courses}


def published_courses() -> list[Course]:
    """The courses a filter may choose, by Dutch title."""
    published = [c for c in all_courses().values() if c.status == Course.Status.PUBLISHED]
    return sorted(published, key=lambda c: (c.title_nl, c.pk))


def groups_visible_to(viewer: Viewer) -> list:
    """The groups of the viewer's organisations (a trainer's: their own), by name, once per
    request: the filter form and the per-group table share them."""
    from organisations.models import Group

    def load():
        groups = Group.objects.filter(organisation_id__in=viewer.organisation_ids)
        if viewer.group_ids is not None:
            groups = groups.filter(pk__in=viewer.group_ids)
        return list(groups.only("pk", "name", "organisation_id").order_by("name", "pk"))

    return memoised(("groups", viewer.organisation_ids, viewer.group_ids), load)


def national_overview(period: Period):
    """See ``reporting.overview``."""
    from .overview import national_overview as build

    return build(period)
