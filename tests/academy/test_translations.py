"""The Dutch interface is complete and compiled; the language choice works end to end."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
NL_PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
NL_MO = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(NL_PO))


def test_every_dutch_message_is_translated(catalogue):
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == [], f"{len(missing)} untranslated: {missing[:10]}"
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert fuzzy == []


def test_translations_keep_their_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, ""))]
            pairs.append((entry.msgid_plural, entry.msgstr_plural.get(1, "")))
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                if not (entry.msgid_plural and "%(count)d" not in translation):
                    wrong.append((source, translation))
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(NL_MO))}
    stale = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        mo = compiled.get((entry.msgctxt, entry.msgid))
        expected = entry.msgstr_plural if entry.msgid_plural else entry.msgstr
        found = (mo.msgstr_plural if entry.msgid_plural else mo.msgstr) if mo else None
        if found != expected:
            stale.append(entry.msgid)
    assert stale == [], f"run `make messages`: {stale[:10]}"


@pytest.mark.django_db
def test_pages_speak_dutch_by_default_and_english_on_request(client, settings, catalogue):
    settings.LOCALE_PATHS = [LOCALE]
    dutch = catalogue.find("Learn to work without stigma").msgstr
    html = client.get("/").content.decode()
    assert dutch in html
    assert 'lang="nl"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert "Learn to work without stigma" in html
    assert 'lang="en"' in html
