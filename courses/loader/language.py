"""The tone rule of content/README.md: stigmatising words are not used.

"sekswerker" / "sex worker", never "prostituee", "prostitutie", "hoer", "hoertje",
"hoerenloper", "tippelaar(ster)", "prostitute", "prostitution", "hooker", "whore" (nor compounds
such as "raamprostitutie") — except inside the name of a law, e.g. "Wet regulering prostitutie",
and inside a marked "words to avoid" block of a lesson, where a table names the old words next to
the words to write instead::

    <!-- words-to-avoid -->
    | In plaats van | Schrijf |
    |---|---|
    | prostituee | sekswerker |
    <!-- /words-to-avoid -->

The markers are HTML comments, so learners never see them (the sanitiser strips comments). A
block that is not closed exempts nothing.
"""

import re

STIGMATISING = re.compile(
    r"\w*prostitu\w*"
    r"|\w*hoer(?:en|tjes?|enlopers?)?\b"
    r"|\btippelaar(?:ster)?s?\b"
    r"|\bhookers?\b"
    r"|\bwhores?\b",
    re.IGNORECASE,
)

# Names of laws may keep their official wording.
LAW_NAMES = re.compile(
    r"\bWet\s+regulering\s+prostitutie(?:\s+en\s+bestrijding\s+misstanden\s+seksbranche)?"
    r"|\b(?:Prostitution\s+Regulation|Regulation\s+of\s+Prostitution)\s+Act\b"
    r"|[\"“„‘'«]\s*(?:Wet|[A-Z][\w-]*(?:\s+[\w-]+)*\s+Act)\b[^\"”“’'»\n]*[\"”“’'»]",
    re.IGNORECASE,
)


AVOID_START = "<!-- words-to-avoid -->"
AVOID_END = "<!-- /words-to-avoid -->"


def avoid_block_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines inside closed "words to avoid" blocks (markers included)."""
    inside: set[int] = set()
    start = None
    for index, line in enumerate(lines):
        if line.strip() == AVOID_START and start is None:
            start = index
        elif line.strip() == AVOID_END and start is not None:
            inside.update(range(start, index + 1))
            start = None
    return inside


def find_stigmatising_words(text: str, *, first_line: int = 1) -> list[tuple[int, str]]:
    """``(line, word)`` for each stigmatising word outside a law's name and outside a marked
    "words to avoid" block."""
    found = []
    lines = text.split("\n")
    exempt = avoid_block_lines(lines)
    for index, line in enumerate(lines):
        if index in exempt:
            continue
        number = first_line + index
        cleaned = LAW_NAMES.sub(lambda m: " " * len(m.group(0)), line)
        found.extend((number, match.group(0)) for match in STIGMATISING.finditer(cleaned))
    return found
