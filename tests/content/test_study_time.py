"""Honest study time (content/README.md, "Study time"), on the files themselves.

A lesson's ``minutes`` covers reading at 110 words a minute (the longer language counts), one
minute per ``!!! reflect`` block and half a minute per question its knowledge check draws. A
course's ``minutes`` is the sum of its lessons plus one minute per drawn final-quiz question. The
care course, the short alternative to a ten-hour e-learning, stays at 120 minutes or less.
Integer arithmetic in "word units" (110 per minute) keeps the budget exact.
"""

import math

from tests.content.catalogue_files import (
    CONTENT,
    LANGUAGES,
    REFLECT_BLOCK,
    check_draw,
    count_words,
    course_data,
    course_dirs,
    final_quiz,
    lesson_files,
    lesson_path,
    name,
    outline,
    split_lesson,
)

WORDS_PER_MINUTE = 110
REFLECTION_MINUTES = 1
CHECK_QUESTION_MINUTES = 0.5
FINAL_QUIZ_MINUTES_PER_QUESTION = 1
CARE_COURSE = "hulp-en-zorg"
CARE_COURSE_MAX_MINUTES = 120


def needed_units(body: str, check_questions: int) -> int:
    """Study time of one lesson text in words (110 words = one minute)."""
    reflections = len(REFLECT_BLOCK.findall(body))
    return (
        count_words(body)
        + reflections * REFLECTION_MINUTES * WORDS_PER_MINUTE
        + int(check_questions * CHECK_QUESTION_MINUTES * WORDS_PER_MINUTE)
    )


def test_the_study_time_counts_words_reflection_and_the_knowledge_check():
    body = "Tien woorden " * 5 + '\n\n!!! reflect "Denk na"\n    Wat doe jij?'

    assert count_words(body) == 16  # 10 + reflect, "Denk, na", Wat, doe, jij?
    assert needed_units(body, check_questions=0) == 16 + 110
    assert needed_units(body, check_questions=3) == 16 + 110 + 165


def test_every_lesson_states_enough_minutes_for_reading_reflection_and_its_check():
    problems = []
    for course_dir in course_dirs():
        for slug in outline(course_dir):
            draw = check_draw(course_dir, slug)
            for language in LANGUAGES:
                path = lesson_path(course_dir, slug, language)
                meta, body = split_lesson(path)
                units = needed_units(body, draw)
                if units > meta["minutes"] * WORDS_PER_MINUTE:
                    problems.append(
                        f"{name(path)}: needs {math.ceil(units / WORDS_PER_MINUTE)} minutes "
                        f"({count_words(body)} words ÷ {WORDS_PER_MINUTE}, "
                        f"{len(REFLECT_BLOCK.findall(body))} reflection(s), {draw} check "
                        f"question(s)), states {meta['minutes']}"
                    )
    assert len(lesson_files()) >= 6 * 2 * 5
    assert not problems, "\n".join(problems)


def test_every_course_states_its_lessons_plus_its_final_quiz():
    problems = []
    for course_dir in course_dirs():
        lessons = sum(
            split_lesson(lesson_path(course_dir, slug, "nl"))[0]["minutes"]
            for slug in outline(course_dir)
        )
        quiz = final_quiz(course_dir)["questions_per_attempt"] * FINAL_QUIZ_MINUTES_PER_QUESTION
        stated = course_data(course_dir)["minutes"]
        if stated != lessons + quiz:
            problems.append(
                f"{course_dir.name}/course.yaml: minutes {stated}, but the lessons take "
                f"{lessons} and the final quiz {quiz} (= {lessons + quiz})"
            )
    assert not problems, "\n".join(problems)


def test_the_care_course_stays_the_short_alternative_of_at_most_two_hours():
    assert course_data(CONTENT / CARE_COURSE)["minutes"] <= CARE_COURSE_MAX_MINUTES
