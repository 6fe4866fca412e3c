import pytest

from assessments.models import Choice, Question, Quiz, Scenario, Survey, SurveyItem
from tests import factories


def make_quiz(
    *,
    course,
    kind="final",
    lesson=None,
    questions=5,
    draw=None,
    pass_mark=70,
    attempts_allowed=None,
    time_limit=None,
    shuffle=True,
    scenario_questions=0,
):
    """A quiz whose questions have one right choice (marked RIGHT-n) and two wrong ones.
    Feedback and explanations carry unique markers so leak tests can look for them."""
    quiz = Quiz.objects.create(
        course=course,
        lesson=lesson,
        kind=kind,
        pass_mark=pass_mark,
        attempts_allowed=attempts_allowed,
        questions_per_attempt=draw or questions,
        shuffle=shuffle,
        time_limit_minutes=time_limit,
        feedback="per_question" if kind == "check" else "after_submit",
    )
    if kind == "final":  # as the catalogue loader does
        course.requires_final_quiz = True
        course.save(update_fields=["requires_final_quiz"])
    scenario = None
    if scenario_questions:
        scenario = Scenario.objects.create(
            quiz=quiz, slug="case", text_nl="Een casus.", text_en="A case."
        )
    for n in range(questions):
        question = Question.objects.create(
            quiz=quiz,
            slug=f"q{n}",
            type="single",
            text_nl=f"Vraag {n}?",
            text_en=f"Question {n}?",
            explanation_nl=f"UITLEG-{n}",
            explanation_en=f"EXPLANATION-{n}",
            position=n,
            scenario=scenario if n < scenario_questions else None,
        )
        for index in range(3):
            Choice.objects.create(
                question=question,
                text_nl=f"Antwoord {n}.{index}",
                text_en=f"Answer {n}.{index}",
                is_correct=index == 0,
                feedback_nl=f"TERUGKOPPELING-{n}-{index}",
                feedback_en=f"FEEDBACK-{n}-{index}",
                position=index,
            )
    return quiz


def positions_of(attempt, question_id: int, choice_ids) -> list[int]:
    """What the page would send for these choices: their positions in the frozen layout (a
    choice that is not shown becomes a position past the end, which the service refuses)."""
    shown = next((e["c"] for e in attempt.layout if e["q"] == question_id), [])
    return [shown.index(c) if c in shown else len(shown) + 7 for c in choice_ids]


def save_choices(*, attempt, question_id: int, choice_ids, now=None):
    """``services.response_save`` for tests that think in choice ids."""
    from assessments import services

    return services.response_save(
        attempt=attempt,
        question_id=question_id,
        positions=positions_of(attempt, question_id, choice_ids),
        now=now,
    )


def right_choice(question_id: int) -> int:
    return Choice.objects.get(question_id=question_id, is_correct=True).pk


def wrong_choice(question_id: int) -> int:
    return Choice.objects.filter(question_id=question_id, is_correct=False).first().pk


@pytest.fixture
def course(db):
    course = factories.CourseFactory()
    factories.LessonFactory(module__course=course)
    return course


@pytest.fixture
def enrolment(course, learner, organisation):
    return factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)


@pytest.fixture
def quiz(course):
    return make_quiz(course=course, questions=6, draw=5)


@pytest.fixture
def survey(db):
    survey = Survey.objects.create(slug="attitude", intro_nl="Waarom", intro_en="Why")
    for n, reverse in enumerate([False, True, False, True]):
        SurveyItem.objects.create(
            survey=survey,
            slug=f"a{n}",
            text_nl=f"Stelling {n}",
            text_en=f"Statement {n}",
            reverse=reverse,
            position=n,
        )
    return survey
