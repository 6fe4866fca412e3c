"""Acceptance tests of the real course catalogue in ``content/`` (the rules of
content/README.md), on what the loader put in the database and on the files themselves.

Every failure message names what is wrong (course, lesson or file and line) so an author can
fix it without running a debugger.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from assessments.loader import SURVEY_SLUG
from assessments.models import Question, Quiz, Survey
from courses.loader.language import find_stigmatising_words
from courses.models import Course, Lesson
from tests.content.catalogue_files import (
    CONTENT,
    LANGUAGES,
    count_words,
    course_data,
    course_dirs,
    lesson_files,
    name,
    outline,
    split_lesson,
)

pytestmark = pytest.mark.xdist_group("real_catalogue")

EXPECTED_SLUGS = {
    "destigmatisering-basis",
    "politie-bejegening-aangifte",
    "controles-sekswerkbranche",
    "zakelijke-dienstverlening",
    "hulp-en-zorg",
    "stigmavrij-communiceren",
}
ACCREDITED = "hulp-en-zorg"
CASE_BLOCK = re.compile(r"^\s*!!!\s+case\b", re.MULTILINE)
POINTS = re.compile(r"\d+(?:[.,]\d+)?\s*(?:points?|punten|punt)\b", re.IGNORECASE)


# --- loading --------------------------------------------------------------------------------


def test_the_real_catalogue_loads_without_errors(catalogue_report):
    errors = [str(error) for error in catalogue_report.all_errors()]
    assert catalogue_report.ok, "the catalogue has errors:\n" + "\n".join(errors)
    assert all(course.status == "created" for course in catalogue_report.courses), [
        f"{course.slug}: {course.summary()}" for course in catalogue_report.courses
    ]


def test_the_real_catalogue_loads_without_warnings(catalogue_report):
    warnings = [str(warning) for warning in catalogue_report.all_warnings()]
    assert not warnings, "the catalogue has warnings:\n" + "\n".join(warnings)


def test_the_catalogue_holds_exactly_the_six_courses_all_published(db, catalogue_report):
    courses = dict(Course.objects.values_list("slug", "status"))
    assert set(courses) == EXPECTED_SLUGS
    assert {slug for slug, status in courses.items() if status != "published"} == set()
    assert {path.name for path in course_dirs()} == EXPECTED_SLUGS


# --- both languages -------------------------------------------------------------------------


def _missing(label: str, obj, field: str, *, optional: bool = False) -> list[str]:
    """``field_nl`` and ``field_en`` must both hold text (optional: both or neither)."""
    values = {
        language: (getattr(obj, f"{field}_{language}") or "").strip() for language in LANGUAGES
    }
    if optional and not any(values.values()):
        return []
    return [f"{label}: {field} has no {lang} text" for lang, value in values.items() if not value]


def test_every_text_exists_in_both_languages(db, catalogue_report):
    problems = []
    for course in Course.objects.prefetch_related("modules", "lessons"):
        problems += _missing(course.slug, course, "title")
        problems += _missing(course.slug, course, "summary")
        assert course.languages == ["nl", "en"], f"{course.slug}: languages {course.languages}"
        for module in course.modules.all():
            problems += _missing(f"{course.slug} / module {module.slug}", module, "title")
        for lesson in course.lessons.all():
            label = f"{course.slug} / lesson {lesson.slug}"
            problems += _missing(label, lesson, "title")
            problems += _missing(label, lesson, "body")
    quizzes = Quiz.objects.select_related("course", "lesson").prefetch_related(
        "scenarios", "questions__choices"
    )
    for quiz in quizzes:
        where = f"{quiz.course.slug} / {quiz.lesson.slug if quiz.lesson else 'final quiz'}"
        for scenario in quiz.scenarios.all():
            problems += _missing(f"{where} / scenario {scenario.slug}", scenario, "text")
        for question in quiz.questions.all():
            label = f"{where} / question {question.slug}"
            problems += _missing(label, question, "text")
            problems += _missing(label, question, "explanation")
            for number, choice in enumerate(question.choices.all(), start=1):
                problems += _missing(f"{label} / choice {number}", choice, "text")
                problems += _missing(
                    f"{label} / choice {number}", choice, "feedback", optional=True
                )
    survey = Survey.objects.filter(slug=SURVEY_SLUG).prefetch_related("items").first()
    assert survey is not None, (
        "the attitude questionnaire (_shared/attitude-survey.yaml) is missing"
    )
    problems += _missing("attitude questionnaire", survey, "intro")
    for item in survey.items.all():
        problems += _missing(f"attitude questionnaire / item {item.slug}", item, "text")
    assert survey.items.count() >= 2
    assert not problems, "\n".join(problems)


# --- quizzes and knowledge checks -----------------------------------------------------------


def test_every_course_has_a_final_quiz_of_at_least_20_questions_drawing_15_passing_at_70(
    db, catalogue_report
):
    problems = []
    for course in Course.objects.order_by("slug"):
        quiz = Quiz.objects.filter(course=course, kind=Quiz.Kind.FINAL).first()
        if quiz is None:
            problems.append(f"{course.slug}: no final quiz (quiz.yaml)")
            continue
        bank = quiz.questions.filter(is_active=True).count()
        if bank < 20:
            problems.append(f"{course.slug}/quiz.yaml: the bank holds {bank} questions, not ≥ 20")
        if quiz.questions_per_attempt != 15:
            problems.append(f"{course.slug}/quiz.yaml: draws {quiz.questions_per_attempt}, not 15")
        if quiz.pass_mark != 70:
            problems.append(f"{course.slug}/quiz.yaml: pass mark {quiz.pass_mark}, not 70")
    assert not problems, "\n".join(problems)


def test_every_question_is_valid_by_the_assessment_rules(db, catalogue_report):
    problems = []
    questions = Question.objects.filter(is_active=True).select_related(
        "quiz__course", "quiz__lesson"
    )
    for question in questions.prefetch_related("choices"):
        quiz = question.quiz
        where = f"{quiz.course.slug}/{f'checks/{quiz.lesson.slug}' if quiz.lesson else 'quiz'}"
        choices = list(question.choices.all())
        correct = sum(choice.is_correct for choice in choices)
        label = f"{where}.yaml: question {question.slug} ({question.type})"
        if len(choices) < 2:
            problems.append(f"{label}: {len(choices)} choices, needs at least two")
        if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE) and correct != 1:
            problems.append(f"{label}: {correct} correct choices, needs exactly one")
        if question.type == Question.Type.MULTIPLE and correct < 1:
            problems.append(f"{label}: no correct choice")
        if question.type == Question.Type.TRUE_FALSE and len(choices) != 2:
            problems.append(f"{label}: {len(choices)} choices, true/false has exactly two")
    assert questions.count() > 6 * 20
    assert not problems, "\n".join(problems)


def test_every_knowledge_check_draws_at_most_its_bank(db, catalogue_report):
    checks = Quiz.objects.filter(kind=Quiz.Kind.CHECK).select_related("course", "lesson")
    problems = [
        f"{check.course.slug}/checks/{check.lesson.slug}.yaml: draws "
        f"{check.questions_per_attempt} of {check.questions.filter(is_active=True).count()}"
        for check in checks
        if check.questions_per_attempt > check.questions.filter(is_active=True).count()
    ]
    assert checks.count() >= len(EXPECTED_SLUGS)
    assert not problems, "\n".join(problems)


# --- lessons --------------------------------------------------------------------------------


def test_the_word_count_ignores_markup_and_link_targets():
    markdown = '## Kop\n\n- **Een** [bron](https://example.org/a-b-c) – 2024.\n\n!!! case "Casus"'
    assert count_words(markdown) == 6  # Kop, Een, bron, 2024., case, "Casus"


def test_every_lesson_takes_3_to_8_minutes():
    problems = [
        f"{name(path)}: minutes is {minutes}"
        for path in lesson_files()
        if not (
            isinstance(minutes := split_lesson(path)[0].get("minutes"), int) and 3 <= minutes <= 8
        )
    ]
    assert not problems, "\n".join(problems)


def test_every_course_has_at_least_two_case_blocks_in_each_language():
    problems = []
    for course_dir in course_dirs():
        for language in LANGUAGES:
            cases = sum(
                len(
                    CASE_BLOCK.findall(
                        split_lesson(course_dir / "lessons" / f"{slug}.{language}.md")[1]
                    )
                )
                for slug in outline(course_dir)
            )
            if cases < 2:
                problems.append(f"{course_dir.name} ({language}): {cases} '!!! case' blocks")
    assert not problems, "\n".join(problems)


def test_every_course_ends_with_a_lesson_that_names_the_sources(db, catalogue_report):
    problems = []
    for course in Course.objects.order_by("slug"):
        last = Lesson.objects.filter(course=course, is_active=True).order_by("position").last()
        if "Bronnen" not in last.title_nl or "Sources" not in last.title_en:
            problems.append(
                f"{course.slug}: the last lesson is '{last.title_nl}' / '{last.title_en}'"
            )
    assert not problems, "\n".join(problems)


# --- language -------------------------------------------------------------------------------


def test_no_content_file_uses_a_stigmatising_term_outside_a_law_name_or_a_words_to_avoid_block():
    files = [
        path
        for path in sorted(CONTENT.rglob("*"))
        if path.is_file()
        and path.suffix in {".md", ".yaml", ".yml"}
        and path != CONTENT / "README.md"
    ]
    problems = [
        f"{name(path)}:{line}: '{word}'"
        for path in files
        for line, word in find_stigmatising_words(path.read_text(encoding="utf-8-sig"))
    ]
    assert len(files) > 100
    assert not problems, "\n".join(problems)


def test_the_term_check_finds_terms_but_spares_the_name_of_a_law():
    assert find_stigmatising_words("Een prostituee.\nDe Wet regulering prostitutie geldt.") == [
        (1, "prostituee")
    ]
    assert find_stigmatising_words("the raamprostitutie area") == [(1, "raamprostitutie")]


def test_the_term_check_spares_a_closed_words_to_avoid_block_and_nothing_else():
    block = "<!-- words-to-avoid -->\n| prostituee | sekswerker |\n<!-- /words-to-avoid -->"

    assert find_stigmatising_words(f"{block}\nEen hoer.") == [(4, "hoer")]
    assert find_stigmatising_words("<!-- words-to-avoid -->\n| prostituee | sekswerker |") == [
        (2, "prostituee")
    ]


# --- accreditation --------------------------------------------------------------------------


def test_only_the_care_course_declares_an_accreditation_and_only_as_applied_for():
    """course.yaml names the bodies a course was submitted to, nothing more: a number, points or
    a period exist only once a body granted them, and are entered in the admin (README)."""
    declared = {
        course_dir.name: course_data(course_dir).get("accreditations")
        for course_dir in course_dirs()
    }
    assert {slug for slug, value in declared.items() if value} == {ACCREDITED}
    assert declared[ACCREDITED] == [{"body": "vvn"}]
    assert course_data(CONTENT / ACCREDITED)["minimum_study"] is True


def _cards(html: str) -> dict[str, str]:
    """The catalogue's course cards by the course page they link to."""
    cards = {}
    for chunk in html.split('<li class="academy-card courses-card">')[1:]:
        card = chunk.split("</li>")[0]
        slug = re.search(r'href="/courses/([\w-]+)/"', card).group(1)
        cards[slug] = card
    return cards


def test_the_catalogue_page_claims_no_accreditation_points_for_any_course(
    client, db, catalogue_report
):
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

        cards = _cards(client.get(reverse("courses:catalogue")).content.decode())

        assert set(cards) == EXPECTED_SLUGS
        assert [slug for slug, card in cards.items() if POINTS.search(card)] == []


# --- the catalogue page in both languages ---------------------------------------------------


def _assert_titles(html: str, language: str) -> None:
    other = "en" if language == "nl" else "nl"
    cards = _cards(html)
    assert set(cards) == EXPECTED_SLUGS
    for course in Course.objects.all():
        shown, hidden = getattr(course, f"title_{language}"), getattr(course, f"title_{other}")
        assert escape(shown) in cards[course.slug], f"{course.slug}: '{shown}' is not shown"
        assert escape(getattr(course, f"summary_{language}")) in cards[course.slug]
        if shown != hidden:
            assert escape(hidden) not in cards[course.slug], f"{course.slug}: '{hidden}' shown"


def test_the_catalogue_page_serves_all_six_courses_in_dutch(client, db, catalogue_report):
    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 200
    _assert_titles(response.content.decode(), "nl")


def test_the_catalogue_page_serves_all_six_courses_in_english_by_the_language_cookie(
    client, db, catalogue_report
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 200
    _assert_titles(response.content.decode(), "en")


def test_the_catalogue_page_serves_all_six_courses_in_the_profile_language(
    client, learner, catalogue_report
):
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"  # the profile beats the cookie

    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 200
    _assert_titles(response.content.decode(), "en")
