"""Suppression across periods for aggregate-only viewers.

A flow (completions online or in class, certificates issued) of a year is the sum of its four
quarters. An aggregate-only viewer may open the year and each quarter, so within each
(organisation, course) cell the five figures form one more table with a total: a figure hidden
in one period could be computed from the others. Aggregate-only viewers therefore get
quarters and years only (months would nest a third level), and the five periods of a year are
protected together: in every cell, never exactly one non-zero hidden figure among the year and
its quarters (then the smallest shown quarter is hidden too, or else the year), and every
period's table is protected again with what that added, until nothing changes.

Stocks (enrolled, started and learners by the period's end; assigned and overdue by the
reference day; certificates expiring soon) need nothing more: two periods that end on the
same day show the same table with the same hidden cells, and stocks at different days are not
sums of one another.
"""

from __future__ import annotations

from django.conf import settings

from . import counts
from .memo import memoised
from .periods import Period
from .suppression import protect, protect_more

TIME_FLOWS = ("online", "classroom", "certificates")


def hidden_in_time(viewer, period: Period, today, measure: str) -> set:
    """The hidden cells of ``measure`` in ``period``'s table, protected with its year."""
    year, quarters = period.family()
    key = ("time_hidden", viewer.suppression_ids, year, today, measure)
    return memoised(key, lambda: _protect(viewer, year, quarters, today, measure))[period]


def _tables(viewer, periods, today, measure):
    """{period: (tree, columns, values)} of the measure, rolled up like the cube's."""
    from .cube import _roll_up, cube_for

    cubes = {p: cube_for(viewer, p, today, completions_only=True) for p in periods}
    tree = cubes[periods[0]].tree
    if measure != "certificates":
        return {p: (tree, c.courses, c.values[measure]) for p, c in cubes.items()}
    issued = counts.certificates_many(viewer.suppression_ids, periods, None)
    tables = {}
    for p in periods:
        columns = sorted(set(cubes[p].courses) | {c for _o, c in issued[p]})
        tables[p] = (tree, columns, _roll_up(tree, issued[p], columns, True))
    return tables


def _protect(viewer, year, quarters, today, measure) -> dict:
    periods = [year, *quarters]
    tables = _tables(viewer, periods, today, measure)
    k = settings.REPORTING_MIN_CELL
    hidden = {p: protect(t.children, cols, values, k=k) for p, (t, cols, values) in tables.items()}
    while True:
        more: dict = {p: set() for p in periods}
        # only a cell hidden somewhere can be exposed (a hidden zero is known: skip it)
        keys = {key for p in periods for key in hidden[p] if tables[p][2].get(key, 0)}
        for key in sorted(keys, key=str):
            value = {p: tables[p][2].get(key, 0) for p in periods}
            unknown = [p for p in periods if value[p] > 0 and key in hidden[p]]
            if len(unknown) != 1:
                continue
            shown = [q for q in quarters if value[q] > 0 and key not in hidden[q]]
            target = min(shown, key=lambda q: (value[q], q.start)) if shown else year
            if key not in hidden[target]:
                more[target].add(key)
        if not any(more.values()):
            return hidden
        for p, keys in more.items():
            if keys:
                tree, columns, values = tables[p]
                hidden[p] = protect_more(tree.children, columns, values, hidden[p], keys)
