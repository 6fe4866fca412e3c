"""The question banks on file, and the corrections of the catalogue review (content/CHANGES.md)
that must not come back.

- Every final-quiz question names the lesson that teaches its answer (``lesson:``), and that
  lesson is in the course outline; its explanation does not open with the verdict.
- A doctor's confidentiality is a duty ("mag niet zonder toestemming"), not a choice to refuse.
- "Two people are often enough" for an inspection is a recommendation from practice, said so
  wherever it appears.
- "Which services do you offer?" is not taught as an improper question.
- The care course has its own name and claims no accreditation.
"""

import re

from assessments.loader import VERDICT_OPENING
from tests.content.catalogue_files import (
    CONTENT,
    LANGUAGES,
    all_texts,
    course_data,
    course_dirs,
    final_quiz,
    lesson_path,
    outline,
    split_lesson,
)

CARE_COURSE = "hulp-en-zorg"
HUMANITAS_TITLE = "hulp en zorg aan sekswerkers"


def test_every_final_quiz_question_names_a_lesson_of_its_course():
    problems = []
    for course_dir in course_dirs():
        lessons = set(outline(course_dir))
        for question in final_quiz(course_dir)["questions"]:
            lesson = question.get("lesson")
            if lesson not in lessons:
                problems.append(
                    f"{course_dir.name}/quiz.yaml: question {question['slug']} names lesson "
                    f"{lesson!r}, which is not in course.yaml"
                )
    assert not problems, "\n".join(problems)


def test_no_final_quiz_explanation_opens_with_the_verdict():
    problems = [
        f"{course_dir.name}/quiz.yaml: question {question['slug']} ({language}): "
        f"{question['explanation'][language][:40]!r}"
        for course_dir in course_dirs()
        for question in final_quiz(course_dir)["questions"]
        for language in LANGUAGES
        if VERDICT_OPENING.match(question["explanation"][language])
    ]
    assert not problems, "\n".join(problems)


def test_confidentiality_is_taught_as_a_duty_not_as_a_choice_to_refuse():
    refuse = re.compile(
        r"mag (?:medewerking )?weigeren voor zover|may refuse(?: to cooperate)? as far as",
        re.IGNORECASE,
    )
    problems = [
        f"{where}: '{match.group(0)}'"
        for course_dir in course_dirs()
        for language in LANGUAGES
        for where, text in all_texts(course_dir, language)
        for match in refuse.finditer(text)
    ]
    assert not problems, "\n".join(problems)
    lesson = split_lesson(lesson_path(CONTENT / CARE_COURSE, "huisarts-en-beroepsgeheim", "nl"))
    assert "Zonder toestemming van de patiënt mag je niets vertellen" in lesson[1]
    [question] = [
        q
        for q in final_quiz(CONTENT / CARE_COURSE)["questions"]
        if q["slug"] == "q06-toezichthouder"
    ]
    [right] = [choice for choice in question["choices"] if choice["correct"]]
    assert "zonder toestemming" in right["text"]["nl"]


def test_two_people_per_inspection_is_always_marked_as_a_recommendation_from_practice():
    claim = re.compile(
        r"[^.]*\b(?:twee (?:getrainde )?mensen|two (?:trained )?people)\b[^.]*"
        r"\b(?:genoeg|enough)\b[^.]*\.?",
        re.IGNORECASE,
    )
    problems = []
    for course_dir in course_dirs():
        for language in LANGUAGES:
            for where, text in all_texts(course_dir, language):
                for line in text.split("\n"):
                    for match in claim.finditer(line):
                        if not re.search(r"praktijk|practice", line, re.IGNORECASE):
                            problems.append(f"{where}: {match.group(0).strip()!r}")
    assert not problems, "\n".join(problems)


def test_asking_which_services_a_business_offers_is_not_taught_as_improper():
    services = re.compile(r"welke diensten biedt u|which services do you offer", re.IGNORECASE)
    problems = [
        where
        for course_dir in course_dirs()
        for language in LANGUAGES
        for where, text in all_texts(course_dir, language)
        if services.search(text)
    ]
    assert not problems, "\n".join(problems)


def test_the_care_course_has_its_own_name_and_cites_the_ten_hour_original():
    data = course_data(CONTENT / CARE_COURSE)
    assert HUMANITAS_TITLE not in data["title"]["nl"].lower()
    assert HUMANITAS_TITLE not in data["title"]["en"].lower()
    first = outline(CONTENT / CARE_COURSE)[0]
    for language, ten_hours in (("nl", "tien uur"), ("en", "ten hours")):
        body = split_lesson(lesson_path(CONTENT / CARE_COURSE, first, language))[1]
        assert "Humanitas" in body and ten_hours in body, language
        assert re.search(r"aangevraagd|applied for", body), language


def test_no_lesson_calls_its_own_course_accredited():
    own_claim = re.compile(
        r"(?:deze|this) (?:cursus|course|e-learning) is (?:geaccrediteerd|accredited)"
        r"|accredited: \d",
        re.IGNORECASE,
    )
    problems = [
        where
        for course_dir in course_dirs()
        for language in LANGUAGES
        for where, text in all_texts(course_dir, language)
        if own_claim.search(text)
    ]
    assert not problems, "\n".join(problems)
