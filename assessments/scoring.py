"""Scoring rules, free of the database so they are easy to test."""

from collections.abc import Iterable


def question_score(
    *, question_type: str, scoring: str, correct_ids: Iterable[int], selected_ids: Iterable[int]
) -> float:
    """Score of one answer between 0 and 1.

    Single choice and true/false: 1 when the one correct choice is picked, else 0.
    Multiple choice, all or nothing: 1 when exactly the correct choices are picked.
    Multiple choice, partial credit: (right picks − wrong picks) / right choices, never below 0.
    """
    correct = set(correct_ids)
    selected = set(selected_ids)
    if not selected or not correct:
        return 0.0
    if question_type in ("single", "true_false"):
        return 1.0 if selected == correct else 0.0
    if scoring == "partial":
        right = len(selected & correct)
        wrong = len(selected - correct)
        return max(0.0, (right - wrong) / len(correct))
    return 1.0 if selected == correct else 0.0


def percentage(scores: list[float], question_count: int) -> float:
    if question_count <= 0:
        return 0.0
    return round(100.0 * sum(scores) / question_count, 2)


def likert_score(answers: dict[str, int], reverse_slugs: set[str]) -> float:
    """Mean item score after reverse scoring (6 − answer); 5 means the least stigma."""
    values = [6 - value if slug in reverse_slugs else value for slug, value in answers.items()]
    return round(sum(values) / len(values), 4)
