"""What the assessments app keeps about a person, for "download my data" (registered in
``AssessmentsConfig.ready``; see ``accounts.hooks``).

Exported: every quiz attempt (final quiz and knowledge checks) with score, passed and dates,
and each answer: the question's text and the texts of the chosen choices, with the score per
question once handed in (what the review page shows too; never which choices are right);
extra attempts granted; the attitude questionnaire answers (statement and 1–5 answer).
Texts are in the person's own language.

Nothing to erase: attempts, answers and questionnaire answers hold no name or address (choices
are stored as ids, the questionnaire as 1–5 per statement). They stay, pointing to the anonymous
account, so that item statistics and group averages stay right. So this app registers no
eraser.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import translation

from accounts.hooks import exports
from accounts.personal_data import iso
from assessments.models import (
    Attempt,
    Choice,
    ExtraAttempt,
    Question,
    Response,
    SurveyItem,
    SurveyResponse,
)


def _attempts(user) -> list[dict]:
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz__course", "quiz__lesson")
        .prefetch_related(
            Prefetch("responses", queryset=Response.objects.order_by("answered_at", "pk"))
        )
        .order_by("started_at", "pk")
    )
    question_ids = {r.question_id for a in attempts for r in a.responses.all()}
    questions = Question.objects.in_bulk(question_ids)
    choices = {
        choice.pk: choice
        for choice in Choice.objects.filter(question_id__in=question_ids).only(
            "pk", "text_nl", "text_en"
        )
    }
    return [
        {
            "course": attempt.quiz.course.slug,
            "quiz": attempt.quiz.kind,
            "lesson": attempt.quiz.lesson.slug if attempt.quiz.lesson else None,
            "number": attempt.number,
            "status": attempt.status,
            "started_at": iso(attempt.started_at),
            "deadline": iso(attempt.deadline),
            "submitted_at": iso(attempt.submitted_at),
            "score_percent": float(attempt.score) if attempt.score is not None else None,
            "passed": attempt.passed,
            "answers": [
                {
                    "question": questions[response.question_id].text
                    if response.question_id in questions
                    else None,
                    "chosen": [
                        choices[choice_id].text
                        for choice_id in response.selected
                        if choice_id in choices
                    ],
                    "answered_at": iso(response.answered_at),
                    "score": response.score,
                }
                for response in attempt.responses.all()
            ],
        }
        for attempt in attempts
    ]


def _questionnaires(user) -> list[dict]:
    responses = list(
        SurveyResponse.objects.filter(enrolment__user=user)
        .select_related("survey", "enrolment__course")
        .order_by("submitted_at", "pk")
    )
    items = {
        (item.survey_id, item.slug): item
        for item in SurveyItem.objects.filter(survey_id__in={r.survey_id for r in responses})
    }
    return [
        {
            "course": response.enrolment.course.slug,
            "questionnaire": response.survey.slug,
            "phase": response.phase,
            "submitted_at": iso(response.submitted_at),
            "skipped": response.skipped,
            "score": response.score,
            "answers": [
                {
                    "statement": items[(response.survey_id, slug)].text
                    if (response.survey_id, slug) in items
                    else slug,
                    "answer": value,
                }
                for slug, value in sorted(
                    (response.answers or {}).items(),
                    key=lambda pair: getattr(
                        items.get((response.survey_id, pair[0])), "position", 0
                    ),
                )
            ],
        }
        for response in responses
    ]


@exports(
    "assessments.Attempt",
    "assessments.Response",
    "assessments.ExtraAttempt",
    "assessments.SurveyResponse",
)
def assessment_section(*, user) -> dict:
    with translation.override(user.preferred_language or "nl"):
        return {
            "quiz_attempts": _attempts(user),
            "extra_attempts_granted": [
                {"course": extra.quiz.course.slug, "granted_at": iso(extra.granted_at)}
                for extra in ExtraAttempt.objects.filter(enrolment__user=user)
                .select_related("quiz__course")
                .order_by("granted_at", "pk")
            ],
            "questionnaires": _questionnaires(user),
        }
