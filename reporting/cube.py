"""The figures of one viewer's tree for one period, as hierarchical tables (see
``reporting.suppression``): every organisation × every course, plus totals, one table per
measure, suppressed once for aggregate-only viewers. ``reporting.statistics`` reads from it.

Within a request (and inside ``batch()``, ``reporting.memo``) a cube is built once and reused,
so a dashboard that asks for key figures, tables and a chart runs each aggregate query once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from . import counts
from .memo import batch, current_memo, memoised  # noqa: F401 - batch: for callers
from .periods import Period
from .scope import Viewer, organisations_by_id
from .suppression import ALL, protect
from .timeline import TIME_FLOWS, hidden_in_time

NATIONAL = "national"
FULL_ONLY = ("certificates", "assignments", "learners")  # beyond the completions
ADDITIVE = ("enrolled", "started", "online", "classroom", "certificates", "expiring",
            "assigned", "overdue")  # fmt: skip


@dataclass
class Tree:
    root: object  # an organisation id, or NATIONAL
    children: dict = field(default_factory=dict)  # node → child rows (ids and ("own", id))
    organisations: dict = field(default_factory=dict)  # id → Organisation

    def subtree_ids(self, node) -> list[int]:
        if isinstance(node, tuple):
            return [node[1]]
        out, stack = [], [node]
        while stack:
            current = stack.pop()
            if isinstance(current, int):
                out.append(current)
            for child in self.children.get(current, []):
                if not isinstance(child, tuple):
                    stack.append(child)
        return out


def build_tree(ids: frozenset[int]) -> Tree:
    """The organisations of ``ids`` as a tree; several tops hang under NATIONAL."""
    organisations = {o.pk: o for o in organisations_by_id(ids)}
    tops = [o.pk for o in organisations.values() if o.parent_id not in organisations]
    root = tops[0] if len(tops) == 1 else NATIONAL
    tree = Tree(root=root, organisations=organisations)
    kids: dict = {}
    for o in sorted(organisations.values(), key=lambda o: (o.name, o.pk)):
        if o.parent_id in organisations:
            kids.setdefault(o.parent_id, []).append(o.pk)
    for parent, children in kids.items():
        tree.children[parent] = [*children, ("own", parent)]
    if root == NATIONAL:
        tree.children[NATIONAL] = sorted(tops, key=lambda pk: (organisations[pk].name, pk))
    return tree


@dataclass
class Cube:
    tree: Tree
    courses: list[int]
    values: dict  # measure → {(node, course or ALL): n}
    hidden: dict  # measure → set of hidden keys
    detail: bool
    k: int = 0

    def cell(self, measure: str, node, course=ALL):
        """The count, or None when hidden (absent cells are zeros: hidden too, under K)."""
        key = (node, course if course is not None else ALL)
        value = self.values[measure].get(key, 0)
        if not self.detail and (key in self.hidden[measure] or value < self.k):
            return None
        return value

    def completed(self, node, course=ALL):
        online, classroom = self.cell("online", node, course), self.cell("classroom", node, course)
        return None if online is None or classroom is None else online + classroom


def _roll_up(tree: Tree, own: dict, columns: list, additive: bool) -> dict:
    """Totals for every node from per-organisation values {(org, col): n}; ``own`` has ALL
    entries already for non-additive measures."""
    values: dict = {}
    cols = [*columns, ALL]
    width = len(cols)

    def leaf(org) -> list:
        row = [own.get((org, c), 0) for c in columns]
        row.append(sum(row) if additive else own.get((org, ALL), 0))
        return row

    def total(node) -> list:
        if isinstance(node, tuple):
            row = leaf(node[1])
        else:
            children = tree.children.get(node)
            if children is None:
                row = leaf(node)
            else:
                rows = [total(child) for child in children]
                row = [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * width
        for c, n in zip(cols, row, strict=True):
            values[(node, c)] = n
        return row

    total(tree.root)  # recursion depth = the tree's depth (a handful of levels)
    return values


def cube_for(
    viewer: Viewer,
    period: Period,
    today: date,
    group_ids=None,
    *,
    completions_only=False,
    reach_only=False,
) -> Cube:
    """``group_ids``: detail viewers only (trainers, the group filter); None: everyone.
    ``completions_only``: just enrolled, started, online and classroom (trends);
    ``reach_only``: those and the learners reached (the national overview)."""
    ids = viewer.suppression_ids
    group_ids = group_ids if viewer.detail else None
    extra = () if completions_only else ("learners",) if reach_only else FULL_ONLY
    key = ("cube", ids, group_ids, viewer.detail, period, today, extra)
    return memoised(key, lambda: _build(viewer, ids, group_ids, period, today, extra))


def tree_for(ids) -> Tree:
    return memoised(("tree", ids), lambda: build_tree(ids))


def _build(viewer, ids, group_ids, period, today, extra) -> Cube:
    tree = tree_for(ids)
    measures = ADDITIVE if "certificates" in extra else ADDITIVE[:4]
    own: dict = {m: {} for m in measures}
    # The cube's statements go to the database together (one round trip); the enrolments and
    # classroom completions may be known already (shared with other cubes and the weeks).
    memo = current_memo() or {}
    keys = {
        "enrolments": ("enrolments", ids, group_ids, period),
        "classroom": ("classroom", ids, group_ids, period),
    }
    statements = {}
    if keys["enrolments"] not in memo:
        statements["enrolments"] = counts.enrolments_statement(ids, [period], group_ids)
    if keys["classroom"] not in memo:
        statements["classroom"] = counts.classroom_statement(ids, period, group_ids)
    if "certificates" in extra:
        statements["certificates"] = counts.certificates_statement(ids, period, group_ids, today)
    if "assignments" in extra:
        statements["assignments"] = counts.assignments_statement(ids, period, group_ids, today)
    if "learners" in extra:
        statements["learners"] = counts.learners_statement(ids, period, group_ids)
    fetched = dict(zip(statements, counts.run_many(list(statements.values())), strict=True))
    if "enrolments" in fetched:
        fetched["enrolments"] = fetched["enrolments"][period]
    for name, key in keys.items():
        fetched[name] = memoised(key, lambda name=name: fetched[name])
    enrolments = fetched["enrolments"]
    for (org, course), row in enrolments.items():
        for m, n in row.items():
            own[m][(org, course)] = n
    for (org, course, _week), n in fetched["classroom"].items():
        own["classroom"][(org, course)] = own["classroom"].get((org, course), 0) + n
    learners = {}
    for name in ("certificates", "assignments"):
        for (org, course), row in fetched.get(name, {}).items():
            for m, n in row.items():
                own[m][(org, course)] = n
    if "learners" in extra:
        learners = {
            (org, ALL if course is None else course): n
            for (org, course), n in counts.reached(fetched["learners"], enrolments).items()
        }
    courses = sorted(
        {c for table in own.values() for (_o, c) in table} | {c for (_o, c) in learners if c != ALL}
    )
    if "learners" in extra:
        own["learners"] = learners
    # Rolled up and suppressed per measure on first use: a trend reads two of them.
    values = _PerMeasure(lambda m: _roll_up(tree, own[m], courses, m != "learners"))
    hidden: dict = {}
    k = settings.REPORTING_MIN_CELL
    if not viewer.detail:

        def hide(m):
            if m in TIME_FLOWS and period.family() is not None:
                return hidden_in_time(viewer, period, today, m)
            return protect(tree.children, courses, values[m], k=k, additive=m != "learners")

        hidden = _PerMeasure(hide)
    return Cube(tree=tree, courses=courses, values=values, hidden=hidden, detail=viewer.detail, k=k)


class _PerMeasure(dict):
    """measure → table, built by ``build(measure)`` when first asked for."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def __missing__(self, measure):
        table = self[measure] = self._build(measure)
        return table


def prefetch_enrolments(viewer: Viewer, periods, group_ids=None) -> None:
    """Count the enrolments and classroom completions of several periods' cubes in one
    round trip, the enrolments in one statement (within a request or ``batch()``; without a
    memo there is nothing to keep them in)."""
    memo = current_memo()
    if memo is None:
        return
    ids = viewer.suppression_ids
    group_ids = group_ids if viewer.detail else None
    missing = [p for p in periods if ("enrolments", ids, group_ids, p) not in memo]
    rooms = [p for p in dict.fromkeys(periods) if ("classroom", ids, group_ids, p) not in memo]
    statements = [counts.classroom_statement(ids, p, group_ids) for p in rooms]
    if missing:
        statements.append(counts.enrolments_statement(ids, missing, group_ids))
    results = counts.run_many(statements)
    for period, rows in zip(rooms, results, strict=False):  # then the enrolments
        memo[("classroom", ids, group_ids, period)] = rows
    if missing:
        for period, rows in results[-1].items():
            memo[("enrolments", ids, group_ids, period)] = rows


def classroom_weekly(ids, period, group_ids) -> dict:
    key = ("classroom", ids, group_ids, period)
    return memoised(key, lambda: counts.classroom_counts(ids, period, group_ids))


def online_weekly(ids, period, group_ids) -> dict:
    key = ("online_weekly", ids, group_ids, period)
    return memoised(key, lambda: counts.online_per_week(ids, period, group_ids))
