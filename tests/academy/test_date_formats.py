"""One way to write dates per language (``academy.formats``): "25 november 2026" and
"25 November 2026", with a time "25 november 2026, 18:48"; no abbreviated months, numeric dates
or 12-hour clock anywhere."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

BASE_DIR = Path(settings.BASE_DIR)
MOMENT = datetime.datetime(2026, 11, 25, 18, 48)
EXPECTED = {
    "nl": ("25 november 2026", "25 november 2026, 18:48"),
    "en": ("25 November 2026", "25 November 2026, 18:48"),
}
# For people: a date, a date with a time, a time. For machines: <time datetime>, ISO.
ALLOWED = {"j F Y", "j F Y, H:i", "H:i", "c", "Y-m-d", "%Y-%m-%d", "%Y-%m-%d %H:%M"}
ALLOWED |= {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
# Lines in files owned by another change; delete an entry once its line is fixed.
NOT_YET: set[tuple[str, str]] = set()
FORMAT_IN_TEMPLATE = re.compile(r"""\|(?:date|time):\s*["']([^"']*)["']""")
FORMAT_IN_PYTHON = re.compile(r"""(?:date_format|strftime)\(.*?["']([^"']+)["']\s*\)""")
APPS = ["academy", "accounts", "organisations", "courses", "assessments", "certificates"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_named_format_writes_the_month_in_full(language):
    date, with_time = EXPECTED[language]
    with translation.override(language):
        assert date_format(MOMENT) == date
        assert date_format(MOMENT, "SHORT_DATE_FORMAT") == date
        assert date_format(MOMENT, "DATETIME_FORMAT") == with_time
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == with_time
        assert date_format(MOMENT, "TIME_FORMAT") == "18:48"
        assert Template("{{ moment }}").render(Context({"moment": MOMENT.date()})) == date


def formats_used() -> list[tuple[str, str]]:
    found = []
    for path in (BASE_DIR / "templates").rglob("*"):
        if path.suffix in (".html", ".txt"):
            found += [(path, f) for f in FORMAT_IN_TEMPLATE.findall(path.read_text())]
    for app in APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            found += [(path, f) for f in FORMAT_IN_PYTHON.findall(path.read_text())]
    return [(str(path.relative_to(BASE_DIR)), f) for path, f in found]


def test_templates_and_code_use_only_the_platforms_date_formats():
    used = formats_used()
    assert len(used) > 20  # the scan finds them
    other = sorted({(path, f) for path, f in used if f not in ALLOWED} - NOT_YET)
    assert other == []
