"""How far a learner who knows nothing gets by habit: exact scores of guessing strategies.

A *strategy* picks choices from what a learner sees without knowing anything: the texts and
their lengths. Each is defined per question type; where it does not apply to a type it picks
at random (single choice and true/false: one choice, each equally likely; multiple choice:
every option ticked or not with even odds).

- ``longest`` / ``shortest``: the longest / shortest option (multiple choice: only that one);
- ``always_true`` / ``always_false``: "true" / "false" on true/false questions;
- ``tick_all``: every option of a multiple-choice question;
- ``tick_longest_half``: the longer half of the options of a multiple-choice question.

For a final quiz, :func:`strategy_outcome` computes exactly, over every possible draw
(``assessments.draw``: every set of units filling the draw is equally likely), the expected
score and the chance of passing one draw. Lengths are measured in the language asked for.

Questions are plain mappings as in the content files::

    {"type": "single", "scoring": "all_or_nothing", "scenario": None,
     "choices": [{"text": {"nl": "…", "en": "…"}, "correct": True}, ...]}
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import ceil

from assessments.draw import DrawUnit, exact_fill_counts
from assessments.scoring import question_score

Distribution = dict[Fraction, Fraction]  # score → probability
TRUE_TEXT = "True"  # the English text of the "true" choice of a true/false question


def _score(question: Mapping, selected: Sequence[int]) -> Fraction:
    correct = [i for i, choice in enumerate(question["choices"]) if choice.get("correct")]
    value = question_score(
        question_type=question["type"],
        scoring=question.get("scoring", "all_or_nothing"),
        correct_ids=correct,
        selected_ids=selected,
        choice_count=len(question["choices"]),
    )
    return Fraction(value).limit_denominator(1000)


def _uniform(question: Mapping, picks: Sequence[Sequence[int]]) -> Distribution:
    dist: Distribution = defaultdict(Fraction)
    for selected in picks:
        dist[_score(question, selected)] += Fraction(1, len(picks))
    return dict(dist)


def random_pick(question: Mapping) -> Distribution:
    count = len(question["choices"])
    if question["type"] == "multiple":
        subsets = [
            [i for i, on in enumerate(mask) if on] for mask in product((False, True), repeat=count)
        ]
        return _uniform(question, subsets)
    return _uniform(question, [[i] for i in range(count)])


def _lengths(question: Mapping, language: str) -> list[int]:
    return [len(choice["text"][language]) for choice in question["choices"]]


def _extreme(question: Mapping, language: str, pick: Callable) -> Distribution:
    lengths = _lengths(question, language)
    target = pick(lengths)
    tied = [[i] for i, length in enumerate(lengths) if length == target]
    return _uniform(question, tied)


def longest(question: Mapping, language: str) -> Distribution:
    if question["type"] == "true_false":
        return random_pick(question)
    return _extreme(question, language, max)


def shortest(question: Mapping, language: str) -> Distribution:
    if question["type"] == "true_false":
        return random_pick(question)
    return _extreme(question, language, min)


def _true_false(question: Mapping, want_true: bool) -> Distribution:
    if question["type"] != "true_false":
        return random_pick(question)
    pick = [
        i
        for i, choice in enumerate(question["choices"])
        if (choice["text"]["en"].strip() == TRUE_TEXT) == want_true
    ]
    return _uniform(question, [pick[:1]])


def always_true(question: Mapping, language: str) -> Distribution:
    return _true_false(question, True)


def always_false(question: Mapping, language: str) -> Distribution:
    return _true_false(question, False)


def tick_all(question: Mapping, language: str) -> Distribution:
    if question["type"] != "multiple":
        return random_pick(question)
    return _uniform(question, [list(range(len(question["choices"])))])


def tick_longest_half(question: Mapping, language: str) -> Distribution:
    if question["type"] != "multiple":
        return random_pick(question)
    lengths = _lengths(question, language)
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return _uniform(question, [order[: ceil(len(lengths) / 2)]])


STRATEGIES: dict[str, Callable[[Mapping, str], Distribution]] = {
    "longest": longest,
    "shortest": shortest,
    "always_true": always_true,
    "always_false": always_false,
    "tick_all": tick_all,
    "tick_longest_half": tick_longest_half,
}


def _convolve(a: Distribution, b: Distribution) -> Distribution:
    out: Distribution = defaultdict(Fraction)
    for x, p in a.items():
        for y, q in b.items():
            out[x + y] += p * q
    return dict(out)


def bank_units(questions: Sequence[Mapping]) -> list[DrawUnit]:
    """Units of a bank in the order the draw service uses: single questions in bank order,
    then each scenario's questions together."""
    singles, scenarios = [], {}
    for index, question in enumerate(questions):
        if question.get("scenario"):
            scenarios.setdefault(question["scenario"], []).append(index)
        else:
            singles.append(DrawUnit((index,)))
    return singles + [DrawUnit(tuple(keys)) for keys in scenarios.values()]


@dataclass(frozen=True)
class Outcome:
    expected: Fraction  # expected score, 0..1
    pass_chance: Fraction  # chance of passing one draw


def strategy_outcome(
    *,
    questions: Sequence[Mapping],
    draw: int,
    pass_mark: int,
    strategy: Callable[[Mapping, str], Distribution],
    language: str,
) -> Outcome:
    """Exact expected score and pass chance of ``strategy`` over every draw of the bank."""
    units = bank_units(questions)
    per_question = [strategy(question, language) for question in questions]
    unit_dists = []
    for unit in units:
        dist: Distribution = {Fraction(0): Fraction(1)}
        for key in unit.keys:
            dist = _convolve(dist, per_question[key])
        unit_dists.append(dist)
    # states[size] = {sum of scores: probability mass summed over the sets of that size}
    states: list[Distribution] = [{} for _ in range(draw + 1)]
    states[0] = {Fraction(0): Fraction(1)}
    for unit, dist in zip(units, unit_dists, strict=True):
        for size in range(draw, unit.size - 1, -1):
            source = states[size - unit.size]
            if not source:
                continue
            target = defaultdict(Fraction, states[size])
            for total, mass in _convolve(source, dist).items():
                target[total] += mass
            states[size] = dict(target)
    fills = exact_fill_counts(units, draw)[0][draw]
    if fills == 0:
        raise ValueError("no set of units fills the draw exactly")
    threshold = Fraction(pass_mark * draw, 100)
    expected = sum(total * mass for total, mass in states[draw].items()) / fills / draw
    passing = sum(mass for total, mass in states[draw].items() if total >= threshold) / fills
    return Outcome(expected=expected, pass_chance=passing)


def pooled_expected(
    *, questions: Sequence[Mapping], strategy: Callable[[Mapping, str], Distribution], language: str
) -> Fraction:
    """Expected share of points over a set of questions that are all asked (knowledge checks)."""
    total = Fraction(0)
    for question in questions:
        total += sum(score * p for score, p in strategy(question, language).items())
    return total / len(questions)
