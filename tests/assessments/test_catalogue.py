"""Quizzes, knowledge checks and the questionnaire loaded by ``load_catalogue``."""

import shutil
from pathlib import Path

import pytest
import yaml

from assessments.models import Question, Quiz, Survey
from courses.loader import load_catalogue

FIXTURE = Path(__file__).parents[1] / "courses" / "fixtures" / "catalogue"


def _question(slug, qtype="single", correct=(0,), choices=3):
    return {
        "slug": slug,
        "type": qtype,
        "lesson": "stigma-herkennen",
        "text": {"nl": f"Vraag {slug}?", "en": f"Question {slug}?"},
        "explanation": {"nl": "Uitleg.", "en": "Explanation."},
        "choices": [
            {
                "text": {"nl": f"Keuze {i}", "en": f"Choice {i}"},
                "correct": i in correct,
                "feedback": {"nl": "Terugkoppeling.", "en": "Feedback."},
            }
            for i in range(choices)
        ],
    }


def _quiz(questions, draw):
    return {
        "pass_mark": 70,
        "questions_per_attempt": draw,
        "shuffle": True,
        "questions": questions,
    }


@pytest.fixture
def catalogue(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    course = root / "omgaan-met-sekswerkers"
    bank = [_question(f"q{n}") for n in range(4)] + [
        _question("m1", "multiple", correct=(0, 1)),
        _question("tf", "true_false", choices=2),
    ]
    (course / "quiz.yaml").write_text(yaml.safe_dump(_quiz(bank, 5), allow_unicode=True))
    (course / "checks").mkdir()
    (course / "checks" / "stigma-herkennen.yaml").write_text(
        yaml.safe_dump(_quiz([_question("k1"), _question("k2")], 2))
    )
    (root / "_shared" / "attitude-survey.yaml").write_text(
        yaml.safe_dump(
            {
                "intro": {"nl": "Waarom we dit vragen.", "en": "Why we ask."},
                "items": [
                    {"slug": "a1", "text": {"nl": "Stelling 1", "en": "Statement 1"}},
                    {
                        "slug": "a2",
                        "text": {"nl": "Stelling 2", "en": "Statement 2"},
                        "reverse": True,
                    },
                ],
            }
        )
    )
    return root


def test_it_loads_the_final_quiz_checks_and_questionnaire(db, catalogue):
    report = load_catalogue(catalogue)
    assert report.ok, [str(e) for e in report.all_errors()]
    final = Quiz.objects.get(kind="final")
    assert final.questions.count() == 6
    assert final.questions_per_attempt == 5
    assert final.feedback == "after_submit"
    assert (final.attempts_allowed, final.retry_after_hours) == (3, 24)  # the defaults
    assert final.course.requires_final_quiz
    assert {q.lesson.slug for q in final.questions.select_related("lesson")} == {"stigma-herkennen"}
    check = Quiz.objects.get(kind="check")
    assert check.lesson.slug == "stigma-herkennen"
    assert check.feedback == "per_question"
    assert (check.attempts_allowed, check.retry_after_hours) == (None, 0)
    survey = Survey.objects.get()
    assert [i.reverse for i in survey.items.all()] == [False, True]


def test_loading_twice_writes_nothing_new(db, catalogue, django_assert_max_num_queries):
    load_catalogue(catalogue)
    before = list(Question.objects.values_list("pk", "text_nl"))
    report = load_catalogue(catalogue)
    assert report.ok
    assert not any("quiz" in note for course in report.courses for note in course.notes)
    assert list(Question.objects.values_list("pk", "text_nl")) == before


def test_a_question_removed_from_the_bank_is_kept_inactive(db, catalogue):
    load_catalogue(catalogue)
    path = catalogue / "omgaan-met-sekswerkers" / "quiz.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"] = data["questions"][1:]
    path.write_text(yaml.safe_dump(data))
    assert load_catalogue(catalogue).ok
    assert not Question.objects.get(quiz__kind="final", slug="q0").is_active
    assert Question.objects.filter(quiz__kind="final", is_active=True).count() == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][0]["choices"][1].update(correct=True), "exactly one correct"),
        (lambda d: d.update(questions_per_attempt=10), "fewer than the draw of 10"),
        (lambda d: d["questions"][0]["text"].pop("en"), "no en text"),
        (lambda d: [c.update(correct=False) for c in d["questions"][4]["choices"]], "at least one"),
        (
            lambda d: d["questions"][5]["choices"].append(d["questions"][5]["choices"][0]),
            "exactly two",
        ),
        (lambda d: d["questions"][1]["text"].update(nl="Wat doet een prostituee?"), "stigmatising"),
        (lambda d: d["questions"][2].pop("lesson"), "name the lesson it tests"),
        (
            lambda d: d["questions"][2].update(lesson="bestaat-niet"),
            "unknown lesson 'bestaat-niet'",
        ),
        (
            lambda d: d["questions"][3]["explanation"].update(nl="Onwaar. Omdat het zo is."),
            "opens with the verdict",
        ),
        (lambda d: d.update(retry_after_hours=-1), "'retry_after_hours'"),
    ],
)
def test_invalid_questions_are_refused_with_file_and_line(db, catalogue, change, message):
    path = catalogue / "omgaan-met-sekswerkers" / "quiz.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    report = load_catalogue(catalogue)
    errors = [str(e) for e in report.all_errors()]
    assert any(message in e for e in errors), errors
    assert any(e.startswith("omgaan-met-sekswerkers/quiz.yaml:") for e in errors), errors
    assert not Quiz.objects.exists()


def test_a_check_for_an_unknown_lesson_is_refused(db, catalogue):
    checks = catalogue / "omgaan-met-sekswerkers" / "checks"
    (checks / "stigma-herkennen.yaml").rename(checks / "bestaat-niet.yaml")
    report = load_catalogue(catalogue)
    assert any("unknown lesson 'bestaat-niet'" in str(e) for e in report.all_errors())
