"""The tone rule of content/README.md: stigmatising words are not used.

"sekswerker" / "sex worker", never "prostituee", "prostitutie", "hoer", "hoertje",
"hoerenloper", "tippelaar(ster)", "prostitute", "prostitution", "hooker", "whore" (nor compounds
such as "raamprostitutie") — except inside the name of a law, e.g. "Wet regulering prostitutie".
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


def find_stigmatising_words(text: str, *, first_line: int = 1) -> list[tuple[int, str]]:
    """``(line, word)`` for each stigmatising word outside a law's name."""
    found = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        cleaned = LAW_NAMES.sub(lambda m: " " * len(m.group(0)), line)
        found.extend((number, match.group(0)) for match in STIGMATISING.finditer(cleaned))
    return found
