"""The figures of one viewer's tree for one period, as hierarchical tables (see
``reporting.suppression``): every organisation × every course, plus totals, one table per
measure, suppressed once for aggregate-only viewers. ``reporting.statistics`` reads from it.

Within a request (and inside ``batch()``) a cube is built once and reused, so a dashboard
that asks for key figures, tables and a chart runs each aggregate query once."""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.signals import request_finished, request_started

from organisations.models import Organisation

from . import counts
from .periods import Period
from .scope import Viewer
from .suppression import ALL, protect

NATIONAL = "national"
ADDITIVE = ("enrolled", "started", "online", "classroom", "certificates", "expiring",
            "assigned", "overdue")  # fmt: skip

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("reporting_memo", default=None)


@contextlib.contextmanager
def batch():
    """Reuse query results while inside (tasks and reports that ask many questions)."""
    token = _memo.set({} if _memo.get() is None else _memo.get())
    try:
        yield
    finally:
        _memo.reset(token)


def _start_request(**kwargs):
    _memo.set({})


def _end_request(**kwargs):
    _memo.set(None)


request_started.connect(_start_request, dispatch_uid="reporting_memo_start")
request_finished.connect(_end_request, dispatch_uid="reporting_memo_end")


def memoised(key, build):
    memo = _memo.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


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
    organisations = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=ids).only(
            "pk", "name", "slug", "parent_id", "path", "themes"
        )
    }
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
        if not self.detail and (key in self.hidden.get(measure, ()) or value < self.k):
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

    def total(node):
        if isinstance(node, tuple):
            org = node[1]
            for c in cols:
                values[(node, c)] = own.get((org, c), 0)
            if additive:
                values[(node, ALL)] = sum(own.get((org, c), 0) for c in columns)
            return
        children = tree.children.get(node)
        if children is None:
            for c in cols:
                values[(node, c)] = own.get((node, c), 0)
            if additive:
                values[(node, ALL)] = sum(own.get((node, c), 0) for c in columns)
            return
        for child in children:
            total(child)
        for c in cols:
            values[(node, c)] = sum(values[(child, c)] for child in children)

    total(tree.root)  # recursion depth = the tree's depth (a handful of levels)
    return values


def cube_for(
    viewer: Viewer, period: Period, today: date, group_ids=None, *, completions_only=False
) -> Cube:
    """``group_ids``: detail viewers only (trainers, the group filter); None: everyone.
    ``completions_only``: just enrolled, started, online and classroom (trends)."""
    ids = viewer.suppression_ids
    group_ids = group_ids if viewer.detail else None
    key = ("cube", ids, group_ids, viewer.detail, period, today, completions_only)
    return memoised(key, lambda: _build(viewer, ids, group_ids, period, today, completions_only))


def tree_for(ids) -> Tree:
    return memoised(("tree", ids), lambda: build_tree(ids))


def _build(viewer, ids, group_ids, period, today, completions_only) -> Cube:
    tree = tree_for(ids)
    measures = ADDITIVE[:4] if completions_only else ADDITIVE
    own: dict = {m: {} for m in measures}
    for (org, course), row in counts.enrolment_counts(ids, period, group_ids).items():
        for m, n in row.items():
            own[m][(org, course)] = n
    for (org, course, _week), n in classroom_weekly(ids, period, group_ids).items():
        own["classroom"][(org, course)] = own["classroom"].get((org, course), 0) + n
    learners = {}
    if not completions_only:
        for (org, course), row in counts.certificate_counts(ids, period, group_ids, today).items():
            for m, n in row.items():
                own[m][(org, course)] = n
        for (org, course), row in counts.assignment_counts(ids, period, group_ids, today).items():
            for m, n in row.items():
                own[m][(org, course)] = n
        learners = {
            (org, ALL if course is None else course): n
            for (org, course), n in counts.learner_counts(ids, period, group_ids).items()
        }
    courses = sorted(
        {c for table in own.values() for (_o, c) in table} | {c for (_o, c) in learners if c != ALL}
    )
    values = {m: _roll_up(tree, own[m], courses, True) for m in measures}
    if not completions_only:
        values["learners"] = _roll_up(tree, learners, courses, False)
    hidden: dict = {}
    if not viewer.detail:
        k = settings.REPORTING_MIN_CELL
        for m in values:
            hidden[m] = protect(tree.children, courses, values[m], k=k, additive=m != "learners")
    return Cube(
        tree=tree,
        courses=courses,
        values=values,
        hidden=hidden,
        detail=viewer.detail,
        k=settings.REPORTING_MIN_CELL,
    )


def classroom_weekly(ids, period, group_ids) -> dict:
    key = ("classroom", ids, group_ids, period)
    return memoised(key, lambda: counts.classroom_counts(ids, period, group_ids))


def online_weekly(ids, period, group_ids) -> dict:
    key = ("online_weekly", ids, group_ids, period)
    return memoised(key, lambda: counts.online_per_week(ids, period, group_ids))
