"""Reads for dashboards and authors: attitude aggregates and item statistics."""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count

from assessments.models import Attempt, Choice, Quiz, Response, SurveyResponse


@dataclass
class AttitudeAggregate:
    """Group figures of the attitude questionnaire; means are None below the minimum n."""

    n_pre: int
    n_post: int
    n_paired: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    min_n: int

    @property
    def suppressed(self) -> bool:
        return self.mean_pre is None and self.mean_post is None and self.mean_change is None


def attitude_aggregates(*, course=None, organisation=None, survey=None) -> AttitudeAggregate:
    """Mean score before and after, and the mean paired change (post − pre of the same
    enrolment), for a course and/or an organisation with everything below it.
    Never per person; a figure is only returned where its n reaches ``AGGREGATE_MIN_N``."""
    min_n = settings.AGGREGATE_MIN_N
    responses = SurveyResponse.objects.filter(skipped=False)
    if survey is not None:
        responses = responses.filter(survey=survey)
    if course is not None:
        responses = responses.filter(enrolment__course=course)
    if organisation is not None:
        responses = responses.filter(enrolment__organisation__path__startswith=organisation.path)
    per_phase = {
        row["phase"]: row
        for row in responses.values("phase").annotate(n=Count("id"), mean=Avg("score"))
    }
    pre = per_phase.get("pre", {"n": 0, "mean": None})
    post = per_phase.get("post", {"n": 0, "mean": None})
    pairs: dict[int, dict[str, float]] = defaultdict(dict)
    for enrolment_id, phase, score in responses.values_list("enrolment_id", "phase", "score"):
        pairs[enrolment_id][phase] = score
    changes = [p["post"] - p["pre"] for p in pairs.values() if "pre" in p and "post" in p]

    def gated(n: int, value: float | None) -> float | None:
        return round(value, 2) if value is not None and n >= min_n else None

    return AttitudeAggregate(
        n_pre=pre["n"],
        n_post=post["n"],
        n_paired=len(changes),
        mean_pre=gated(pre["n"], pre["mean"]),
        mean_post=gated(post["n"], post["mean"]),
        mean_change=gated(len(changes), sum(changes) / len(changes) if changes else None),
        min_n=min_n,
    )


@dataclass
class ItemStatistics:
    question_id: int
    slug: str
    text: str
    attempts: int
    facility: float | None
    discrimination: float | None
    choice_counts: list[tuple[Choice, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


FLAG_TOO_HARD = "too_hard"
FLAG_TOO_EASY = "too_easy"
FLAG_LOW_DISCRIMINATION = "low_discrimination"


def item_statistics(*, quiz: Quiz) -> list[ItemStatistics]:
    """Per question, over the submitted attempts that drew it: attempts, facility (mean score,
    which is the share correct for right/wrong items), discrimination (item–rest correlation:
    the item's score against the attempt's total without that item) and how often each choice
    was picked. Unanswered questions in a submitted attempt count as 0."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, status=Attempt.Status.SUBMITTED).values_list(
            "id", "layout"
        )
    )
    drawn: dict[int, list[int]] = defaultdict(list)
    for attempt_id, layout in attempts:
        for entry in layout:
            drawn[entry["q"]].append(attempt_id)
    item_scores: dict[tuple[int, int], float] = {}
    picks: dict[int, int] = defaultdict(int)
    for attempt_id, question_id, score, selected in Response.objects.filter(
        attempt__quiz=quiz, attempt__status=Attempt.Status.SUBMITTED
    ).values_list("attempt_id", "question_id", "score", "selected"):
        item_scores[(attempt_id, question_id)] = score or 0.0
        for choice_id in selected:
            picks[choice_id] += 1
    totals: dict[int, float] = defaultdict(float)
    for (attempt_id, _question_id), score in item_scores.items():
        totals[attempt_id] += score

    results = []
    questions = quiz.questions.order_by("position").prefetch_related("choices")
    for question in questions:
        attempt_ids = drawn.get(question.pk, [])
        scores = [item_scores.get((a, question.pk), 0.0) for a in attempt_ids]
        rests = [totals[a] - s for a, s in zip(attempt_ids, scores, strict=True)]
        facility = round(sum(scores) / len(scores), 3) if scores else None
        discrimination = _pearson(scores, rests)
        discrimination = round(discrimination, 3) if discrimination is not None else None
        flags = []
        if facility is not None and facility < 0.2:
            flags.append(FLAG_TOO_HARD)
        if facility is not None and facility > 0.95:
            flags.append(FLAG_TOO_EASY)
        if discrimination is not None and discrimination < 0.1:
            flags.append(FLAG_LOW_DISCRIMINATION)
        results.append(
            ItemStatistics(
                question_id=question.pk,
                slug=question.slug,
                text=question.text,
                attempts=len(attempt_ids),
                facility=facility,
                discrimination=discrimination,
                choice_counts=[(c, picks.get(c.pk, 0)) for c in question.choices.all()],
                flags=flags,
            )
        )
    return results


@dataclass
class ShownChoice:
    """A choice as the page shows it. ``value`` is its position in the attempt's frozen,
    shuffled order: the only thing the page sends back. ``correct`` and ``feedback`` are filled
    only when the key may be shown."""

    value: str  # a string: rendered as is, without number localisation (hundreds per page)
    text: str
    selected: bool
    correct: bool | None = None
    feedback: str = ""


@dataclass
class AttemptItem:
    """One question of an attempt as the learner sees it, in the frozen order.

    ``reveal``: the right choices and the choice feedback may be shown (a checked
    knowledge-check question, or the review of a final quiz the learner has passed).
    ``explain``: the explanation may be shown (a checked knowledge-check question, or any
    review). Templates read correctness only from items with ``reveal``."""

    number: int
    question: object
    choices: list[ShownChoice]
    answered: bool
    scenario_text: str = ""
    reveal: bool = False
    explain: bool = False
    score: float | None = None
    answer_url: str = ""  # set by the view

    @property
    def key(self) -> str:
        """The question's id as the page uses it (field name, element ids)."""
        return str(self.question.pk)

    @property
    def n(self) -> str:
        return str(self.number)

    @property
    def lesson(self):
        """The lesson to reread (loaded for reviews only)."""
        return self.question.lesson


def attempt_items(
    *,
    attempt: Attempt,
    review: bool = False,
    show_key: bool = False,
    question_id: int | None = None,
) -> list[AttemptItem]:
    """The attempt's questions and choices in their frozen order, in three queries (or only
    the question ``question_id``, for the answer of one knowledge-check question).

    ``review``: the attempt was handed in; ``show_key``: the right choices may be shown."""
    from assessments.models import Question

    entries = [e for e in attempt.layout if question_id is None or e["q"] == question_id]
    questions = Question.objects.filter(pk__in=[e["q"] for e in entries]).prefetch_related(
        "choices"
    )
    if review:  # the lesson to reread, without its body
        questions = questions.select_related("scenario", "lesson").defer(
            "lesson__body_nl", "lesson__body_en"
        )
    else:
        questions = questions.select_related("scenario")
    by_id = {q.pk: q for q in questions}
    responses = {
        r.question_id: r
        for r in Response.objects.filter(attempt=attempt, question_id__in=list(by_id))
    }
    per_question_feedback = attempt.quiz.feedback == Quiz.Feedback.PER_QUESTION
    items = []
    shown_scenarios: set[int] = set()
    for number, entry in enumerate(attempt.layout, start=1):
        question = by_id.get(entry["q"])
        if question is None:
            continue
        choice_by_id = {c.pk: c for c in question.choices.all()}
        response = responses.get(question.pk)
        selected = set(response.selected) if response else set()
        checked = per_question_feedback and response is not None
        reveal = checked or (review and show_key)
        scenario_text = ""
        if question.scenario_id and question.scenario_id not in shown_scenarios:
            shown_scenarios.add(question.scenario_id)
            scenario_text = question.scenario.text
        choices = []
        for position, choice_id in enumerate(entry["c"]):
            choice = choice_by_id.get(choice_id)
            if choice is None:
                continue
            choices.append(
                ShownChoice(
                    value=str(position),
                    text=choice.text,
                    selected=choice_id in selected,
                    correct=choice.is_correct if reveal else None,
                    feedback=choice.feedback if reveal else "",
                )
            )
        items.append(
            AttemptItem(
                number=number,
                question=question,
                choices=choices,
                answered=bool(selected),
                scenario_text=scenario_text,
                reveal=reveal,
                explain=checked or review,
                score=response.score if response else None,
            )
        )
    return items
