"""Verification codes: ``XXXX-XXXX-XXXX-XXXX`` from 32 signs without the look-alikes
0/O and 1/I, drawn with ``secrets``: 16 × 5 = 80 bits of randomness. Codes are never derived from
ids or dates, so one code tells nothing about any other."""

import re
import secrets

from certificates.models import CODE_ALPHABET

GROUPS = 4
GROUP_LENGTH = 4
BITS = GROUPS * GROUP_LENGTH * 5  # log2(32) = 5 bits per sign

_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{GROUPS * GROUP_LENGTH}}}$")


def new_code() -> str:
    signs = "".join(secrets.choice(CODE_ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(signs[i : i + GROUP_LENGTH] for i in range(0, len(signs), GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code in its printed form, from what someone typed (any case, spaces or hyphens);
    ``None`` when it cannot be a code. Look-alike signs are NOT mapped: O and I are not in the
    alphabet, so a typed 0 or 1 simply fails (a wrong code, never someone else's)."""
    signs = re.sub(r"[\s\-]", "", text or "").upper()
    if not _CODE.match(signs):
        return None
    return "-".join(signs[i : i + GROUP_LENGTH] for i in range(0, len(signs), GROUP_LENGTH))
