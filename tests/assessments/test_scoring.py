import pytest

from assessments.scoring import likert_score, percentage, question_score


@pytest.mark.parametrize(
    ("qtype", "scoring", "correct", "selected", "choices", "expected"),
    [
        ("single", "all_or_nothing", [1], [1], 3, 1.0),
        ("single", "all_or_nothing", [1], [2], 3, 0.0),
        ("single", "all_or_nothing", [1], [], 3, 0.0),
        ("true_false", "all_or_nothing", [1], [1], 2, 1.0),
        ("multiple", "all_or_nothing", [1, 2], [1, 2], 4, 1.0),
        ("multiple", "all_or_nothing", [1, 2], [1], 4, 0.0),
        ("multiple", "all_or_nothing", [1, 2], [1, 2, 3], 4, 0.0),
        # partial credit: right picks ÷ right choices − wrong picks ÷ wrong choices, ≥ 0
        ("multiple", "partial", [1, 2, 3], [1, 2], 4, 2 / 3),
        ("multiple", "partial", [1, 2, 3], [1, 2, 3, 4], 4, 0.0),  # ticking everything: 0
        ("multiple", "partial", [1, 2], [1, 2, 3, 4], 4, 0.0),
        ("multiple", "partial", [1, 2], [1, 3], 4, 0.0),
        ("multiple", "partial", [1, 2], [1, 3, 4], 4, 0.0),  # never below 0
        ("multiple", "partial", [1, 2], [1], 4, 0.5),
        ("multiple", "partial", [1, 2, 3, 4], [1, 2, 3, 5], 6, 0.75 - 0.5),
        ("multiple", "partial", [1, 2, 3], [1, 2, 3], 3, 1.0),  # no wrong choices at all
        ("multiple", "partial", [1, 2], [], 4, 0.0),
    ],
)
def test_it_scores_each_question_type(qtype, scoring, correct, selected, choices, expected):
    score = question_score(
        question_type=qtype,
        scoring=scoring,
        correct_ids=correct,
        selected_ids=selected,
        choice_count=choices,
    )
    assert score == pytest.approx(expected)


def test_it_computes_a_percentage_over_all_drawn_questions():
    assert percentage([1.0, 0.5], 4) == 37.5
    assert percentage([], 0) == 0.0


def test_it_reverse_scores_likert_items():
    # a0 agreed fully (5), a1 is reverse-scored: 5 → 1
    assert likert_score({"a0": 5, "a1": 5}, {"a1"}) == 3.0
    assert likert_score({"a0": 4, "a1": 2}, {"a1"}) == 4.0
