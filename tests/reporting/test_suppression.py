"""The derivation attempt: with every shown cell of every view (tables per organisation and
per course at each level, key figures, totals) an attacker solves the linear system of
"parts add up to totals" and propagates hidden zeros (a hidden sum of 0). No hidden non-zero
cell may come out."""

import random
from fractions import Fraction

import pytest

from reporting.suppression import ALL, protect, suppress_line


def _system(children, columns, additive=True):
    """Equations (lists of (key, coefficient)) of a hierarchical table."""
    equations = []
    for node, kids in children.items():
        for column in [*columns, ALL]:
            equations.append([((kid, column), 1) for kid in kids] + [((node, column), -1)])
    if additive:
        rows = set(children) | {kid for kids in children.values() for kid in kids}
        for row in rows:
            equations.append([((row, c), 1) for c in columns] + [((row, ALL), -1)])
    return equations


def derive(values, hidden, equations):
    """Hidden cells an attacker can compute: zeros by non-negativity, then Gaussian
    elimination over the rationals. Returns {key: value}."""
    known = {k: v for k, v in values.items() if k not in hidden}
    found = {}
    changed = True
    while changed:  # a hidden sum of zero makes every part zero
        changed = False
        for eq in equations:
            unknown = [(k, c) for k, c in eq if k not in known]
            if not unknown or any(c != 1 for _k, c in unknown):
                continue
            rest = -sum(c * known[k] for k, c in eq if k in known)
            if rest == 0:
                for k, _c in unknown:
                    known[k] = found[k] = 0
                changed = True
    unknowns = sorted({k for eq in equations for k, _c in eq if k not in known}, key=str)
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for eq in equations:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for k, c in eq:
            if k in known:
                row[-1] -= c * known[k]
            else:
                row[index[k]] += c
        if any(row[:-1]):
            rows.append(row)
    # reduced row echelon form
    pivot_row = 0
    pivots = []
    for col in range(len(unknowns)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    for r, col in pivots:
        if sum(1 for x in rows[r][:-1] if x != 0) == 1:
            found[unknowns[col]] = rows[r][-1]
    return found


def _random_table(rng, depth=2, width=3, columns=4):
    children, leaves = {}, []

    def grow(node, level):
        if level == depth:
            leaves.append(node)
            return
        kids = [f"{node}.{i}" for i in range(rng.randint(1, width))]
        children[node] = [*kids, ("own", node)]
        leaves.append(("own", node))
        for kid in kids:
            grow(kid, level + 1)

    grow("r", 0)
    cols = list(range(columns))
    values = {}
    for leaf in leaves:
        for c in cols:
            values[(leaf, c)] = rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 9, 15, 30])

    def total(node):
        if node not in children:
            return
        for kid in children[node]:
            total(kid)
        for c in cols:
            values[(node, c)] = sum(values[(kid, c)] for kid in children[node])

    total("r")
    rows = {k[0] for k in list(values)}
    for row in rows:
        values[(row, ALL)] = sum(values[(row, c)] for c in cols)
    return children, cols, values


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_can_be_derived(seed):
    rng = random.Random(seed)
    children, cols, values = _random_table(rng, depth=rng.choice([1, 2]), columns=rng.randint(1, 5))
    hidden = protect(children, cols, values, k=5)
    assert all(key in hidden for key, v in values.items() if v < 5)  # primary
    derived = derive(values, hidden, _system(children, cols))
    leaked = {k: v for k, v in derived.items() if v != 0}
    assert not leaked, leaked


def test_a_single_small_cell_takes_a_partner_with_it():
    children = {"r": ["a", "b", "c"]}
    values = {("a", 0): 3, ("b", 0): 20, ("c", 0): 40, ("r", 0): 63}
    for row in ("a", "b", "c", "r"):
        values[(row, ALL)] = values[(row, 0)]
    hidden = protect(children, [0], values, k=5)
    assert ("a", 0) in hidden and ("b", 0) in hidden and ("c", 0) not in hidden


def test_a_week_series_hides_two_or_none():
    assert suppress_line({1: 3, 2: 10, 3: 12}, False, k=5) == {1, 2}
    assert suppress_line({1: 3, 2: 4, 3: 12}, False, k=5) == {1, 2}
    assert suppress_line({1: 8, 2: 10}, False, k=5) == set()
