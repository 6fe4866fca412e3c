"""Verification codes: readable, no look-alikes, at least 80 bits."""

import math
import re

from certificates.codes import BITS, new_code, normalise_code
from certificates.models import CODE_ALPHABET


def test_codes_have_the_printed_form_and_no_look_alikes():
    codes = {new_code() for _ in range(5000)}
    assert len(codes) == 5000
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
        assert not set(code) & set("01OI")


def test_codes_carry_at_least_80_bits():
    assert len(set(CODE_ALPHABET)) == 32
    assert 16 * math.log2(len(CODE_ALPHABET)) >= 80
    assert BITS >= 80


def test_every_sign_of_the_alphabet_is_used():
    signs = set("".join(new_code().replace("-", "") for _ in range(2000)))
    assert signs == set(CODE_ALPHABET)


def test_typed_codes_are_normalised():
    code = new_code()
    assert normalise_code(code.lower()) == code
    assert normalise_code(" " + code.replace("-", " ") + " ") == code
    assert normalise_code(code[:-1]) is None
    assert normalise_code(code[:-1] + "0") is None
    assert normalise_code("") is None
