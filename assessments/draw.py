"""Drawing the questions of an attempt, free of the database.

A bank is a list of *units*: one question, or all questions of a scenario (drawn and shown
together). A draw of ``count`` questions is a set of units whose sizes add up to exactly
``count``, and **every such set is equally likely**. Because the rule is this plain, the
chance that a guessing strategy passes one draw can be computed exactly over the bank
(``assessments.guessing``), not estimated by simulation.

When no set of units fills the draw exactly (a bank of scenarios of three and a draw of two,
say), units are taken in random order while they fit.
"""

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DrawUnit:
    """Questions that are drawn together: one question, or all questions of a scenario."""

    keys: tuple[Hashable, ...]
    category: str = ""

    @property
    def size(self) -> int:
        return len(self.keys)


def exact_fill_counts(units: Sequence[DrawUnit], count: int) -> list[list[int]]:
    """``table[i][s]``: the number of sets of units taken from ``units[i:]`` whose sizes add up
    to ``s`` (for ``s`` up to ``count``)."""
    table = [[0] * (count + 1) for _ in range(len(units) + 1)]
    table[len(units)][0] = 1
    for index in range(len(units) - 1, -1, -1):
        size = units[index].size
        for total in range(count + 1):
            table[index][total] = table[index + 1][total] + (
                table[index + 1][total - size] if total >= size else 0
            )
    return table


def _greedy(units: Sequence[DrawUnit], count: int, rng: random.Random) -> list[DrawUnit]:
    pool = list(units)
    rng.shuffle(pool)
    chosen, total = [], 0
    for unit in pool:
        if total + unit.size <= count:
            chosen.append(unit)
            total += unit.size
        if total == count:
            break
    return chosen


def draw_units(units: Sequence[DrawUnit], count: int, rng: random.Random) -> list[DrawUnit]:
    """A uniformly random set of units holding exactly ``count`` questions (see the module
    docstring); in bank order, the caller shuffles."""
    table = exact_fill_counts(units, count)
    if table[0][count] == 0:
        return _greedy(units, count, rng)
    chosen, remaining = [], count
    for index, unit in enumerate(units):
        if remaining == 0:
            break
        with_unit = table[index + 1][remaining - unit.size] if remaining >= unit.size else 0
        # take this unit with the share of exact fills that contain it
        if rng.randrange(table[index][remaining]) < with_unit:
            chosen.append(unit)
            remaining -= unit.size
    return chosen
