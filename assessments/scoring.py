"""Scoring rules, free of the database so they are easy to test (and documented for authors in
content/README.md)."""

from collections.abc import Iterable


def question_score(
    *,
    question_type: str,
    scoring: str,
    correct_ids: Iterable[int],
    selected_ids: Iterable[int],
    choice_count: int,
) -> float:
    """Score of one answer between 0 and 1.

    Single choice and true/false: 1 when the one correct choice is picked, else 0.
    Multiple choice, all or nothing: 1 when exactly the correct choices are picked.
    Multiple choice, partial credit: right picks ÷ right choices − wrong picks ÷ wrong choices,
    never below 0. Ticking every option therefore scores 0, and so does ticking none.
    """
    correct = set(correct_ids)
    selected = set(selected_ids)
    if not selected or not correct:
        return 0.0
    if question_type in ("single", "true_false"):
        return 1.0 if selected == correct else 0.0
    if scoring == "partial":
        right = len(selected & correct) / len(correct)
        wrong_choices = choice_count - len(correct)
        wrong = len(selected - correct) / wrong_choices if wrong_choices > 0 else 0.0
        return max(0.0, right - wrong)
    return 1.0 if selected == correct else 0.0


def percentage(scores: list[float], question_count: int) -> float:
    if question_count <= 0:
        return 0.0
    return round(100.0 * sum(scores) / question_count, 2)


def likert_score(answers: dict[str, int], reverse_slugs: set[str]) -> float:
    """Mean item score after reverse scoring (6 − answer); 5 means the least stigma."""
    values = [6 - value if slug in reverse_slugs else value for slug, value in answers.items()]
    return round(sum(values) / len(values), 4)
