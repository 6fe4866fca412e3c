"""The national overview (coordinator): all partners grouped by the five themes of the
national approach, read from the national cube (``reporting.cube``), so every number equals
the one on the coordinator's dashboard and is suppressed the same way.

Partners are the organisations at the top of the tree (depth 0) in the national view (a
non-sharing legal entity is left out). A partner appears under each theme in its
``Organisation.themes``; a partner without themes appears under none. Sums the cube does not
hold itself (a theme's trend) are shown only when every part is shown, so they reveal nothing
new. The attitude change per theme is by the theme of the course."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from organisations.models import Theme

from .cube import ALL, NATIONAL, cube_for, prefetch_enrolments
from .periods import Period, quarter_of
from .scope import national_viewer
from .statistics import courses_by_id
from .weekly import attitude_cell

Cell = int | None


@dataclass
class PartnerCourse:
    course_id: int | None  # None: the partner's target over all courses
    slug: str
    title: str
    reached: Cell
    completed_online: Cell
    completed_classroom: Cell
    completed: Cell
    target: int | None
    progress: float | None  # completed / target, 0..1; None without a target or when hidden


@dataclass
class Partner:
    organisation_id: int
    slug: str
    name: str
    reached: Cell
    completed_online: Cell
    completed_classroom: Cell
    completed: Cell
    target: int | None
    progress: float | None
    courses: list[PartnerCourse] = field(default_factory=list)


@dataclass
class ThemeBlock:
    theme: int
    label: str
    partners: list[Partner]
    attitude: dict | None  # {n, mean_pre, mean_post, mean_change} or None (n < AGGREGATE_MIN_N)
    trend: list[tuple[str, Cell]]  # ("2025 Q1", completions) for the last four quarters


def _progress(completed: Cell, target: int | None) -> float | None:
    if completed is None or not target:
        return None
    return round(min(completed / target, 1.0), 4)


def national_overview(period: Period) -> list[ThemeBlock]:
    from .models import Target

    viewer = national_viewer()
    today = timezone.localdate()
    quarters = period.last_quarters(4)
    prefetch_enrolments(viewer, [period, *quarters])
    cube = cube_for(viewer, period, today, reach_only=True)
    tree = cube.tree
    partners_ids = tree.children.get(NATIONAL, []) if tree.root == NATIONAL else [tree.root]
    targets = {
        (t.organisation_id, t.course_id): t.completions
        for t in Target.objects.filter(year=period.end.year, organisation_id__in=partners_ids)
    }
    course_ids = set(cube.courses) | {c for _o, c in targets if c is not None}
    courses = courses_by_id(course_ids)
    partners = {pk: _partner(cube, tree.organisations[pk], courses, targets) for pk in partners_ids}
    trend_cubes = [
        (f"{quarter_of(q.start)[0]} Q{quarter_of(q.start)[1]}",
         cube_for(viewer, q, today, completions_only=True))
        for q in quarters
    ]  # fmt: skip
    blocks = []
    for theme in Theme:
        members = [
            partners[pk]
            for pk in partners_ids
            if theme.value in (tree.organisations[pk].themes or [])
        ]
        trend = []
        for label, quarter_cube in trend_cubes:
            parts = [quarter_cube.completed(p.organisation_id) for p in members]
            trend.append((label, None if None in parts or not parts else sum(parts)))
        blocks.append(
            ThemeBlock(
                theme=theme.value,
                label=str(theme.label),
                partners=members,
                attitude=attitude_cell(cube, viewer, period, tree.root, theme.value, None),
                trend=trend,
            )
        )
    return blocks


def _partner(cube, organisation, courses, targets) -> Partner:
    node = organisation.pk
    rows = []
    for course_id in sorted(
        {c for c in cube.courses if cube.values["enrolled"].get((node, c), 0)
         or cube.values["classroom"].get((node, c), 0)}
        | {c for o, c in targets if o == node and c is not None},
        key=lambda c: (courses[c].title if c in courses else "", c),
    ):  # fmt: skip
        if course_id not in courses:
            continue
        completed = cube.completed(node, course_id)
        target = targets.get((node, course_id))
        rows.append(
            PartnerCourse(
                course_id=course_id,
                slug=courses[course_id].slug,
                title=courses[course_id].title,
                reached=cube.cell("learners", node, course_id),
                completed_online=cube.cell("online", node, course_id),
                completed_classroom=cube.cell("classroom", node, course_id),
                completed=completed,
                target=target,
                progress=_progress(completed, target),
            )
        )
    completed = cube.completed(node, ALL)
    target = targets.get((node, None))
    return Partner(
        organisation_id=node,
        slug=organisation.slug,
        name=organisation.name,
        reached=cube.cell("learners", node, ALL),
        completed_online=cube.cell("online", node, ALL),
        completed_classroom=cube.cell("classroom", node, ALL),
        completed=completed,
        target=target,
        progress=_progress(completed, target),
        courses=rows,
    )
