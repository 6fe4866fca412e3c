"""Wording rules of content/README.md ("Language and tone"), on the files themselves: the marked
words-to-avoid block, the English terms (the SWAD's one name, "inspection", "boas"), and dated
facts that say where the current state is kept."""

import re

from courses.loader.language import AVOID_END, AVOID_START, find_stigmatising_words
from tests.content.catalogue_files import (
    CONTENT,
    LANGUAGES,
    all_texts,
    course_data,
    course_dirs,
    lesson_path,
    name,
    outline,
    split_lesson,
)

COMMUNICATION_COURSE = "stigmavrij-communiceren"
POLICE_COURSE = "politie-bejegening-aangifte"
MARKER = re.compile(r"<!--\s*/?\s*words-to-avoid\s*-->")
TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
SEPARATOR_ROW = re.compile(r"^\s*\|[\s:|-]+\|\s*$")

# "control" as the name of a municipal check; the verb ("who controls the account") and
# "in control" stay allowed.
CONTROL_NOUN = re.compile(
    r"\bcontrollers?\b"
    r"|\b(?:a|an|the|this|that|each|every|any|your|our|during|after|before|licence|municipal"
    r"|administrative|evening|good|small|unannounced|carry out|carried out|carrying out)"
    r"\s+controls?\b"
    r"|\bcontrols?\s+(?:in|at|of|team|procedure)\b",
    re.IGNORECASE,
)
BOA = re.compile(r"\bboa(?:'s|s)?\b", re.IGNORECASE)
BOA_EXPLAINED = "buitengewoon opsporingsambtenaar"
SWAD_NAME = "Sex Work Alliance Destigmatization"
UNDATED_STATE = re.compile(
    r"\bstand (?:voorjaar|zomer|najaar|winter|begin|eind) \d{4}\b"
    r"|\b(?:as of|status) (?:spring|summer|autumn|winter|early|late) \d{4}\b"
    r"|\((?:verwacht|expected) in \d{4}\)",
    re.IGNORECASE,
)


def _lesson_texts(language: str):
    for course_dir in course_dirs():
        for slug in outline(course_dir):
            path = lesson_path(course_dir, slug, language)
            yield path, path.read_text(encoding="utf-8-sig")


def _blocks(text: str) -> list[list[str]]:
    """The lines inside each closed words-to-avoid block."""
    blocks, current = [], None
    for line in text.split("\n"):
        if line.strip() == AVOID_START:
            current = []
        elif line.strip() == AVOID_END and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


# --- the words-to-avoid block ---------------------------------------------------------------


def test_words_to_avoid_markers_are_closed_pairs_in_lesson_files_only():
    problems = []
    for path in sorted(CONTENT.rglob("*")):
        if not path.is_file() or path.suffix not in {".md", ".yaml", ".yml"}:
            continue
        if path == CONTENT / "README.md":
            continue
        lines = path.read_text(encoding="utf-8-sig").split("\n")
        markers = [(n, line.strip()) for n, line in enumerate(lines, 1) if MARKER.search(line)]
        if markers and path.suffix != ".md":
            problems.append(f"{name(path)}: a words-to-avoid marker outside a lesson file")
            continue
        expected = AVOID_START
        for number, marker in markers:
            if marker != expected:
                problems.append(f"{name(path)}:{number}: expected '{expected}', found '{marker}'")
                break
            expected = AVOID_END if expected == AVOID_START else AVOID_START
        else:
            if expected == AVOID_END:
                problems.append(f"{name(path)}: a words-to-avoid block is not closed")
    assert not problems, "\n".join(problems)


def test_every_row_of_a_words_to_avoid_block_names_the_word_to_write_instead():
    problems = []
    for language in LANGUAGES:
        for path, text in _lesson_texts(language):
            for block in _blocks(text):
                for line in block:
                    row = TABLE_ROW.match(line)
                    if row is None:
                        problems.append(f"{name(path)}: not a table row in the block: {line!r}")
                        continue
                    if SEPARATOR_ROW.match(line):
                        continue
                    cells = [cell.strip() for cell in row.group(1).split("|")]
                    if len(cells) != 2 or not all(cells):
                        problems.append(f"{name(path)}: a row needs two filled cells: {line!r}")
                    elif find_stigmatising_words(cells[1]):
                        problems.append(f"{name(path)}: the replacement is no better: {line!r}")
    assert not problems, "\n".join(problems)


def test_the_communication_course_shows_the_old_words_next_to_the_new_ones():
    expected = {
        "nl": {"prostituee", "prostitutie", "hoerenloper", "sekswerker", "sekswerk", "klant"},
        "en": {"prostitute", "prostitution", "sex worker", "sex work", "client"},
    }
    for language, words in expected.items():
        text = lesson_path(CONTENT / COMMUNICATION_COURSE, "woordkeuze", language).read_text(
            encoding="utf-8"
        )
        blocks = _blocks(text)
        assert len(blocks) == 1, f"woordkeuze.{language}.md: {len(blocks)} words-to-avoid blocks"
        block = "\n".join(blocks[0]).lower()
        assert {word for word in words if word not in block} == set(), language


# --- English terms --------------------------------------------------------------------------


def test_english_texts_call_a_municipal_check_an_inspection():
    problems = [
        f"{where}: '{match.group(0)}' (write 'inspection' / 'inspector')"
        for course_dir in course_dirs()
        for where, text in all_texts(course_dir, "en")
        for match in CONTROL_NOUN.finditer(text)
    ]
    assert not problems, "\n".join(problems)


def test_english_texts_write_boas_without_an_apostrophe():
    problems = [
        f"{where}: '{match.group(0)}'"
        for course_dir in course_dirs()
        for where, text in all_texts(course_dir, "en")
        for match in re.finditer(r"\bboa's\b", text, re.IGNORECASE)
    ]
    assert not problems, "\n".join(problems)


def test_every_course_that_mentions_boas_explains_the_word_where_it_first_appears():
    problems = []
    for course_dir in course_dirs():
        for language in LANGUAGES:
            first = next(
                (
                    slug
                    for slug in outline(course_dir)
                    if BOA.search(split_lesson(lesson_path(course_dir, slug, language))[1])
                ),
                None,
            )
            mentioned = first is not None or any(
                BOA.search(text) for _, text in all_texts(course_dir, language)
            )
            if not mentioned:
                continue
            body = split_lesson(lesson_path(course_dir, first, language))[1] if first else ""
            if BOA_EXPLAINED not in body:
                problems.append(
                    f"{course_dir.name} ({language}): 'boa' is not explained "
                    f"('{BOA_EXPLAINED}') in {first or 'any lesson'}"
                )
    assert not problems, "\n".join(problems)


def test_english_texts_give_the_swad_one_name():
    problems = []
    for course_dir in course_dirs():
        for where, text in all_texts(course_dir, "en"):
            for match in re.finditer(r"(?:\S+\s+){0,2}Alliance\b(?:\s+\S+)?", text):
                if SWAD_NAME not in match.group(0):
                    problems.append(f"{where}: '{match.group(0)}' (write '{SWAD_NAME} (SWAD)')")
            for other in ("Destigmatisation", "Alliantie"):
                if other in text:
                    problems.append(f"{where}: '{other}' in an English text")
    assert not problems, "\n".join(problems)


def test_the_police_course_title_speaks_of_contact_not_treatment():
    title = course_data(CONTENT / POLICE_COURSE)["title"]["en"]

    assert "treatment" not in title.lower(), title


# --- dated facts ----------------------------------------------------------------------------


def test_no_text_gives_a_state_without_its_dated_source():
    problems = [
        f"{where}: '{match.group(0)}' (name the source and its date, and where the current "
        "state is kept)"
        for course_dir in course_dirs()
        for language in LANGUAGES
        for where, text in all_texts(course_dir, language)
        for match in UNDATED_STATE.finditer(text)
    ]
    assert not problems, "\n".join(problems)


def test_lessons_about_bills_point_to_the_parliamentary_dossier():
    """Where a lesson discusses the Wrs or the bill on art. 273f, it names the dossier where the
    current state is kept."""
    problems = []
    for language in LANGUAGES:
        for path, text in _lesson_texts(language):
            if re.search(r"Wrs\b|Wet regulering sekswerk|Sex Work Regulation", text):
                if "35 715" not in text and "bronnen" not in path.name:
                    problems.append(f"{name(path)}: mentions the Wrs without dossier 35 715")
            if "36 547" in text and "tweedekamer.nl" not in text:
                problems.append(f"{name(path)}: names bill 36 547 without tweedekamer.nl")
    assert not problems, "\n".join(problems)
