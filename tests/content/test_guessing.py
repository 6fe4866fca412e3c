"""Zero-knowledge strategies against every bank of the real catalogue (no database needed).

The rules (content/README.md, "Banks that resist guessing"):
- final quiz: for every strategy and in both languages, the exact expected score over every
  possible draw stays below 50 % and the chance of passing one draw stays below 1 %;
- knowledge checks: pooled over all checks of a course, every strategy's expected share of
  points stays below 50 %.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from assessments.guessing import STRATEGIES, pooled_expected, strategy_outcome

CONTENT = Path(settings.CONTENT_DIR)
LANGUAGES = ("nl", "en")
MAX_EXPECTED = 0.5
MAX_PASS_CHANCE = 0.01


def _courses() -> list[Path]:
    return sorted(p for p in CONTENT.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("course_dir", _courses(), ids=lambda p: p.name)
def test_final_quiz_resists_every_guessing_strategy(course_dir):
    quiz = _load(course_dir / "quiz.yaml")
    failures = []
    for name, strategy in STRATEGIES.items():
        for language in LANGUAGES:
            outcome = strategy_outcome(
                questions=quiz["questions"],
                draw=quiz["questions_per_attempt"],
                pass_mark=quiz["pass_mark"],
                strategy=strategy,
                language=language,
            )
            if outcome.expected >= MAX_EXPECTED or outcome.pass_chance >= MAX_PASS_CHANCE:
                failures.append(
                    f"{name} ({language}): expected {float(outcome.expected):.1%}, "
                    f"passes {float(outcome.pass_chance):.2%} of draws"
                )
    assert not failures, f"{course_dir.name}/quiz.yaml can be passed by guessing: {failures}"


@pytest.mark.parametrize("course_dir", _courses(), ids=lambda p: p.name)
def test_knowledge_checks_resist_every_guessing_strategy(course_dir):
    questions = [
        question
        for path in sorted((course_dir / "checks").glob("*.yaml"))
        for question in _load(path)["questions"]
    ]
    if not questions:
        pytest.skip("this course has no knowledge checks")
    failures = []
    for name, strategy in STRATEGIES.items():
        for language in LANGUAGES:
            share = pooled_expected(questions=questions, strategy=strategy, language=language)
            if share >= MAX_EXPECTED:
                failures.append(f"{name} ({language}): expected {float(share):.1%}")
    assert not failures, f"{course_dir.name}/checks can be passed by guessing: {failures}"
