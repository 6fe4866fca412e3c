"""Completions per week and the attitude change, read through the same hierarchical
suppression as the cube (``reporting.cube``), for the engine in ``reporting.statistics``."""

from __future__ import annotations

from django.conf import settings

from . import counts
from .cube import ALL, Cube, classroom_weekly, memoised, online_weekly
from .suppression import protect


def _weekly_values(cube: Cube, ids, period, course_id, group_ids) -> dict:
    """{(organisation, week): completions} of the whole tree of the cube."""
    own: dict = {}
    sources = (online_weekly(ids, period, group_ids), classroom_weekly(ids, period, group_ids))
    for source in sources:
        for (org, course, week), n in source.items():
            if course_id is None or course == course_id:
                own[(org, week)] = own.get((org, week), 0) + n
    return own


def weekly_series(cube: Cube, viewer, period, node, course_id, group_ids):
    weeks = period.weeks()
    ids = viewer.suppression_ids
    own = _weekly_values(cube, ids, period, course_id, group_ids)
    from .cube import _roll_up

    values = _roll_up(cube.tree, own, weeks, True)
    if viewer.detail:
        return [(week, values.get((node, week), 0)) for week in weeks]

    def build():
        # The weekly totals are the cube's "completed" cells: keep their state.
        locked = {key for key in values if key[1] == ALL}
        forced = {key for key in locked if cube.completed(key[0]) is None}
        return protect(
            cube.tree.children, weeks, values, k=settings.REPORTING_MIN_CELL,
            forced=forced, locked=locked,
        )  # fmt: skip

    hidden = memoised(("weekly_hidden", ids, period), build)
    k = settings.REPORTING_MIN_CELL
    return [
        (week, None if (node, week) in hidden or values.get((node, week), 0) < k
         else values[(node, week)])
        for week in weeks
    ]  # fmt: skip


def _attitude(cube: Cube, viewer, period, group_ids):
    """(values n, sums, hidden) with columns = courses (detail) or course themes."""
    ids = viewer.suppression_ids

    def build():
        raw = counts.attitude_sums(ids, period, group_ids)
        themes = {}
        if not viewer.detail:
            from courses.models import Course

            themes = dict(Course.objects.filter(pk__in={c for _o, c in raw}).values_list(
                "pk", "theme"))  # fmt: skip
        n_own, pre_own, post_own = {}, {}, {}
        for (org, course), (n, pre, post) in raw.items():
            column = course if viewer.detail else themes.get(course)
            key = (org, column)
            n_own[key] = n_own.get(key, 0) + n
            pre_own[key] = pre_own.get(key, 0) + (pre or 0)
            post_own[key] = post_own.get(key, 0) + (post or 0)
        columns = sorted({c for _o, c in n_own})
        from .cube import _roll_up

        n = _roll_up(cube.tree, n_own, columns, True)
        pre = _roll_up(cube.tree, pre_own, columns, True)
        post = _roll_up(cube.tree, post_own, columns, True)
        hidden = protect(cube.tree.children, columns, n, k=settings.AGGREGATE_MIN_N)
        return n, pre, post, hidden

    return memoised(("attitude", ids, period, group_ids, viewer.detail), build)


def attitude_cell(cube: Cube, viewer, period, node, column, group_ids) -> dict | None:
    """Paired means of one cell (``column``: a course for detail viewers, a theme for
    aggregate viewers, None: all)."""
    column = ALL if column is None else column
    n, pre, post, hidden = _attitude(cube, viewer, period, group_ids)
    key = (node, column)
    count = n.get(key, 0)
    min_n = settings.AGGREGATE_MIN_N
    if key in hidden or count < min_n:
        return None
    if viewer.detail and group_ids is not None and group_ids != viewer.group_ids:
        # A group's figure next to everyone's: the rest must be a group of min_n too.
        everyone = _attitude(cube, viewer, period, viewer.group_ids)[0].get(key, 0)
        if 0 < everyone - count < min_n:
            return None
    mean_pre, mean_post = pre[key] / count, post[key] / count
    return {
        "n": count,
        "mean_pre": round(mean_pre, 2),
        "mean_post": round(mean_post, 2),
        "mean_change": round(mean_post - mean_pre, 2),
    }
