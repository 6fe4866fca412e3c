"""Loading quizzes, knowledge checks and the attitude questionnaire from ``content/``.

Files (see content/README.md): ``<course>/quiz.yaml`` (final quiz), ``<course>/checks/
<lesson-slug>.yaml`` (knowledge check of that lesson), ``_shared/attitude-survey.yaml``.
Validation errors name the file and the line. Questions are upserted by slug; a question that
disappeared from the bank is deactivated, never deleted, so past attempts keep their meaning.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache

from assessments.models import Choice, Question, Quiz, Scenario, Survey, SurveyItem
from courses.loader import LoaderError, YamlList, YamlMap, find_stigmatising_words

SURVEY_SLUG = "attitude"
LANGS = ("nl", "en")
QUESTION_TYPES = {"single", "multiple", "true_false"}
# final quizzes: three attempts, a day apart; knowledge checks: unlimited, at once
DEFAULT_ATTEMPTS = {Quiz.Kind.FINAL: 3, Quiz.Kind.CHECK: None}
DEFAULT_RETRY_HOURS = {Quiz.Kind.FINAL: 24, Quiz.Kind.CHECK: 0}


@dataclass
class LoadErrors:
    """Collects problems of one file as ``LoaderError``s naming the file and the line."""

    name: str
    errors: list[LoaderError] = field(default_factory=list)

    def add(self, node, message: str, key: str | None = None) -> None:
        line = None
        if isinstance(node, YamlMap):
            line = node.line_of(key) if key else node.line
        elif isinstance(node, YamlList):
            line = node.line
        self.errors.append(LoaderError(self.name, line, message))


def _text(node, key: str, errors: LoadErrors, required: bool = True) -> dict:
    value = node.get(key) if isinstance(node, dict) else None
    if value is None:
        if required:
            errors.add(node, f"'{key}' is missing")
        return {"nl": "", "en": ""}
    if not isinstance(value, dict):
        errors.add(node, f"'{key}' needs a Dutch and an English text (nl: / en:)")
        return {"nl": "", "en": ""}
    for lang in LANGS:
        text = str(value.get(lang) or "").strip()
        if not text:
            errors.add(value, f"'{key}' has no {lang} text")
        for _line, word in find_stigmatising_words(text):
            errors.add(value, f"'{key}' ({lang}) uses the stigmatising term '{word}'")
    return {lang: str(value.get(lang) or "").strip() for lang in LANGS}


# An explanation is shown after a failed attempt, before the learner may see the right choice:
# it teaches the point without opening with the verdict.
VERDICT_OPENING = re.compile(
    r"^\W*(waar|onwaar|niet waar|juist|onjuist|true|false|correct|incorrect|right|wrong)\b",
    re.IGNORECASE,
)


def validate_quiz(data, errors: LoadErrors, lesson_slugs: set[str] | None = None) -> None:
    """Apply the content rules to one quiz file; errors are collected, not raised.

    A final quiz passes ``lesson_slugs`` (the course outline): every question must then name the
    lesson it tests in its ``lesson:`` key, so that each answer is taught, and no explanation may
    open with the verdict (a knowledge check shows the right choice at once; a final quiz shows
    only the explanation until the learner passes)."""
    if not isinstance(data, dict):
        errors.add(data, "a quiz file must be a mapping")
        return
    for key in ("pass_mark", "questions_per_attempt"):
        if not isinstance(data.get(key), int):
            errors.add(data, f"'{key}' must be a whole number")
    pass_mark = data.get("pass_mark")
    if isinstance(pass_mark, int) and not 0 <= pass_mark <= 100:
        errors.add(data, "'pass_mark' is a percentage between 0 and 100")
    attempts = data.get("attempts_allowed")
    if attempts is not None and (not isinstance(attempts, int) or attempts < 1):
        errors.add(data, "'attempts_allowed' is empty (unlimited) or a number ≥ 1")
    retry = data.get("retry_after_hours")
    if retry is not None and (not isinstance(retry, int) or retry < 0):
        errors.add(data, "'retry_after_hours' is a whole number ≥ 0")
    limit = data.get("time_limit_minutes")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        errors.add(data, "'time_limit_minutes' is empty or a number ≥ 1")
    scenarios = data.get("scenarios") or []
    scenario_slugs = set()
    for scenario in scenarios:
        slug = scenario.get("slug") if isinstance(scenario, dict) else None
        if not slug:
            errors.add(scenario, "a scenario needs a 'slug'")
            continue
        if slug in scenario_slugs:
            errors.add(scenario, f"scenario '{slug}' appears twice")
        scenario_slugs.add(slug)
        _text(scenario, "text", errors)
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        errors.add(data, "'questions' must list at least one question")
        return
    seen = set()
    for question in questions:
        if not isinstance(question, dict):
            errors.add(data, "every question must be a mapping")
            continue
        slug = question.get("slug")
        if not slug:
            errors.add(question, "a question needs a 'slug'")
        elif slug in seen:
            errors.add(question, f"question '{slug}' appears twice")
        seen.add(slug)
        qtype = question.get("type")
        if qtype not in QUESTION_TYPES:
            errors.add(
                question,
                f"question '{slug}': type must be one of single, multiple, true_false",
            )
        scoring = question.get("scoring", "all_or_nothing")
        if scoring not in ("all_or_nothing", "partial"):
            errors.add(question, f"question '{slug}': scoring is all_or_nothing or partial")
        if question.get("scenario") and question["scenario"] not in scenario_slugs:
            errors.add(question, f"question '{slug}': unknown scenario '{question['scenario']}'")
        _text(question, "text", errors)
        explanation = _text(question, "explanation", errors)
        for lang in LANGS if lesson_slugs is not None else ():
            if VERDICT_OPENING.match(explanation[lang]):
                errors.add(
                    question,
                    f"question '{slug}': the {lang} explanation opens with the verdict; "
                    "explain the point instead (it is shown before the right choice is)",
                    "explanation",
                )
        if lesson_slugs is not None:
            lesson = question.get("lesson")
            if not lesson:
                errors.add(question, f"question '{slug}': name the lesson it tests ('lesson:')")
            elif str(lesson) not in lesson_slugs:
                errors.add(question, f"question '{slug}': unknown lesson '{lesson}'", "lesson")
        choices = question.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            errors.add(question, f"question '{slug}' needs at least two choices")
            continue
        correct = 0
        for choice in choices:
            if not isinstance(choice, dict):
                errors.add(question, f"question '{slug}': every choice must be a mapping")
                continue
            _text(choice, "text", errors)
            _text(choice, "feedback", errors, required=False)
            correct += 1 if choice.get("correct") is True else 0
        if qtype in ("single", "true_false") and correct != 1:
            errors.add(
                question,
                f"question '{slug}': {qtype} needs exactly one correct choice (found {correct})",
            )
        if qtype == "multiple" and correct < 1:
            errors.add(
                question,
                f"question '{slug}': multiple choice needs at least one correct choice",
            )
        if qtype == "true_false" and len(choices) != 2:
            errors.add(question, f"question '{slug}': true/false has exactly two choices")
    draw = data.get("questions_per_attempt")
    if isinstance(draw, int):
        if draw < 1:
            errors.add(data, "'questions_per_attempt' must be at least 1")
        if len(questions) < draw:
            errors.add(
                data,
                f"the bank holds {len(questions)} questions, fewer than the draw of {draw}",
            )
    per_category = data.get("per_category") or {}
    for category, count in per_category.items():
        available = sum(
            1 for q in questions if isinstance(q, dict) and q.get("category") == category
        )
        if available < count:
            errors.add(
                data,
                f"category '{category}' holds {available} questions, fewer than its draw of {count}",
            )


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upsert_quiz(
    *, course, path: Path, data: dict, kind: str, lesson=None, lessons: dict | None = None
) -> str:
    """Create or update a quiz from validated data. Returns "created", "updated" or "unchanged".
    ``lessons`` maps lesson slugs to lessons, for the questions' ``lesson:`` key (a knowledge
    check's questions test its own lesson)."""
    lessons = lessons or {}
    digest = _hash(path)
    lookup = {"course": course, "kind": kind, "lesson": lesson}
    quiz = Quiz.objects.filter(**lookup).first()
    if quiz is not None and quiz.content_hash == digest:
        return "unchanged"
    outcome = "updated" if quiz else "created"
    fields = {
        "pass_mark": data["pass_mark"],
        "attempts_allowed": data.get("attempts_allowed", DEFAULT_ATTEMPTS[kind]),
        "retry_after_hours": data.get("retry_after_hours", DEFAULT_RETRY_HOURS[kind]),
        "questions_per_attempt": data["questions_per_attempt"],
        "shuffle": bool(data.get("shuffle", True)),
        "time_limit_minutes": data.get("time_limit_minutes"),
        "feedback": Quiz.Feedback.PER_QUESTION
        if kind == Quiz.Kind.CHECK
        else Quiz.Feedback.AFTER_SUBMIT,
        "per_category": dict(data.get("per_category") or {}),
        "content_hash": digest,
    }
    if quiz is None:
        quiz = Quiz.objects.create(**lookup, **fields)
    else:
        for name, value in fields.items():
            setattr(quiz, name, value)
        quiz.save(update_fields=list(fields))
    scenarios = {}
    for scenario in data.get("scenarios") or []:
        scenarios[scenario["slug"]], _ = Scenario.objects.update_or_create(
            quiz=quiz,
            slug=scenario["slug"],
            defaults={"text_nl": scenario["text"]["nl"], "text_en": scenario["text"]["en"]},
        )
    slugs = []
    for position, item in enumerate(data["questions"]):
        slugs.append(item["slug"])
        question, _ = Question.objects.update_or_create(
            quiz=quiz,
            slug=item["slug"],
            defaults={
                "type": item["type"],
                "scoring": item.get("scoring", "all_or_nothing"),
                "category": item.get("category") or "",
                "lesson": lessons.get(item.get("lesson")) or lesson,
                "scenario": scenarios.get(item.get("scenario")),
                "text_nl": item["text"]["nl"],
                "text_en": item["text"]["en"],
                "explanation_nl": item["explanation"]["nl"],
                "explanation_en": item["explanation"]["en"],
                "position": position,
                "is_active": True,
            },
        )
        existing = list(question.choices.order_by("position"))
        for index, choice in enumerate(item["choices"]):
            feedback = choice.get("feedback") or {}
            values = {
                "text_nl": choice["text"]["nl"],
                "text_en": choice["text"]["en"],
                "is_correct": choice.get("correct") is True,
                "feedback_nl": feedback.get("nl", ""),
                "feedback_en": feedback.get("en", ""),
                "position": index,
            }
            if index < len(existing):
                for name, value in values.items():
                    setattr(existing[index], name, value)
                existing[index].save(update_fields=list(values))
            else:
                Choice.objects.create(question=question, **values)
        for surplus in existing[len(item["choices"]) :]:
            surplus.delete()
    quiz.questions.exclude(slug__in=slugs).update(is_active=False)
    return outcome


def validate_survey(data, errors: LoadErrors) -> None:
    if not isinstance(data, dict):
        errors.add(data, "the questionnaire file must be a mapping")
        return
    _text(data, "intro", errors)
    items = data.get("items")
    if not isinstance(items, list) or len(items) < 2:
        errors.add(data, "'items' must list at least two statements")
        return
    seen = set()
    for item in items:
        if not isinstance(item, dict) or not item.get("slug"):
            errors.add(item if isinstance(item, dict) else data, "every item needs a 'slug'")
            continue
        if item["slug"] in seen:
            errors.add(item, f"item '{item['slug']}' appears twice")
        seen.add(item["slug"])
        _text(item, "text", errors)
        if not isinstance(item.get("reverse", False), bool):
            errors.add(item, "'reverse' is true or false")


def upsert_survey(*, path: Path, data: dict) -> str:
    digest = _hash(path)
    survey = Survey.objects.filter(slug=SURVEY_SLUG).first()
    if survey is not None and survey.content_hash == digest:
        return "unchanged"
    outcome = "updated" if survey else "created"
    survey, _ = Survey.objects.update_or_create(
        slug=SURVEY_SLUG,
        defaults={
            "intro_nl": data["intro"]["nl"],
            "intro_en": data["intro"]["en"],
            "content_hash": digest,
        },
    )
    slugs = []
    for position, item in enumerate(data["items"]):
        slugs.append(item["slug"])
        SurveyItem.objects.update_or_create(
            survey=survey,
            slug=item["slug"],
            defaults={
                "text_nl": item["text"]["nl"],
                "text_en": item["text"]["en"],
                "reverse": bool(item.get("reverse", False)),
                "position": position,
                "is_active": True,
            },
        )
    survey.items.exclude(slug__in=slugs).update(is_active=False)
    cache.delete("assessments:survey-id")
    return outcome
