"""Reading the real catalogue's files (``settings.CONTENT_DIR``) for the acceptance tests.

No database: these helpers read course.yaml, the lesson files, the knowledge checks and the
final quiz exactly as an author wrote them, so a failure can name the file (and often the line).
"""

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from django.conf import settings

CONTENT = Path(settings.CONTENT_DIR)
LANGUAGES = ("nl", "en")
LINK_TARGET = re.compile(r"\]\([^)]*\)")  # the URL of a Markdown link or image is not read
WORD = re.compile(r"\w")
REFLECT_BLOCK = re.compile(r"^\s*!!!\s+reflect\b", re.MULTILINE)


def course_dirs() -> list[Path]:
    return sorted(
        path for path in CONTENT.iterdir() if path.is_dir() and not path.name.startswith(("_", "."))
    )


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8-sig"))


def course_data(course_dir: Path) -> dict:
    return load_yaml(course_dir / "course.yaml")


def outline(course_dir: Path) -> list[str]:
    """The course's lesson slugs in the order of course.yaml."""
    return [slug for module in course_data(course_dir)["modules"] for slug in module["lessons"]]


def lesson_path(course_dir: Path, slug: str, language: str) -> Path:
    return course_dir / "lessons" / f"{slug}.{language}.md"


def lesson_files() -> list[Path]:
    return [
        lesson_path(course_dir, slug, language)
        for course_dir in course_dirs()
        for slug in outline(course_dir)
        for language in LANGUAGES
    ]


def split_lesson(path: Path) -> tuple[dict, str]:
    """(front matter, Markdown body) of a lesson file."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def count_words(markdown: str) -> int:
    """Words a learner reads: whitespace-separated tokens with at least one letter or digit
    (Markdown marks such as ``-``, ``##`` or ``!!!`` alone are no words; link targets are
    not read)."""
    return sum(1 for token in LINK_TARGET.sub("]", markdown).split() if WORD.search(token))


def check_draw(course_dir: Path, slug: str) -> int:
    """How many questions the lesson's knowledge check draws (0 without a check)."""
    path = course_dir / "checks" / f"{slug}.yaml"
    return load_yaml(path)["questions_per_attempt"] if path.is_file() else 0


def final_quiz(course_dir: Path) -> dict:
    return load_yaml(course_dir / "quiz.yaml")


def question_files(course_dir: Path) -> list[Path]:
    return [course_dir / "quiz.yaml", *sorted((course_dir / "checks").glob("*.yaml"))]


def _texts_in(data, language: str) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == language and isinstance(value, str):
                yield value
            else:
                yield from _texts_in(value, language)
    elif isinstance(data, list):
        for item in data:
            yield from _texts_in(item, language)


def all_texts(course_dir: Path, language: str) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every text of a course in ``language``."""
    for slug in outline(course_dir):
        path = lesson_path(course_dir, slug, language)
        meta, body = split_lesson(path)
        yield name(path), f"{meta['title']}\n{body}"
    for path in [course_dir / "course.yaml", *question_files(course_dir)]:
        for text in _texts_in(load_yaml(path), language):
            yield name(path), text


def name(path: Path) -> str:
    return path.relative_to(CONTENT).as_posix()
