"""Statistical disclosure control for aggregate-only viewers.

A figure is a cell of a *hierarchical table*: rows are organisations (each the sum of its
children; an organisation with children gets a pseudo-row ``("own", id)`` for its direct
learners), columns are courses (or weeks) with the total column ``ALL``. Every published
figure is one cell, and every published total is the sum of published cells, so one table per
measure describes everything a viewer can combine.

- Primary suppression: every cell under K (``settings.REPORTING_MIN_CELL``) is hidden.
- Secondary suppression: the table is cut into sub-tables (the children of one organisation ×
  the columns, with their totals). In such a sub-table with totals, a hidden cell can be
  computed exactly iff it is a *bridge* in the bipartite graph rows ↔ columns whose edges are
  the hidden cells (a hidden cell on a cycle can move by +d/−d around the cycle without
  changing any total). For each bridge we hide the cheapest 4-cycle through it. Sub-tables
  share their totals with the one above, so we repeat until nothing changes.
- A hidden zero can be inferred from non-negativity (a hidden sum of 0), so hidden zeros are
  treated as known: only non-zero cells protect a hidden cell.

``protect`` returns the set of hidden cells; callers show None for them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

ALL = "*"
_SIGMA = ("sigma",)
_TOTAL = ("total",)
_MARGIN_PENALTY = 10**6

Key = tuple[Hashable, Hashable]


def protect(
    children: Mapping[Hashable, list[Hashable]],
    columns: list[Hashable],
    values: Mapping[Key, int],
    *,
    k: int,
    additive: bool = True,
    forced: Iterable[Key] = (),
    locked: Iterable[Key] = (),
) -> set[Key]:
    """Hidden cells of a hierarchical table.

    ``children``: internal node → its child rows; ``values``: (row, column) → count for every
    row (internal ones included) and every column plus ``ALL``. ``additive``: the ``ALL``
    column is the sum of the others (false for distinct counts such as learners: each column
    is then protected on its own). ``locked`` cells keep their state: hidden when in
    ``forced``, shown otherwise (used to keep two tables that share totals consistent)."""
    locked = set(locked)
    hidden = {key for key, v in values.items() if v < k and key not in locked}
    hidden |= set(forced)
    changed = True
    while changed:
        changed = False
        for node, kids in children.items():
            if additive:
                changed |= _protect_subtable(node, kids, columns, values, hidden, locked)
            else:
                for column in [*columns, ALL]:
                    changed |= _protect_line(node, kids, column, values, hidden, locked)
    return hidden


def protect_more(
    children: Mapping[Hashable, list[Hashable]],
    columns: list[Hashable],
    values: Mapping[Key, int],
    hidden: set[Key],
    more: Iterable[Key],
) -> set[Key]:
    """``hidden`` (a result of ``protect`` on this additive table) with the cells ``more``
    hidden as well, protected again. Only the sub-tables those cells belong to are checked,
    and then the ones each change reaches (a row's cells are also the totals of the sub-table
    below it), so adding a few cells does not cost a whole new pass over a large tree."""
    hidden = set(hidden)
    parent = {kid: node for node, kids in children.items() for kid in kids}

    def reached(keys) -> set:
        nodes = set()
        for row, _column in keys:
            if row in parent:
                nodes.add(parent[row])
            if row in children:
                nodes.add(row)
        return nodes

    more = set(more) - hidden
    hidden |= more
    pending = reached(more)
    while pending:
        node = min(pending, key=str)  # a fixed order: the same input gives the same result
        pending.discard(node)
        added: list = []
        if _protect_subtable(node, children[node], columns, values, hidden, set(), added):
            pending |= reached(added)
    return hidden


def suppress_line(values: Mapping[Hashable, int], total_hidden: bool, *, k: int) -> set[Hashable]:
    """A one-dimensional series (weeks) with a published total: primary, then at least two
    non-zero hidden cells when one is hidden and the total is shown."""
    hidden = {key for key, v in values.items() if v < k}
    if total_hidden:
        return hidden
    nonzero = [key for key in hidden if values[key] > 0]
    if len(nonzero) == 1:
        rest = sorted((v, str(c), c) for c, v in values.items() if c not in hidden and v > 0)
        if rest:
            hidden.add(rest[0][2])
        else:  # cannot protect: hide the lot
            hidden |= set(values)
    return hidden


# --- internals --------------------------------------------------------------------------------


def _key(node, row, column) -> Key:
    return (node if row is _SIGMA else row, ALL if column is _TOTAL else column)


def _protect_subtable(node, kids, columns, values, hidden, locked, added=None) -> bool:
    rows = [*kids, _SIGMA]
    cols = [*columns, _TOTAL]
    changed = False
    given_up: set[tuple] = set()
    while True:
        edges = [
            (r, c)
            for r in rows
            for c in cols
            if (key := _key(node, r, c)) in hidden and values.get(key, 0) > 0
        ]
        bridges = [b for b in _bridges(edges) if b not in given_up]
        if not bridges:
            return changed
        r, c = bridges[0]
        fix = _cheapest_cycle(node, r, c, rows, cols, values, hidden, locked)
        if fix is None:
            cells = [(r, c2) for c2 in cols] + [(r2, c) for r2 in rows]
            fix = _hideable(node, cells, values, hidden, locked)
        if not fix:
            given_up.add((r, c))
            continue
        hidden.update(fix)
        if added is not None:
            added.extend(fix)
        changed = True


def _cheapest_cycle(node, r, c, rows, cols, values, hidden, locked):
    def usable(key) -> bool:
        return values.get(key, 0) > 0 and (key in hidden or key not in locked)

    # a 4-cycle needs (r, c2) and (r2, c) usable: look at those pairs only (most cells are 0)
    along_row = {c2: key for c2 in cols if c2 != c and usable(key := _key(node, r, c2))}
    along_col = {r2: key for r2 in rows if r2 != r and usable(key := _key(node, r2, c))}
    best, best_cost = None, None
    for r2, col_key in along_col.items():
        for c2, row_key in along_row.items():
            needed = [row_key, _key(node, r2, c2), col_key]
            cost, ok = 0, True
            for key in needed:
                value = values.get(key, 0)
                if value <= 0 or (key not in hidden and key in locked):
                    ok = False
                    break
                if key not in hidden:
                    cost += value
                    if r2 is _SIGMA or c2 is _TOTAL:
                        cost += _MARGIN_PENALTY
            if ok and (best_cost is None or cost < best_cost):
                best, best_cost = [key for key in needed if key not in hidden], cost
    return best


def _hideable(node, cells, values, hidden, locked) -> list[Key]:
    keys = [_key(node, r, c) for r, c in cells]
    return [k for k in keys if k not in hidden and k not in locked and values.get(k, 0) > 0]


def _protect_line(node, kids, column, values, hidden, locked) -> bool:
    keys = [(kid, column) for kid in kids] + [(node, column)]
    if sum(1 for key in keys if key in hidden and values.get(key, 0) > 0) != 1:
        return False
    candidates = sorted(
        (values[key] + (_MARGIN_PENALTY if key[0] == node else 0), str(key), key)
        for key in keys
        if key not in hidden and key not in locked and values.get(key, 0) > 0
    )
    if not candidates:
        return False
    hidden.add(candidates[0][2])
    return True


def _bridges(edges: list[tuple]) -> list[tuple]:
    """Bridges of the bipartite graph rows ↔ columns (Tarjan, iterative)."""
    adjacency: dict = {}
    for index, (r, c) in enumerate(edges):
        adjacency.setdefault(("r", r), []).append((("c", c), index))
        adjacency.setdefault(("c", c), []).append((("r", r), index))
    order: dict = {}
    low: dict = {}
    found = []
    counter = 0
    for start in adjacency:
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack = [(start, -1, iter(adjacency[start]))]
        while stack:
            vertex, via, neighbours = stack[-1]
            advanced = False
            for neighbour, index in neighbours:
                if index == via:
                    continue
                if neighbour in order:
                    low[vertex] = min(low[vertex], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, index, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > order[parent]:
                    found.append(edges[via])
    return found
