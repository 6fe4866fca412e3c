"""Reading and validating one lesson: ``lessons/<slug>.<lang>.md`` (front matter + Markdown).

Rules (content/README.md): front matter ``title``, ``minutes`` (3–8) and ``kind`` (text, case,
video); the text fits the minutes (≤ 180 words a minute); both languages agree on minutes and
kind; only ``!!! case`` and ``!!! reflect`` blocks; images carry alt text; images, video and
captions come from our own static files; a video lesson carries a "Transcript"; no
stigmatising words. Bodies are rendered and sanitised here (``courses.markdown``).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.utils.html import strip_tags

from courses.loader.language import find_stigmatising_words
from courses.loader.yamlio import LoaderError, YamlMap, parse_yaml_text, read_text, relative_name
from courses.markdown import ADMONITION_TYPES, inspect_html, render_markdown
from courses.models import Lesson

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("nl", "en")
LESSON_KINDS = (Lesson.Kind.TEXT, Lesson.Kind.CASE, Lesson.Kind.VIDEO)
LESSON_MINUTES = (3, 8)
WORDS_PER_MINUTE = 180
LESSON_KEYS = {"title", "minutes", "kind"}
ADMONITION_RE = re.compile(r"^\s*!!!\s+([\w-]+)")


@dataclass
class LessonSpec:
    slug: str
    module_slug: str
    title: dict[str, str]
    body: dict[str, str]
    minutes: int
    kind: str


class Errors(list):
    def add(self, path: str, line: int | None, message: str, *, warning: bool = False) -> None:
        self.append(LoaderError(path, line, message, warning=warning))


def check_language(errors: Errors, name: str, text: str, first_line: int = 1) -> None:
    for line, word in find_stigmatising_words(text, first_line=first_line):
        errors.add(
            name,
            line,
            f"stigmatising word '{word}': write 'sekswerker' / 'sekswerk' "
            "('sex worker' / 'sex work') — see content/README.md",
        )


def _static_exists(url: str) -> bool:
    return bool(finders.find(url.removeprefix("/static/").split("?")[0].split("#")[0]))


def _check_media(errors: Errors, name: str, html: str, body_lines: list[str], first: int):
    """Images need alt text and, like video and captions, must be served from our own static
    files (the Content Security Policy blocks other sites). Returns the plain text."""
    found = inspect_html(html)

    def line_of(src: str | None) -> int | None:
        for offset, line in enumerate(body_lines):
            if src and src in line:
                return first + offset
        return None

    for image in found.images:
        src = image.get("src") or ""
        if not (image.get("alt") or "").strip():
            errors.add(name, line_of(src) or first, f"image '{src}' has no alt text")
    for src in [image.get("src") or "" for image in found.images] + found.media_sources:
        if not src.startswith("/static/"):
            errors.add(
                name,
                line_of(src) or first,
                f"'{src}' must be a file under static/ (for example /static/content/…)",
            )
        elif not _static_exists(src):
            errors.add(name, line_of(src) or first, f"'{src}' does not exist under static/")
    return found


def _read_lesson(errors: Errors, path: Path, root: Path) -> dict[str, Any] | None:
    """One lesson file: front matter checked, body rendered. ``None`` when unusable."""
    name = relative_name(path, root)
    try:
        text = read_text(path, root=root)
    except LoaderError as exc:
        errors.append(exc)
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        errors.add(name, 1, "a lesson starts with front matter between two '---' lines")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        errors.add(name, 1, "the front matter is not closed with a '---' line")
        return None
    try:
        meta = parse_yaml_text("\n".join(lines[1:end]), name=name, line_offset=1)
    except LoaderError as exc:
        errors.append(exc)
        return None
    if not isinstance(meta, YamlMap):
        errors.add(name, 2, "the front matter must be a mapping (title, minutes, kind)")
        return None
    for key in meta:
        if key not in LESSON_KEYS:
            errors.add(name, meta.line_of(key), f"unknown front-matter key '{key}'")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(name, meta.line_of("title"), "'title' is missing")
        title = ""
    low, high = LESSON_MINUTES
    minutes = meta.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        errors.add(name, meta.line_of("minutes"), f"'minutes' must be from {low} to {high}")
        minutes = None
    kind = meta.get("kind", Lesson.Kind.TEXT)
    if kind not in LESSON_KINDS:
        errors.add(name, meta.line_of("kind"), f"'kind' must be one of {', '.join(LESSON_KINDS)}")
        kind = None

    body_lines = lines[end + 1 :]
    first = end + 2
    body = "\n".join(body_lines).strip()
    if not body:
        errors.add(name, first, "the lesson has no text")
        return None
    for offset, line in enumerate(body_lines):
        match = ADMONITION_RE.match(line)
        if match and match.group(1) not in ADMONITION_TYPES:
            errors.add(
                name,
                first + offset,
                f"unknown block '!!! {match.group(1)}': use "
                + " or ".join(f"'!!! {kind}'" for kind in sorted(ADMONITION_TYPES)),
            )
    check_language(errors, name, title, first_line=meta.line_of("title"))
    check_language(errors, name, "\n".join(body_lines), first_line=first)
    html = render_markdown(body)
    found = _check_media(errors, name, html, body_lines, first)
    words = len(re.findall(r"\w+", strip_tags(html)))
    if minutes and words > minutes * WORDS_PER_MINUTE:
        errors.add(
            name,
            meta.line_of("minutes"),
            f"{words} words do not fit in {minutes} minutes "
            f"(at most {minutes * WORDS_PER_MINUTE}); shorten or split the lesson",
        )
    if kind == Lesson.Kind.VIDEO and not any("transcript" in h.lower() for h in found.headings):
        errors.add(
            name, first, "a video lesson needs a full transcript under a 'Transcript' heading"
        )
    return {
        "title": title.strip(),
        "minutes": minutes,
        "kind": kind,
        "body": html,
        "name": name,
        "lines": {"minutes": meta.line_of("minutes"), "kind": meta.line_of("kind")},
    }


def lesson_spec(
    errors: Errors, spec, module_slug: str, slug: str, line: int, root: Path
) -> LessonSpec | None:
    """Both (all) language files of one lesson from the outline, checked and rendered."""
    name = relative_name(spec.directory / "course.yaml", root)
    versions = {}
    for language in spec.languages:
        path = spec.directory / "lessons" / f"{slug}.{language}.md"
        if not path.is_file():
            errors.add(
                name, line, f"lesson '{slug}' has no {language} file (lessons/{slug}.{language}.md)"
            )
            continue
        lesson = _read_lesson(errors, path, root)
        if lesson is not None:
            versions[language] = lesson
    if len(versions) != len(spec.languages):
        return None
    nl = versions["nl"]
    for other in versions.values():
        for key in ("minutes", "kind"):
            if other[key] != nl[key]:
                errors.add(
                    other["name"],
                    other["lines"][key],
                    f"'{key}' differs from the Dutch file ({nl[key]} vs {other[key]})",
                )
    if nl["minutes"] is None or nl["kind"] is None:
        return None
    return LessonSpec(
        slug=slug,
        module_slug=module_slug,
        title={language: lesson["title"] for language, lesson in versions.items()},
        body={language: lesson["body"] for language, lesson in versions.items()},
        minutes=nl["minutes"],
        kind=nl["kind"],
    )
