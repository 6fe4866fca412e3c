"""Shared parts of the fuzz tests (``test_fuzz_forms``): hypothesis settings, strategies for
hostile form values, and helpers that keep examples independent of each other."""

import os
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.mfa import give_totp

FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def examples(default: int) -> int:
    """Examples per form; FUZZ_EXAMPLES=500 for a deeper run by hand."""
    return int(os.environ.get("FUZZ_EXAMPLES") or default)


# --- strategies ------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u202e\u0645\u0631\u062d\u0628\u0627 abc",  # right-to-left override, Arabic
    "שָׁלוֹם עוֹלָם",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "\r\n\r\n",
    "\u0085\u2028\u2029",
    "'\"<>&;--",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}%(name)s{0}",
    "../../etc/passwd",
    "１２３４５６７８９０１",  # full-width digits
    "١٢٣٤٥٦٧٨٩٠١",  # Arabic-Indic digits
    "²³",
    "-1",
    "0",
    "1.5",
    "1e3",
    "99999999999999999999",
    "-9223372036854775809",
    "NaN",
    "null",
    "[]",
    "{}",
]


def long_text():
    """Very long values: a few characters repeated up to 5 000 times."""
    return st.builds(
        lambda piece, times: piece * times,
        st.text(min_size=1, max_size=3),
        st.integers(min_value=100, max_value=5_000),
    )


def texts():
    """Any text: tricky fixed ones, arbitrary unicode (no surrogates), numbers, long ones."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.integers().map(str),
        long_text(),
    )


def value(*good):
    """One posted value: one of ``good`` or any text."""
    return st.one_of(st.sampled_from(good), texts()) if good else texts()


def field(*good):
    """A field as posted: one value, or the field repeated."""
    single = value(*good)
    return st.one_of(single, single, st.lists(single, min_size=2, max_size=3))


def form(**fields):
    """Form data where any field may be missing."""
    return st.fixed_dictionaries({}, optional=fields)


@st.composite
def nearly(draw, valid: dict, fuzz: dict):
    """A valid form with up to two fields fuzzed or left out: most of these pass the first
    checks, so the deeper ones (and what an accepted form saves) are exercised too."""
    data = draw(valid) if isinstance(valid, st.SearchStrategy) else {}
    if isinstance(valid, dict):
        data = {name: draw(strategy) for name, strategy in valid.items()}
    for name in draw(st.lists(st.sampled_from(sorted(fuzz)), max_size=2, unique=True)):
        if draw(st.booleans()):
            data[name] = draw(fuzz[name])
        else:
            data.pop(name, None)
    return data


def forms(valid: dict, fuzz: dict):
    """Nearly valid forms half of the time, anything at all the other half."""
    return st.one_of(nearly(valid, fuzz), form(**fuzz))


def future_dates():
    today = date.today()
    return st.dates(min_value=today + timedelta(days=1), max_value=today + timedelta(days=800))


def dates():
    return st.one_of(
        future_dates().map(date.isoformat),
        st.dates().map(date.isoformat),
        st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
        st.sampled_from(["2030-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2030-1-1"]),
        texts(),
    )


# --- the CSV upload of invitations --------------------------------------------------------

HEADERS = ["email", "name", "role", "group", "language", "e-mail", "Naam", "rol", "taal", "x"]


COLUMNS = ["email", "name", "role", "group", "language"]
CELLS = {
    "email": ["a@example.org", "B@Example.org ", "member@example.org", "x@ünï.nl", "nope"],
    "name": ["Ann de Vries", "Zoë 😀", ""],
    "role": ["learner", "admin", "beheerder", "trainer", "", "king"],
    "group": ["Klas", "klas", "Geen", ""],
    "language": ["nl", "en", "", "fr"],
}


def _cell(column):
    """Mostly a plausible value (some rejected for the row), sometimes any text."""
    good = st.sampled_from(CELLS[column])
    return st.one_of(good, good, good, texts())


@st.composite
def csv_content(draw) -> bytes:
    """A CSV in some encoding: mostly the known header with fuzzed cells (each row its own
    outcome), sometimes a ragged row or any header at all; or any bytes."""
    if draw(st.booleans()):
        delimiter = draw(st.sampled_from([",", ";"]))
        header = COLUMNS
        row = st.tuples(*(_cell(column) for column in COLUMNS)).map(
            lambda cells: [_plain(cell, delimiter) for cell in cells]
        )
        ragged = st.lists(texts(), max_size=6)
        rows = draw(st.lists(st.one_of(row, row, row, row, row, ragged), min_size=1, max_size=6))
    else:
        delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
        header = draw(st.lists(st.sampled_from(HEADERS), max_size=6))
        rows = draw(st.lists(st.lists(texts(), max_size=6), max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(cells) for cells in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _plain(cell: str, delimiter: str) -> str:
    """A cell that keeps the row's shape (no separators, quotes or line ends in it)."""
    for character in (delimiter, '"', "\r", "\n", "\x00"):
        cell = cell.replace(character, " ")
    return cell


FILE_NAMES = st.one_of(
    st.just("people.csv"),
    st.sampled_from(["people.csv", "PEOPLE.CSV", "list.txt", "virus.exe", "noext", ".csv"]),
    st.builds(lambda stem, ext: stem + ext, texts(), st.sampled_from([".csv", ".txt", ""])),
)


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def resolve(data, ids: dict):
    """Replace the "@name" placeholders by the ids of the test's data."""

    def one(item):
        return str(ids[item]) if isinstance(item, str) and item in ids else item

    if isinstance(data, dict):
        return {key: resolve(item, ids) for key, item in data.items()}
    if isinstance(data, list):
        return [one(item) for item in data]
    return one(data)


def login(client, user):
    give_totp(user)
    client.force_login(user)
    return client


def assert_refused(response):
    """A refused form: 4xx, or the form shown again with at least one error."""
    assert response.status_code < 500
    if response.status_code == 200:
        assert response.context["form"].errors, "a 200 without an error saved nothing"
    else:
        assert 400 <= response.status_code < 500, response.status_code
